import Foundation
import LedgerClient

/// A real `ledgerd` on a socket and a state directory, started as systemd starts it
/// (`Type=notify`: ready once it says READY=1), and stopped or killed at will: how the tests,
/// `ledger-bench` and `ledger-stress` run the daemon.
public final class DaemonProcess: @unchecked Sendable {
    // @unchecked: the process handle is replaced only by `start`, called by the one owner of the
    // daemon; other threads at most read its pid or whether it runs.

    /// When the daemon counts as started.
    public enum Readiness: Sendable {
        /// Once it says READY=1 on the notify socket the launcher listens on, as systemd awaits it.
        case notify
        /// Once the socket at the path accepts a connection: for a daemon whose NOTIFY_SOCKET the
        /// caller listens on itself, or that only starts on a first connection (socket activation).
        case accepting(String)
    }

    /// The program started (ledgerd, or a program that execs it, as `prlimit` does).
    public let command: [String]
    /// The state directory: it outlives every process started on it.
    public let stateDirectory: String
    /// The directory holding the sockets (keep its path short: a socket path has at most 107 bytes).
    public let directory: String
    /// The socket ledgerd is told to listen on.
    public let socket: String
    /// Where the daemon's standard output and error go, run after run; nil leaves them this process's.
    public let logFile: String?
    private let notifyPath: String
    private let environment: [String: String]
    private let readiness: Readiness
    /// A scratch directory kept as long as the daemon.
    private let scratch: TemporaryDirectory?
    private var process: Process?

    /// A daemon to be started on `stateDirectory` with its sockets in `directory` (`ledger.sock`
    /// and the notify socket `notify.sock`) and its log in `logFile`. `arguments` follow
    /// `--state-dir` and `--socket`; `wrapper` comes before ledgerd (a program that execs it);
    /// `environment` is added to this process's (NOTIFY_SOCKET, LISTEN_* and WATCHDOG_* are not
    /// passed on unless given there). A NOTIFY_SOCKET given there is the caller's to listen on:
    /// the daemon is then ready once its socket accepts.
    public init(
        executable: String = Products.path("ledgerd"), stateDirectory: String, directory: String, logFile: String?,
        arguments: [String] = [], environment: [String: String] = [:], wrapper: [String] = [], readiness: Readiness? = nil,
        keeping scratch: TemporaryDirectory? = nil
    ) {
        self.stateDirectory = stateDirectory
        self.directory = directory
        socket = directory + "/ledger.sock"
        notifyPath = directory + "/notify.sock"
        self.logFile = logFile
        command = wrapper + [executable, "--state-dir", stateDirectory, "--socket", socket] + arguments
        self.environment = environment
        self.readiness = readiness ?? (environment["NOTIFY_SOCKET"] == nil ? .notify : .accepting(directory + "/ledger.sock"))
        self.scratch = scratch
    }

    deinit {
        if let process, process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The daemon's log so far.
    public var log: String { logFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    /// Whether a started process is still running.
    public var isRunning: Bool { process?.isRunning ?? false }

    /// The running process's id, for signals and /proc (0 before it is started).
    public var pid: Int32 { process?.processIdentifier ?? 0 }

    /// How the last process ended, once it has.
    public var terminationReason: Process.TerminationReason? {
        guard let process, !process.isRunning else { return nil }
        return process.terminationReason
    }

    /// Starts (or starts again) the daemon over the same state directory, and returns once it is
    /// ready: how long that took. Fails if it exits first or is not ready within `limit`.
    @discardableResult
    public func start(within limit: Duration = .seconds(60)) throws -> Duration {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "WATCHDOG_PID"] { environment[key] = nil }
        for (key, value) in self.environment { environment[key] = value }
        let listener: DatagramReceiver?
        if case .notify = readiness {
            listener = try DatagramReceiver(path: notifyPath)
            environment["NOTIFY_SOCKET"] = notifyPath
        } else {
            listener = nil
        }
        process.environment = environment
        var log: FileHandle?
        if let logFile {
            if !FileManager.default.fileExists(atPath: logFile) {
                _ = FileManager.default.createFile(atPath: logFile, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
            log = handle
        }
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        try? log?.close()
        self.process = process
        while true {
            switch readiness {
            case .notify:
                if listener?.receivedReady(within: .milliseconds(50)) == true { return clock.now - started }
            case .accepting(let path):
                if Self.canConnect(path) { return clock.now - started }
                usleep(20_000)
            }
            guard process.isRunning else {
                throw DaemonFailure(message: "ledgerd exited with status \(process.terminationStatus) before it was ready\(logExcerpt)")
            }
            guard clock.now - started < limit else {
                kill()
                throw DaemonFailure(message: "ledgerd was not ready within \(limit)\(logExcerpt)")
            }
        }
    }

    /// Sends `signal` (SIGTERM: as systemd stops it) and waits at most `limit` for the process to
    /// exit; returns its exit status, or -1 when it had to be killed because it did not exit.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, within limit: Duration = .seconds(60)) -> Int32 {
        guard let process else { return 0 }
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        if process.isRunning {
            kill()
            return -1
        }
        return process.terminationStatus
    }

    /// Waits at most `limit` for the daemon to exit on its own; returns its exit status, or nil
    /// when it is still running.
    public func waitForExit(within limit: Duration) -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the daemon with SIGKILL, as a power cut or the OOM killer would, and waits for it to be gone.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        // Polled finely: `waitUntilExit` looks only every 50 ms, which would pad every restart.
        while process.isRunning { usleep(200) }
    }

    /// A new client connection whose reads give up after `timeout`, so a caller fails rather than hangs.
    public func connect(timeout: Duration = .seconds(60)) throws(ClientError) -> LedgerConnection {
        try LedgerConnection(path: socket, timeout: timeout)
    }

    /// A field of the daemon's /proc/PID/status in bytes (`VmHWM`, `RssAnon`, …), or nil where /proc has none.
    public func statusBytes(_ field: String) -> Int? {
        ProcessStatus.bytes(field, of: pid)
    }

    /// Whether something accepts connections on the Unix socket at `path`.
    public static func canConnect(_ path: String) -> Bool {
        guard let fd = try? UnixSocketAddress.connectedStream(to: path) else { return false }
        close(fd)
        return true
    }

    /// The end of the log, for a failure's message.
    private var logExcerpt: String {
        guard let logFile else { return "" }
        let text = log
        return "; its log (\(logFile)): " + (text.count > 4000 ? "…" + String(text.suffix(4000)) : text)
    }
}

/// The daemon did not start or stop as expected, or a harness socket failed.
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
