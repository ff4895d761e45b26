import Foundation
import LedgerClient
import LedgerCore

#if canImport(Glibc)
import Glibc
#endif

/// The real `ledgerd` (the one beside this binary) that the hostile clients are aimed at: on a
/// scratch socket and state directory, with the limits under test, its log kept in a file.
final class HostileDaemon {
    let process: Process
    let socket: String
    let logPath: String

    /// Starts `ledgerd` with `options` and waits (at most 60 s) until it answers a ping.
    init(scratch: String, options: [String]) throws {
        socket = scratch + "/ledger.sock"
        logPath = scratch + "/ledgerd.log"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ledgerd")
        process.arguments = ["--state-dir", scratch + "/state", "--socket", socket, "--log-level", "notice"] + options
        var environment = ProcessInfo.processInfo.environment
        for key in ["LISTEN_FDS", "LISTEN_PID", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] { environment[key] = nil }
        process.environment = environment
        try FileManager.default.createDirectory(atPath: scratch + "/state", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let connection = try? LedgerConnection(path: socket, timeout: .seconds(10)),
               (try? connection.request(.object(JSONObject([("op", .string("ping"))])))) != nil {
                return
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                if process.isRunning { process.terminate() }
                process.waitUntilExit()
                throw ClientError.broken("ledgerd did not answer a ping within 60 s; its log: \(logPath)")
            }
            usleep(20_000)
        }
    }

    /// The daemon's process id, for /proc.
    var pid: Int32 { process.processIdentifier }

    /// A new ordinary client connection.
    func connect() throws -> LedgerConnection {
        try LedgerConnection(path: socket, timeout: .seconds(60))
    }

    /// The daemon's log so far.
    func logText() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Stops it as systemd does (SIGTERM), waits, and returns its exit status.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
