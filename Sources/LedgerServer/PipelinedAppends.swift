import LedgerProtocol
import LedgerCore

/// The appends one connection has handed to the writer and not yet answered. Each is answered
/// as soon as it is committed and every append before it has been answered, so that answers
/// keep the order of their requests.
///
/// A client that pipelines its appends (sends the next before the answer to the last) thus has
/// the next one decoded and queued behind the one being committed, and the writer commits the
/// two together when it finds both queued: one sync for both, and the pages of the lines they
/// share written once. A client that waits for each answer is served as before.
struct PipelinedAppends {
    /// The most appends a connection may have handed to the writer and not yet answered: one
    /// being committed and one queued behind it. Beyond it the connection reads no further
    /// request until the oldest is answered, so a client pipelining without end holds at most
    /// two decoded batches in the daemon, and its unread requests wait in its socket.
    static let limit = 2

    private let executor: any TaskExecutor
    /// The tasks answering the appends not yet answered, oldest first; each waits for the one
    /// before it.
    private var unanswered: [Task<Void, Never>] = []

    /// Appends whose answers are written on `executor`, the connection's event loop.
    init(executor: any TaskExecutor) {
        self.executor = executor
    }

    /// Has `write` give the outcome of `ticket` once it is known and every append before it is
    /// answered; first waits, when `limit` appends are unanswered, for the oldest to be.
    mutating func answer(
        _ ticket: AppendTicket, with write: @escaping @Sendable (Result<AppendReport, ProtocolError>) async -> Void
    ) async {
        if unanswered.count >= Self.limit { await unanswered.removeFirst().value }
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
