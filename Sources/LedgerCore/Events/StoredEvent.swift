/// An event as the ledger holds it: the input plus its place in the log.
public struct StoredEvent: Sendable, Hashable {
    /// Its position in the log: 1, 2, 3, … with no gaps.
    public var seq: UInt64
    /// When the ledger recorded it (UTC, milliseconds).
    public var recorded: Timestamp
    /// The event itself.
    public var event: LedgerEvent

    /// A stored event with the given fields.
    public init(seq: UInt64, recorded: Timestamp, event: LedgerEvent) {
        self.seq = seq
        self.recorded = recorded
        self.event = event
    }
}
