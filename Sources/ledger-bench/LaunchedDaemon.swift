import Foundation
import LedgerClient
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A real `ledgerd` (the one beside this binary) on a scratch socket, started as systemd would
/// start it with `Type=notify`: the time from launch to its READY=1 is what a service start costs.
final class LaunchedDaemon {
    let process: Process
    let socket: String
    /// Seconds from launch until READY=1 arrived on the notify socket.
    let secondsToReady: Double

    /// Starts `ledgerd` over `stateDirectory` and waits (at most 120 s) for READY=1.
    init(stateDirectory: String, socket: String, scratch: String) throws {
        let notifyPath = scratch + "/notify.sock"
        unlink(notifyPath)
        let listener = try NotifyListener(path: notifyPath)
        defer { unlink(notifyPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ledgerd")
        process.arguments = [
            "--state-dir", stateDirectory, "--socket", socket, "--log-level", "warning", "--max-connections", "1024",
        ]
        var environment = ProcessInfo.processInfo.environment
        for key in ["LISTEN_FDS", "LISTEN_PID", "WATCHDOG_USEC", "WATCHDOG_PID"] { environment[key] = nil }
        environment["NOTIFY_SOCKET"] = notifyPath
        process.environment = environment
        let start = monotonicSeconds()
        try process.run()
        self.process = process
        self.socket = socket
        do {
            try listener.waitForReady()
        } catch {
            process.terminate()
            process.waitUntilExit()
            throw error
        }
        secondsToReady = monotonicSeconds() - start
    }

    /// A new client connection.
    func connect() throws -> LedgerConnection {
        try LedgerConnection(path: socket, timeout: .seconds(600))
    }

    /// The daemon's peak resident memory so far, in bytes (VmHWM), or nil where /proc has none.
    /// It counts the pages of the store's memory map that were read, which the kernel can drop.
    func peakResidentBytes() -> Int? {
        Self.statusField("VmHWM", of: process.processIdentifier)
    }

    /// A field of /proc/PID/status in bytes (`VmHWM`, `RssAnon`, …), or nil where /proc has none.
    static func statusField(_ name: String, of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kibibytes = line.split(separator: " ").compactMap { Int($0) }.first
            return kibibytes.map { $0 * 1024 }
        }
        return nil
    }

    /// Stops it as systemd does (SIGTERM) and waits for it to exit.
    func stop() throws {
        process.terminate()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ClientError.broken("ledgerd exited with status \(process.terminationStatus)")
        }
    }
}

/// The receiving end of `NOTIFY_SOCKET`: a Unix datagram socket bound to a path.
struct NotifyListener: ~Copyable {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError.broken("cannot make a datagram socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw ClientError.broken("the notify socket path \(path) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw ClientError.broken("cannot bind \(path): \(String(cString: strerror(errno)))")
        }
        var limit = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    /// Returns once a datagram carrying READY=1 arrives.
    func waitForReady() throws {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress, raw.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ClientError.broken("ledgerd sent no READY=1 within 120 s")
            }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            if message.split(separator: "\n").contains("READY=1") { return }
        }
    }
}

/// Samples a process's anonymous resident memory (its heap and stacks, not the store's mapped
/// file) every 10 ms and keeps the largest value seen.
final class AnonymousMemorySampler: Sendable {
    private let peak = Mutex(0)
    private let running = Atomic<Bool>(true)

    init(pid: Int32) {
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                if let bytes = LaunchedDaemon.statusField("RssAnon", of: pid) {
                    peak.withLock { $0 = max($0, bytes) }
                }
                usleep(10_000)
            }
        }
        thread.start()
    }

    /// The largest value seen; stops sampling.
    func stop() -> Int {
        running.store(false, ordering: .relaxed)
        return peak.withLock { $0 }
    }
}
