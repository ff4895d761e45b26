import LedgerProtocol
import Dispatch
import LedgerCore
import LedgerStore
import Synchronization

/// The single writer: appends from every connection are queued, and each time the writer is
/// free it commits everything queued in one LMDB transaction (group commit), so many clients
/// share one fsync. A request is answered only after its transaction is durably committed.
public final class AppendWriter: Sendable {
    private struct State {
        var queue: [(batch: [PendingEvent], reply: AppendTicket)] = []
        var heartbeats: [CheckedContinuation<Void, Never>] = []
        var draining = false
    }

    private let log: EventLog
    private let feed: CommitFeed
    private let clock: @Sendable () -> Timestamp
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "ledger.writer")
    private let committedEvents = Atomic<Int>(0)
    private let commits = Atomic<Int>(0)

    /// A writer for `log` that publishes each commit's head to `feed`.
    public init(log: EventLog, feed: CommitFeed, clock: @escaping @Sendable () -> Timestamp = SystemClock.now) {
        self.log = log
        self.feed = feed
        self.clock = clock
    }

    /// Events appended since start.
    public var appendedEvents: Int { committedEvents.load(ordering: .relaxed) }
    /// Transactions committed since start.
    public var commitCount: Int { commits.load(ordering: .relaxed) }

    /// Hands one batch to the writer, behind every batch handed over before it, and returns at
    /// once: its ticket gives the outcome once the batch is durably committed (or refused). A
    /// connection that pipelines appends hands over the next while this one is being committed,
    /// so that those queued can share a commit.
    public func submit(_ batch: [PendingEvent]) -> AppendTicket {
        let ticket = AppendTicket()
        let start = state.withLock { state -> Bool in
            state.queue.append((batch, ticket))
            return startDraining(&state)
        }
        if start { queue.async { self.drain() } }
        return ticket
    }

    /// Returns once the writer has gone round its loop: proof of life for the watchdog.
    public func heartbeat() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let start = state.withLock { state -> Bool in
                state.heartbeats.append(continuation)
                return startDraining(&state)
            }
            if start { queue.async { self.drain() } }
        }
    }

    private func startDraining(_ state: inout State) -> Bool {
        if state.draining { return false }
        state.draining = true
        return true
    }

    private func drain() {
        while true {
            let (work, heartbeats) = state.withLock { state in
                let taken = (state.queue, state.heartbeats)
                state.queue = []
                state.heartbeats = []
                if taken.0.isEmpty && taken.1.isEmpty { state.draining = false }
                return taken
            }
            for heartbeat in heartbeats { heartbeat.resume() }
            if work.isEmpty {
                if heartbeats.isEmpty { return }
                continue
            }
            commit(work)
        }
    }

    private func commit(_ work: [(batch: [PendingEvent], reply: AppendTicket)]) {
        do {
            let results = try log.appendGroup(work.map(\.batch), now: clock())
            commits.add(1, ordering: .relaxed)
            var appended = 0
            var head: UInt64 = 0
            for case .success(let report) in results {
                appended += report.appended
                head = max(head, report.lastSeq ?? 0)
            }
            committedEvents.add(appended, ordering: .relaxed)
            // The head is published before anyone is answered: a client told its events are stored
            // must find them in an export or a subscription it starts the moment the answer arrives.
            if appended > 0 { feed.publish(head: head) }
            for (item, result) in zip(work, results) {
                item.reply.settle(result.mapError { ProtocolError($0) })
            }
        } catch let error as StoreError {
            guard error.code == .storageFull, work.count > 1 else {
                for item in work { item.reply.settle(.failure(ProtocolError(error))) }
                return
            }
            // A batch too big for the room left must not cost the batches that happened to share
            // its commit: each is committed alone, and gets the answer it would have had alone.
            for item in work { commit([item]) }
        } catch {
            for item in work {
                item.reply.settle(.failure(ProtocolError(.internal, "append failed: \(error)")))
            }
        }
    }
}

/// The outcome of a batch handed to the writer, to be awaited once or more.
public final class AppendTicket: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Result<AppendReport, ProtocolError>, Never>])
        case settled(Result<AppendReport, ProtocolError>)
    }

    private let state = Mutex(State.waiting([]))

    init() {}

    /// The outcome, once the batch is durably committed or refused.
    public var result: Result<AppendReport, ProtocolError> {
        get async {
            await withCheckedContinuation { continuation in
                let settled = state.withLock { state -> Result<AppendReport, ProtocolError>? in
                    switch state {
                    case .settled(let result):
                        return result
                    case .waiting(var waiters):
                        waiters.append(continuation)
                        state = .waiting(waiters)
                        return nil
                    }
                }
                if let settled { continuation.resume(returning: settled) }
            }
        }
    }

    /// Gives the outcome to whoever waits for it, now or later.
    func settle(_ result: Result<AppendReport, ProtocolError>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Result<AppendReport, ProtocolError>, Never>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .settled(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}
