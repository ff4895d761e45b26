/// The answer to `at D`: every commitment's state, per department, on a date (docs/at.md).
public struct AtResult: Sendable, Hashable {
    /// The civil date whose end the state is taken at.
    public var at: CivilDate
    /// The `--known-at` cut-off as given, or nil for "as known now".
    public var knownAt: String?
    /// The sum of the departments' pledges.
    public var pledged: Pence
    /// The sum of the departments' funding.
    public var funded: Pence
    /// The sum of the departments' re-announced pledges.
    public var reannounced: Pence
    /// The departments, by slug.
    public var departments: [DepartmentState]

    /// A result with the given fields.
    public init(at: CivilDate, knownAt: String?, pledged: Pence, funded: Pence, reannounced: Pence = .zero, departments: [DepartmentState]) {
        self.at = at
        self.knownAt = knownAt
        self.pledged = pledged
        self.funded = funded
        self.reannounced = reannounced
        self.departments = departments
    }

    /// Every line of every department, in output order.
    public var allLines: [LineSnapshot] { departments.flatMap(\.lines) }
}

/// One department's commitments on a date.
public struct DepartmentState: Sendable, Hashable {
    /// The department's slug.
    public var department: String
    /// Its name for people, when an announcement gave one.
    public var name: String?
    /// The pledges of its top-level lines that are not withdrawn.
    public var pledged: Pence
    /// The funding of all its lines that are not withdrawn.
    public var funded: Pence
    /// The part of `pledged` from lines whose money is re-announced.
    public var reannounced: Pence
    /// How many lines, by status and flag.
    public var counts: LineCounts
    /// Its lines, by slug.
    public var lines: [LineSnapshot]

    /// A department with the given fields.
    public init(
        department: String, name: String?, pledged: Pence, funded: Pence, reannounced: Pence = .zero, counts: LineCounts, lines: [LineSnapshot]
    ) {
        self.department = department
        self.name = name
        self.pledged = pledged
        self.funded = funded
        self.reannounced = reannounced
        self.counts = counts
        self.lines = lines
    }
}

/// How many lines a department has, by status and flag.
public struct LineCounts: Sendable, Hashable {
    /// Lines announced by the date.
    public var lines = 0
    /// Lines still active.
    public var active = 0
    /// Lines delivered.
    public var delivered = 0
    /// Lines withdrawn.
    public var withdrawn = 0
    /// Active lines past their due date.
    public var overdue = 0
    /// Lines whose deadline slipped at least once.
    public var slipped = 0
    /// Delivered lines delivered after their due period.
    public var late = 0
    /// Lines of kind `recommendation`.
    public var recommendations = 0
    /// Recommendations accepted, wholly, in principle or in part.
    public var accepted = 0
    /// Recommendations rejected.
    public var rejected = 0

    /// All zero.
    public init() {}

    /// Counts with the given figures.
    public init(
        lines: Int, active: Int, delivered: Int, withdrawn: Int, overdue: Int, slipped: Int,
        late: Int = 0, recommendations: Int = 0, accepted: Int = 0, rejected: Int = 0
    ) {
        self.lines = lines
        self.active = active
        self.delivered = delivered
        self.withdrawn = withdrawn
        self.overdue = overdue
        self.slipped = slipped
        self.late = late
        self.recommendations = recommendations
        self.accepted = accepted
        self.rejected = rejected
    }

    /// The counts by name, in the order of the JSON result.
    public var named: [(String, Int)] {
        [
            ("lines", lines), ("active", active), ("delivered", delivered), ("withdrawn", withdrawn),
            ("overdue", overdue), ("slipped", slipped), ("late", late), ("recommendations", recommendations),
            ("accepted", accepted), ("rejected", rejected),
        ]
    }
}

/// One line's state on a date, with what depends on the date and on other lines.
public struct LineSnapshot: Sendable, Hashable {
    /// The folded state.
    public var state: LineState
    /// Whether it is overdue on the date.
    public var overdue: Bool
    /// The pledges of its children announced by the date and not withdrawn.
    public var childrenPledged: Pence

    /// A snapshot with the given fields.
    public init(state: LineState, overdue: Bool, childrenPledged: Pence) {
        self.state = state
        self.overdue = overdue
        self.childrenPledged = childrenPledged
    }

    /// The children pledge more than the line itself.
    public var childrenExceedPledge: Bool { childrenPledged > state.pledged }
    /// More has been funded than pledged.
    public var fundedExceedsPledge: Bool { state.funded > state.pledged }
}
