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
        self.init(
            line: line, department: announcement.department, departmentName: announcement.departmentName,
            title: announcement.title, kind: announcement.kind, parent: announcement.parent, status: .active,
            pledged: announcement.amount ?? .zero, funded: .zero, due: announcement.due, slips: 0, slippedDays: 0,
            stage: nil, bill: nil, house: nil, replacedBy: nil, deliveredOn: nil, lateDays: nil, response: nil,
            madeBy: announcement.madeBy, money: announcement.money, lastActivity: announcedOn, announcedOn: announcedOn
        )
    }

    /// A state with every field given: a state read back as it was stored, built at once rather
    /// than from an announcement and then changed field by field.
    @inlinable
    public init(
        line: String, department: String, departmentName: String?, title: String, kind: CommitmentKind,
        parent: String?, status: LineStatus, pledged: Pence, funded: Pence, due: DueDate?, slips: Int,
        slippedDays: Int, stage: BillStage?, bill: String?, house: House?, replacedBy: String?,
        deliveredOn: CivilDate?, lateDays: Int?, response: GovernmentResponse?, madeBy: String?,
        money: MoneyKind?, lastActivity: CivilDate, announcedOn: CivilDate
    ) {
        self.line = line
        self.department = department
        self.departmentName = departmentName
        self.title = title
        self.kind = kind
        self.parent = parent
        self.status = status
        self.pledged = pledged
        self.funded = funded
        self.due = due
        self.slips = slips
        self.slippedDays = slippedDays
        self.stage = stage
        self.bill = bill
        self.house = house
        self.replacedBy = replacedBy
        self.deliveredOn = deliveredOn
        self.lateDays = lateDays
        self.response = response
        self.madeBy = madeBy
        self.money = money
        self.lastActivity = lastActivity
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
