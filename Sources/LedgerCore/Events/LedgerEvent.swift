/// One immutable fact about a commitment, as given on input (before the ledger assigns `seq`).
public struct LedgerEvent: Sendable, Hashable {
    /// The event's id: given, or derived from its canonical bytes.
    public var id: String
    /// The commitment (line) it is about.
    public var line: String
    /// The civil date on which it happened in the world.
    public var effective: CivilDate
    /// Where the fact comes from.
    public var source: Source
    /// What happened, with the fields of its type.
    public var body: EventBody

    /// The event's type.
    public var type: EventType { body.type }

    /// An event with the given fields.
    public init(id: String, line: String, effective: CivilDate, source: Source, body: EventBody) {
        self.id = id
        self.line = line
        self.effective = effective
        self.source = source
        self.body = body
    }
}

/// What a commitment is when it is announced.
public struct Announcement: Sendable, Hashable {
    /// The department making the commitment.
    public var department: String
    /// The department's name for people.
    public var departmentName: String?
    /// What is promised.
    public var title: String
    /// The money pledged, when it is a sum.
    public var amount: Pence?
    /// When it is due.
    public var due: DueDate?
    /// The line this one is a part of.
    public var parent: String?
    /// Funding, legislation, policy, review or recommendation.
    public var kind: CommitmentKind
    /// Who made it, when it is not the department itself (an inquiry making a recommendation).
    public var madeBy: String?
    /// Whether the pledge is new money or money announced before, when a source says.
    public var money: MoneyKind?

    /// An announcement with the given fields.
    public init(
        department: String, departmentName: String? = nil, title: String, amount: Pence? = nil,
        due: DueDate? = nil, parent: String? = nil, kind: CommitmentKind, madeBy: String? = nil, money: MoneyKind? = nil
    ) {
        self.department = department
        self.departmentName = departmentName
        self.title = title
        self.amount = amount
        self.due = due
        self.parent = parent
        self.kind = kind
        self.madeBy = madeBy
        self.money = money
    }
}

/// A re-scoping of a commitment: each field given replaces the current one.
public struct Amendment: Sendable, Hashable {
    /// The new pledge.
    public var amount: Pence?
    /// The new title.
    public var title: String?
    /// The new due date (not counted as a slip).
    public var due: DueDate?
    /// What the pledge now is said to be: new money or announced before.
    public var money: MoneyKind?

    /// An amendment with the given fields.
    public init(amount: Pence? = nil, title: String? = nil, due: DueDate? = nil, money: MoneyKind? = nil) {
        self.amount = amount
        self.title = title
        self.due = due
        self.money = money
    }
}

/// The type-specific content of an event.
public enum EventBody: Sendable, Hashable {
    case announced(Announcement)
    case funded(Pence)
    case amended(Amendment)
    case legislated(stage: BillStage, bill: String, house: House?)
    case slipped(due: DueDate, reason: String)
    case delivered(note: String?)
    case withdrawn(reason: String, replacedBy: String?)
    case responded(response: GovernmentResponse, note: String?)
    case progress(note: String)
    case corrected(retracts: String, reason: String)

    /// The type this body belongs to.
    public var type: EventType {
        switch self {
        case .announced: .announced
        case .funded: .funded
        case .amended: .amended
        case .legislated: .legislated
        case .slipped: .slipped
        case .delivered: .delivered
        case .withdrawn: .withdrawn
        case .responded: .responded
        case .progress: .progress
        case .corrected: .corrected
        }
    }
}
