import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pure work started on another thread, whose result the starting thread collects later: lets a
/// write transaction's thread keep writing while its inputs are prepared on the other cores.
///
/// `@unchecked Sendable`: `output` is written once, by the job, before it leaves `group`, and read
/// only after waiting on `group`, which orders that write before the read.
final class BackgroundJob<Output: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private let work: @Sendable () -> Output
    private var output: Output?

    /// Starts `work` on a global queue.
    init(_ work: @escaping @Sendable () -> Output) {
        self.work = work
        DispatchQueue.global().async(group: group) { [self] in output = work() }
    }

    /// Waits for the work to finish and returns its result.
    func wait() -> Output {
        group.wait()
        // Set by the job before the group was left; doing the work here instead is only a fallback.
        return output ?? work()
    }

    /// The cores there are to run jobs on.
    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
