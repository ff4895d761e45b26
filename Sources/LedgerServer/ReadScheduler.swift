#if canImport(Glibc)
import Glibc
#endif
import NIOPosix
import Synchronization

/// How much of the read pool a piece of read work may take.
public enum ReadCost: Hashable, Sendable {
    /// A short read: one line's history, one department's `at`, the stats.
    case cheap
    /// A slice of a long walk, or a read that covers the whole ledger: queued behind others of its
    /// kind, at most one at a time for each client user.
    case expensive(ExpensiveRead)
}

/// The reads whose cost grows with the ledger.
public enum ExpensiveRead: Hashable, Sendable, CaseIterable {
    /// A slice of `verify`'s chain walk.
    case verify
    /// A page of an export.
    case export
    /// A page of a subscription's catch-up.
    case catchUp
    /// `at` over the whole ledger.
    case wholeLedgerAt
}

/// Runs the daemon's store reads on a pool of threads of their own, shared fairly between the
/// users of the clients that ask for them.
///
/// Reads never run on an event loop or on Swift's cooperative pool (one thread per core): a long
/// read there would hold back every `ping`, every append's answer and the watchdog. Work waits in
/// one queue per user and is taken round-robin across users, so one user's many loops get one
/// user's share. Expensive work is bounded: at most `threads - 1` slices run at once (one thread
/// stays free for cheap reads), at most that many of one kind, and one at a time for each user.
/// Long walks are submitted a slice at a time, each slice going to the back of its user's queue.
/// Work is queued, never refused. The pool's threads run at a lower priority than the writer's
/// (`nice`), so the kernel serves appends and pings first when the cores are busy.
public final class ReadScheduler: Sendable {
    /// Who is asking: the client's user id, or nil when the kernel could not say.
    public typealias User = UInt32?

    private struct Job {
        let cost: ReadCost
        let run: @Sendable () -> Void
    }

    private struct UserQueue {
        var cheap: [Job] = []
        var expensive: [Job] = []
        var runningExpensive = 0
        var isEmpty: Bool { cheap.isEmpty && expensive.isEmpty }
    }

    private struct State {
        var queues: [User: UserQueue] = [:]
        /// Users with queued work, in the order they will next be served.
        var rotation: [User] = []
        var running = 0
        var runningExpensive = 0
        var runningByKind: [ExpensiveRead: Int] = [:]
        var completed = 0
    }

    private let pool: NIOThreadPool
    private let state = Mutex(State())
    /// How many reads run at once.
    public let threads: Int
    /// How many expensive slices run at once, in all and of each kind.
    public let expensiveLimit: Int
    private let niceness: Int32

    /// A scheduler over `threads` threads (at least 1) that run at `niceness` above the daemon's priority.
    public init(threads: Int, niceness: Int32 = 5) {
        self.threads = max(1, threads)
        expensiveLimit = max(1, self.threads - 1)
        self.niceness = niceness
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Stops the pool's threads once the work already started is done.
    public func shutDown() async {
        try? await pool.shutdownGracefully()
    }

    /// Reads completed since start.
    public var completedReads: Int { state.withLock { $0.completed } }

    /// Reads waiting for their turn now.
    public var queuedReads: Int {
        state.withLock { $0.queues.values.reduce(0) { $0 + $1.cheap.count + $1.expensive.count } }
    }

    /// Runs `body` on a read thread when its turn comes, and returns what it returned.
    public func run<Result: Sendable>(
        for user: User, cost: ReadCost, _ body: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, Error>) in
            let job = Job(cost: cost) { [niceness, self] in
                ReadThread.lowerPriority(by: niceness)
                let result = Swift.Result { try body() }
                // Counted before the reader has its answer, so a caller that got one sees it counted.
                state.withLock { $0.completed += 1 }
                continuation.resume(with: result)
            }
            let ready = state.withLock { state -> [(Job, User)] in
                if state.queues[user]?.isEmpty ?? true { state.rotation.append(user) }
                switch cost {
                case .cheap: state.queues[user, default: UserQueue()].cheap.append(job)
                case .expensive: state.queues[user, default: UserQueue()].expensive.append(job)
                }
                return Self.takeRunnable(&state, threads: threads, expensiveLimit: expensiveLimit)
            }
            start(ready)
        }
    }

    private func start(_ jobs: [(Job, User)]) {
        for (job, user) in jobs {
            pool.submit { [self] _ in
                job.run()
                let next = state.withLock { state -> [(Job, User)] in
                    state.running -= 1
                    if case .expensive(let kind) = job.cost {
                        state.runningExpensive -= 1
                        state.runningByKind[kind, default: 1] -= 1
                        state.queues[user]?.runningExpensive -= 1
                        if state.queues[user].map({ $0.isEmpty && $0.runningExpensive == 0 }) ?? false {
                            state.queues[user] = nil
                        }
                    }
                    return Self.takeRunnable(&state, threads: threads, expensiveLimit: expensiveLimit)
                }
                start(next)
            }
        }
    }

    /// Takes the jobs that may start now, round-robin over the users with queued work.
    private static func takeRunnable(_ state: inout State, threads: Int, expensiveLimit: Int) -> [(Job, User)] {
        var taken: [(Job, User)] = []
        var passed = 0
        while state.running < threads && !state.rotation.isEmpty && passed < state.rotation.count {
            let user = state.rotation.removeFirst()
            guard var queue = state.queues[user] else { continue }
            var job: Job?
            if !queue.cheap.isEmpty {
                job = queue.cheap.removeFirst()
            } else if let first = queue.expensive.first, case .expensive(let kind) = first.cost,
                queue.runningExpensive == 0, state.runningExpensive < expensiveLimit,
                state.runningByKind[kind, default: 0] < expensiveLimit
            {
                job = queue.expensive.removeFirst()
                queue.runningExpensive += 1
                state.runningExpensive += 1
                state.runningByKind[kind, default: 0] += 1
            }
            if let job {
                state.running += 1
                taken.append((job, user))
                passed = 0
            } else {
                passed += 1
            }
            if !queue.isEmpty { state.rotation.append(user) }
            state.queues[user] = queue.isEmpty && queue.runningExpensive == 0 ? nil : queue
        }
        return taken
    }
}

/// The read threads' own setting of their scheduling priority.
enum ReadThread {
    private static let lowered = ThreadSpecificVariable<Marker>()
    private final class Marker: Sendable {}

    /// Lowers the calling thread's priority by `niceness`, once per thread. Where the system refuses
    /// (a service's system-call filter), the thread keeps its priority: fairness still holds, only
    /// the kernel's preference for the writer is lost.
    static func lowerPriority(by niceness: Int32) {
        guard niceness > 0, lowered.currentValue == nil else { return }
        lowered.currentValue = Marker()
        // On Linux a priority is a thread's own, and `who` 0 means the calling thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
    }
}
