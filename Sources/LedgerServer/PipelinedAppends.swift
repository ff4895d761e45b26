import LedgerProtocol
import LedgerCore

/// The appends one connection has handed to the writer and not yet answered. Each is answered
/// as soon as it is committed and every append before it has been answered, so that answers
/// keep the order of their requests.
///
/// A client that pipelines its appends (sends the next before the answer to the last) thus has
/// the next ones decoded and queued behind the one being committed, and the writer commits
/// together those it finds queued: one sync for them all, and the pages of the lines they share
/// written once. A client that waits for each answer is served as before.
struct PipelinedAppends {
    /// The most appends a connection may have handed to the writer and not yet answered: one
    /// being committed and two queued behind it, which the writer then commits together. The
    /// connection reads no further request until the oldest is answered, so a client pipelining
    /// without end holds at most three decoded batches in the daemon, and its unread requests
    /// wait in its socket.
    static let limit = 3

    private let executor: any TaskExecutor
    /// The tasks answering the appends not yet answered, oldest first; each waits for the one
    /// before it.
    private var unanswered: [Task<Void, Never>] = []

    /// Appends whose answers are written on `executor`, the connection's event loop.
    init(executor: any TaskExecutor) {
        self.executor = executor
    }

    /// Returns once fewer than `limit` appends are unanswered: before the connection reads its
    /// next request, which may be another append.
    mutating func makeRoom() async {
        while unanswered.count >= Self.limit { await unanswered.removeFirst().value }
    }

    /// Has `write` give the outcome of `ticket` once it is known and every append before it is
    /// answered.
    mutating func answer(
        _ ticket: AppendTicket, with write: @escaping @Sendable (Result<AppendReport, ProtocolError>) async -> Void
    ) {
        let previous = unanswered.last
        unanswered.append(Task(executorPreference: executor) {
            let result = await ticket.result
            await previous?.value
            await write(result)
        })
    }

    /// Returns once every append handed over has been answered.
    mutating func settle() async {
        // Each answer waits for the one before it: the newest is answered last.
        if let newest = unanswered.last { await newest.value }
        unanswered.removeAll()
    }
}
