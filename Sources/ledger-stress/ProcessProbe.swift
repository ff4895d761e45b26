import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reads what /proc says about a process: its memory and its open descriptors.
enum ProcessProbe {
    /// A field of /proc/PID/status in bytes (`VmRSS`, `VmHWM`, `RssAnon`), or nil where /proc has none.
    static func statusBytes(_ name: String, of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
        }
        return nil
    }

    /// How many descriptors the process holds open, or nil where /proc has none.
    static func openDescriptors(of pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

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
                let resident = ProcessProbe.statusBytes("VmRSS", of: pid) ?? 0
                let anonymous = ProcessProbe.statusBytes("RssAnon", of: pid) ?? 0
                let descriptors = ProcessProbe.openDescriptors(of: pid) ?? 0
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
