/// The state of one commitment after folding its events (docs/at.md).
public struct LineState: Sendable, Hashable {
    /// The line's slug.
    public var line: String
    /// The department that made the commitment.
    public var department: String
    /// The department's name, when the announcement gave one.
    public var departmentName: String?
    /// What is promised.
    public var title: String
    /// Funding, legislation, policy or review.
    public var kind: CommitmentKind
    /// The line this one is part of.
    public var parent: String?
    /// Active, delivered or withdrawn.
    public var status: LineStatus
    /// The pledge: the announced amount, replaced by amendments.
    public var pledged: Pence
    /// The sum of the funding confirmed.
    public var funded: Pence
    /// When it is due now.
    public var due: DueDate?
    /// How many times the deadline slipped.
    public var slips: Int
    /// Days added by the slips, end of old period to end of new.
    public var slippedDays: Int
    /// The latest legislative stage.
    public var stage: BillStage?
    /// The bill carrying the commitment.
    public var bill: String?
    /// The effective date of the announcement.
    public var announcedOn: CivilDate

    /// The state a line starts in when it is announced.
    public init(line: String, announcedOn: CivilDate, announcement: Announcement) {
        self.line = line
        self.department = announcement.department
        self.departmentName = announcement.departmentName
        self.title = announcement.title
        self.kind = announcement.kind
        self.parent = announcement.parent
        self.status = .active
        self.pledged = announcement.amount ?? .zero
        self.funded = .zero
        self.due = announcement.due
        self.slips = 0
        self.slippedDays = 0
        self.stage = nil
        self.bill = nil
        self.announcedOn = announcedOn
    }

    /// Whether the line is overdue at the end of `date`: active, with a due date whose period has ended.
    public func isOverdue(on date: CivilDate) -> Bool {
        guard status == .active, let due else { return false }
        return due.isOverdue(on: date)
    }
}
