/// What an append did.
public struct AppendReport: Sendable, Hashable {
    /// Events newly stored.
    public var appended: Int
    /// Identical re-sends, stored already.
    public var duplicates: Int
    /// The first seq assigned, when any event was appended.
    public var firstSeq: UInt64?
    /// The last seq assigned, when any event was appended.
    public var lastSeq: UInt64?

    /// A report with the given figures.
    public init(appended: Int, duplicates: Int, firstSeq: UInt64?, lastSeq: UInt64?) {
        self.appended = appended
        self.duplicates = duplicates
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
    }
}
