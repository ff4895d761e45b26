import Foundation
import LedgerClient

#if canImport(Glibc)
import Glibc
#endif

/// The real `ledgerd` (the one beside this binary) on a scratch socket and a state directory,
/// started as systemd starts it (`Type=notify`), and stopped or killed at will.
final class StressDaemon {
    /// The state directory: it outlives every process started on it.
    let stateDirectory: String
    /// The socket path.
    let socket: String
    /// Where every run's standard error goes, one after the other.
    let logPath: String
    private let notifyPath: String
    private let extraArguments: [String]
    private let logLevel: String
    private let executable: String
    private var process: Process?

    /// A daemon to be started on `stateDirectory`, its sockets in `runtimeDirectory` (keep that
    /// path short: a socket path has at most 107 bytes), its standard error appended to `logPath`.
    init(
        stateDirectory: String, runtimeDirectory: String, logPath: String, logLevel: String = "warning", arguments: [String] = [],
        executable: String = StressDaemon.sibling("ledgerd")
    ) {
        self.executable = executable
        self.stateDirectory = stateDirectory
        socket = runtimeDirectory + "/ledger.sock"
        self.logPath = logPath
        notifyPath = runtimeDirectory + "/notify.sock"
        self.logLevel = logLevel
        extraArguments = arguments
    }

    deinit {
        if let process, process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The path of a program installed beside this one.
    static func sibling(_ name: String) -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// The daemon's log so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Whether a started process is still running.
    var isRunning: Bool { process?.isRunning ?? false }

    /// The running process's id, for /proc (0 before it is started).
    var pid: Int32 { process?.processIdentifier ?? 0 }

    /// A new ordinary client connection.
    func connect() throws -> LedgerConnection {
        try LedgerConnection(path: socket, timeout: .seconds(60))
    }

    /// Starts `ledgerd` and returns how long it took to say READY=1 (at most 60 s).
    @discardableResult
    func start() throws -> Duration {
        let listener = try ReadinessListener(path: notifyPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--state-dir", stateDirectory, "--socket", socket, "--log-level", logLevel] + extraArguments
        var environment = ProcessInfo.processInfo.environment
        for key in ["LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "WATCHDOG_PID"] { environment[key] = nil }
        environment["NOTIFY_SOCKET"] = notifyPath
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        try? log.close()
        self.process = process
        while !listener.receivedReady() {
            guard process.isRunning else {
                throw ClientError.broken("ledgerd exited with status \(process.terminationStatus) before it was ready; its log: \(logPath)")
            }
            guard clock.now - started < .seconds(60) else {
                kill()
                throw ClientError.broken("ledgerd did not say READY=1 within 60 s; its log: \(logPath)")
            }
        }
        return clock.now - started
    }

    /// Kills the daemon with SIGKILL, as a power cut or the OOM killer would, and waits for it to be gone.
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        // Polled finely: `waitUntilExit` looks only every 50 ms, which would pad every restart.
        while process.isRunning { usleep(200) }
    }

    /// Stops the daemon as systemd does (SIGTERM) and returns its exit status (-1 if it had to be killed after 60 s).
    func stop() -> Int32 {
        guard let process else { return 0 }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            kill()
            return -1
        }
        return process.terminationStatus
    }
}
