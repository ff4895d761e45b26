import Foundation
import LedgerHarness
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension DaemonProcess {
    /// The `ledgerd` beside this binary on `stateDirectory`, its sockets in `scratch`, as the
    /// benchmark runs it; started as systemd starts it with `Type=notify`, so the time from
    /// launch to its READY=1 is what a service start costs. Its log goes to this program's.
    /// With `http`, it serves the web interface there too.
    static func benchmarked(stateDirectory: String, scratch: String, http: String? = nil) -> DaemonProcess {
        DaemonProcess(
            stateDirectory: stateDirectory, directory: scratch, logFile: nil,
            arguments: ["--log-level", "warning", "--max-connections", "1024"] + (http.map { ["--http", $0] } ?? [])
        )
    }

    /// Stops it as systemd does (SIGTERM), failing unless it exits 0.
    func stopCleanly() throws {
        let status = stop()
        guard status == 0 else { throw DaemonFailure(message: "ledgerd exited with status \(status)") }
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
                if let bytes = ProcessStatus.bytes("RssAnon", of: pid) {
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

/// The bytes written to storage since it was made: by the daemon (`write_bytes` of its /proc
/// io), and by this process, where the SQLite baseline runs.
struct WrittenBytes {
    let daemon: Int32
    let ledgerStart: Int?
    let sqliteStart: Int?

    init(daemon: Int32) {
        self.daemon = daemon
        ledgerStart = ProcessStatus.writtenBytes(of: daemon)
        sqliteStart = ProcessStatus.writtenBytes(of: getpid())
    }

    /// Both counts since it was made, or nil where /proc does not say.
    func sinceStart() -> (ledger: Int, sqlite: Int)? {
        guard let ledgerStart, let sqliteStart, let ledger = ProcessStatus.writtenBytes(of: daemon),
            let sqlite = ProcessStatus.writtenBytes(of: getpid())
        else { return nil }
        return (ledger - ledgerStart, sqlite - sqliteStart)
    }
}
