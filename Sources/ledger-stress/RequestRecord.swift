import LedgerCore

/// What one append request sent and what became of it, as its writer saw it.
struct RequestRecord: Sendable {
    /// How the request ended.
    enum Outcome: Sendable, Equatable {
        /// Answered `ok`: `appended` new events at `firstSeq...lastSeq`, `duplicates` already stored.
        case acknowledged(firstSeq: Int64?, lastSeq: Int64?, appended: Int, duplicates: Int)
        /// The connection broke before the answer came: the batch may or may not be stored.
        case unknown
        /// Answered with an error: nothing of the batch may be stored by this request.
        case refused(code: String)
    }

    /// The writer that sent it.
    var writer: Int
    /// The events sent, in order, each with its `id`.
    var events: [JSONObject]
    /// How it ended.
    var outcome: Outcome

    /// The ids of the events, in the order sent.
    var ids: [String] { events.map { $0["id"]?.stringValue ?? "" } }
}
