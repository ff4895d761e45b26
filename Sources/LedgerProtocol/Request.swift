import LedgerCore

/// One request of the socket protocol (docs/protocol.md).
public enum Request: Sendable, Equatable {
    /// Append events as one atomic batch.
    case append([JSONValue])
    /// The state at the end of a date; `knownAtText` is the cutoff as written, which is what is sent.
    case at(date: CivilDate, department: String?, knownAt: Timestamp?, knownAtText: String?)
    /// Every event of a line.
    case history(line: String)
    /// Every stored event from a seq on, then `done`.
    case export(fromSeq: UInt64)
    /// Every stored event from a seq on, then each new one as it commits.
    case subscribe(fromSeq: UInt64)
    /// Walk the hash chain.
    case verify
    /// Figures about the daemon and the store.
    case stats
    /// Are you there?
    case ping

    /// The name of the operation, for logs and statistics.
    public var op: String {
        switch self {
        case .append: "append"
        case .at: "at"
        case .history: "history"
        case .export: "export"
        case .subscribe: "subscribe"
        case .verify: "verify"
        case .stats: "stats"
        case .ping: "ping"
        }
    }

    /// Whether the request changes the ledger (and so needs write permission).
    public var writes: Bool {
        if case .append = self { return true }
        return false
    }
}
