import Foundation
import LedgerHarness
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What this process may open.
enum ProcessProbe {
    /// Raises this process's soft limit on open descriptors to at least `needed` (children inherit
    /// it); false when the hard limit is lower.
    static func allowDescriptors(_ needed: Int) -> Bool {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return false }
        if limit.rlim_cur >= rlim_t(needed) { return true }
        guard limit.rlim_max >= rlim_t(needed) else { return false }
        limit.rlim_cur = limit.rlim_max
        return setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0
    }
}

/// The largest figures a process reached, sampled every 20 ms on a thread of its own.
final class PeakSampler: Sendable {
    /// The peaks seen so far.
    struct Peaks {
        var residentBytes = 0
        var anonymousBytes = 0
        var descriptors = 0
    }

    private let peaks = Mutex(Peaks())
    private let running = Atomic<Bool>(true)
    private let stopped = Atomic<Bool>(false)

    /// Starts sampling `pid`.
    init(pid: Int32) {
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                let resident = ProcessStatus.bytes("VmRSS", of: pid) ?? 0
                let anonymous = ProcessStatus.bytes("RssAnon", of: pid) ?? 0
                let descriptors = ProcessStatus.openDescriptors(of: pid) ?? 0
                peaks.withLock { peaks in
                    peaks.residentBytes = max(peaks.residentBytes, resident)
                    peaks.anonymousBytes = max(peaks.anonymousBytes, anonymous)
                    peaks.descriptors = max(peaks.descriptors, descriptors)
                }
                usleep(20_000)
            }
            stopped.store(true, ordering: .releasing)
        }
        thread.start()
    }

    /// The peaks so far.
    var current: Peaks { peaks.withLock { $0 } }

    /// Stops sampling and returns the peaks.
    func stop() -> Peaks {
        running.store(false, ordering: .relaxed)
        while !stopped.load(ordering: .acquiring) { usleep(5_000) }
        return current
    }
}
