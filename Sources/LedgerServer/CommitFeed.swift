import Synchronization

/// The head of the log as appends commit, for subscribers to wait on.
public final class CommitFeed: Sendable {
    private struct State {
        var head: UInt64
        var nextWaiter = 0
        var waiters: [Int: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state: Mutex<State>

    /// A feed starting at the store's current head.
    public init(head: UInt64) {
        state = Mutex(State(head: head))
    }

    /// The last committed seq.
    public var head: UInt64 { state.withLock { $0.head } }

    /// Records that events up to `seq` are committed, waking whoever waits for them.
    public func publish(head seq: UInt64) {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard seq > state.head else { return [] }
            state.head = seq
            let due = state.waiters.filter { $0.value.after < seq }
            for key in due.keys { state.waiters[key] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the head is past `seq`, or after `limit`, whichever comes first: a subscriber
    /// wakes now and then to notice that its client or the daemon has gone.
    public func wait(after seq: UInt64, atMost limit: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(after: seq) }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once the head is past `seq`, or when the task is cancelled.
    public func wait(after seq: UInt64) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.head > seq || Task.isCancelled { return true }
                    state.waiters[id] = (seq, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }
}
