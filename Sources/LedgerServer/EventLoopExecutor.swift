import NIOCore

/// Runs a connection's task on the event loop its channel lives on.
///
/// A request's bytes arrive on the loop and its answer is written there; a task on Swift's
/// cooperative pool would wake a pool thread to read each request and wake the loop again to
/// write each answer, and on a machine whose cores sleep between requests each wake-up costs a
/// tenth of a millisecond or more. With its task here, a connection wakes another thread only for
/// what runs elsewhere: its store reads (`ReadScheduler`) and its appends (`AppendWriter`).
///
/// Nothing long runs on the loop: a request line longer than `RequestHandler.longRequest` (a
/// batch of events) is parsed, checked and answered on the cooperative pool, and a read's answer
/// is encoded on its read thread, so one client's work does not hold up the other connections of
/// its loop. NIO 2.101 has no task executor of its own for a loop; this is the few lines that
/// make one.
final class EventLoopExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { [self] in
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
