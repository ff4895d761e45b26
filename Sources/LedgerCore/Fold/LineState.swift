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
    /// Funding, legislation, policy, review or recommendation.
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
    /// The House the latest bill stage was in, when that event names one.
    public var house: House?
    /// The line that took this one's place, as the latest withdrawal names it.
    public var replacedBy: String?
    /// The effective date of the latest delivery (kept if the line is later withdrawn).
    public var deliveredOn: CivilDate?
    /// Days from the end of the due period in force at the delivery to the delivery: 0 when on
    /// time; nil when not delivered, or delivered with no due date set.
    public var lateDays: Int?
    /// The government's latest answer to a recommendation.
    public var response: GovernmentResponse?
    /// Who made the commitment or recommendation, when the announcement says.
    public var madeBy: String?
    /// Whether the pledge is new money or money announced before, as last said.
    public var money: MoneyKind?
    /// The effective date of the latest event of the line that counts (corrections aside).
    public var lastActivity: CivilDate
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
        self.house = nil
        self.replacedBy = nil
        self.deliveredOn = nil
        self.lateDays = nil
        self.response = nil
        self.madeBy = announcement.madeBy
        self.money = announcement.money
        self.lastActivity = announcedOn
        self.announcedOn = announcedOn
    }

    /// Whether the line is overdue at the end of `date`: active, with a due date whose period has
    /// ended, and not a recommendation the government rejected (nothing is owed on it).
    public func isOverdue(on date: CivilDate) -> Bool {
        guard status == .active, let due, response != .rejected else { return false }
        return due.isOverdue(on: date)
    }

    /// Delivered after the end of its due period.
    public var isLate: Bool { status == .delivered && (lateDays ?? 0) > 0 }
}
