/// What the append rules need to know of the ledger, including the batch appended so far.
public protocol LedgerFacts {
    /// The line if it is announced (and the announcement not retracted).
    func announcedLine(_ slug: String) throws -> AnnouncedLine?
    /// The event stored (or earlier in the batch) under `id`.
    func knownEvent(id: String) throws -> KnownEvent?
    /// The due date in effect on `line` at the end of `date`.
    func dueInEffect(line: String, on date: CivilDate) throws -> DueDate?
}

/// An announced line, as the append rules see it.
public struct AnnouncedLine: Sendable, Hashable {
    /// The department it belongs to.
    public var department: String
    /// The effective date of its announcement.
    public var announcedOn: CivilDate
    /// What sort of commitment it is.
    public var kind: CommitmentKind

    /// A line with the given facts.
    public init(department: String, announcedOn: CivilDate, kind: CommitmentKind) {
        self.department = department
        self.announcedOn = announcedOn
        self.kind = kind
    }
}

/// An event already in the ledger, as the append rules see it.
public struct KnownEvent: Sendable, Hashable {
    /// The line it is about.
    public var line: String
    /// Its type.
    public var type: EventType
    /// SHA-256 of its content without `seq` and `recorded`.
    public var contentDigest: [UInt8]
    /// Whether a correction already retracts it.
    public var isRetracted: Bool

    /// An event with the given facts.
    public init(line: String, type: EventType, contentDigest: [UInt8], isRetracted: Bool) {
        self.line = line
        self.type = type
        self.contentDigest = contentDigest
        self.isRetracted = isRetracted
    }
}
