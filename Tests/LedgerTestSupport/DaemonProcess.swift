import Foundation
import LedgerClient

/// A real `ledgerd` started on a temporary socket and state directory, as a test's server.
public final class DaemonProcess: @unchecked Sendable {
    // @unchecked: the process handle is only touched by the test that owns this launcher.

    /// The scratch directory holding the state directory and the socket.
    public let directory: TemporaryDirectory
    /// The socket path.
    public let socket: String
    /// The state directory.
    public let stateDirectory: String
    /// The running process.
    public private(set) var process: Process
    private let arguments: [String]
    private let environment: [String: String]
    private let launcher: [String]
    /// Where the daemon's standard error goes.
    public let logFile: String

    /// Starts `ledgerd` and waits until its socket accepts connections; through `launcher` when
    /// given (a command that runs the program and arguments following it, as `service-sandbox`).
    public init(
        arguments: [String] = [], environment: [String: String] = [:], directory: TemporaryDirectory? = nil, launcher: [String] = []
    ) throws {
        let directory = try directory ?? TemporaryDirectory("ledgerd")
        self.directory = directory
        socket = directory.appending("ledger.sock")
        stateDirectory = directory.appending("state")
        logFile = directory.appending("ledgerd.log")
        self.arguments = arguments
        self.environment = environment
        self.launcher = launcher
        process = Process()
        try start()
    }

    /// The daemon's log so far.
    public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Starts (or restarts) the daemon over the same state directory.
    public func start() throws {
        let process = Process()
        let command = launcher + [Paths.products + "/ledgerd", "--state-dir", stateDirectory, "--socket", socket] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "WATCHDOG_PID"] { env[key] = nil }
        for (key, value) in environment { env[key] = value }
        // Readiness is awaited as systemd awaits it, from READY=1, unless the test listens itself:
        // a probing connection would be counted by the daemon, perhaps only after the test's own.
        let readiness = env["NOTIFY_SOCKET"] == nil ? try DatagramReceiver(filePath: ()) : nil
        if let readiness { env["NOTIFY_SOCKET"] = readiness.notifyPath }
        process.environment = env
        if !FileManager.default.fileExists(atPath: logFile) {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        if let readiness {
            try waitUntilReady(readiness)
        } else {
            try waitUntilServing()
        }
    }

    /// Waits (at most 20 s) for READY=1 on `readiness`.
    private func waitUntilReady(_ readiness: DatagramReceiver) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let message = readiness.receive(), message.split(separator: "\n").contains("READY=1") { return }
            guard process.isRunning else {
                throw DaemonFailure(message: "ledgerd exited with status \(process.terminationStatus): \(log)")
            }
        }
        throw DaemonFailure(message: "ledgerd did not say READY=1: \(log)")
    }

    /// Waits until the socket accepts a connection (at most 20 s).
    private func waitUntilServing() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if Self.canConnect(socket) { return }
            guard process.isRunning else {
                throw DaemonFailure(message: "ledgerd exited with status \(process.terminationStatus): \(log)")
            }
            usleep(20_000)
        }
        throw DaemonFailure(message: "ledgerd did not start serving: \(log)")
    }

    /// Sends a signal and waits (at most 60 s) for the process to exit; returns its exit status,
    /// or -1 when it had to be killed because it did not exit.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }

    /// A client connection whose reads give up after 60 s, so a test fails rather than hangs.
    public func connect() throws -> LedgerConnection {
        try LedgerConnection(path: socket, timeout: .seconds(60))
    }

    /// How the process ended.
    public var terminationReason: Process.TerminationReason { process.terminationReason }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Whether something accepts connections on the Unix socket at `path`.
    public static func canConnect(_ path: String) -> Bool {
        guard let fd = try? UnixSocketAddress.connectedStream(to: path) else { return false }
        close(fd)
        return true
    }
}

/// The daemon did not start or stop as expected.
public struct DaemonFailure: Error, CustomStringConvertible {
    /// What happened, with the daemon's log.
    public let message: String
    /// The message.
    public var description: String { message }

    /// A failure with its message.
    public init(message: String) {
        self.message = message
    }
}
