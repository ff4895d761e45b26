/// What an event says happened to a commitment.
public enum EventType: String, Sendable, CaseIterable, Hashable {
    case announced, funded, amended, legislated, slipped, delivered, withdrawn, responded, progress, corrected
}

/// What sort of commitment a line is.
public enum CommitmentKind: String, Sendable, CaseIterable, Hashable {
    case funding, legislation, policy, review
    /// A recommendation made to the department (by an inquiry, say): the government answers it
    /// with `responded`.
    case recommendation
}

/// A House of Parliament.
public enum House: String, Sendable, CaseIterable, Hashable {
    case commons, lords
}

/// Whether a pledge is money not announced before.
public enum MoneyKind: String, Sendable, CaseIterable, Hashable {
    case new, reannounced, unclear
}

/// The government's answer to a recommendation.
public enum GovernmentResponse: String, Sendable, CaseIterable, Hashable {
    case accepted
    case acceptedInPrinciple = "accepted-in-principle"
    case partiallyAccepted = "partially-accepted"
    case rejected
    case underConsideration = "under-consideration"

    /// Whether the answer accepts the recommendation, wholly, in principle or in part.
    public var accepts: Bool {
        switch self {
        case .accepted, .acceptedInPrinciple, .partiallyAccepted: true
        case .rejected, .underConsideration: false
        }
    }
}

/// The stages a bill moves through, in order.
public enum BillStage: String, Sendable, CaseIterable, Hashable {
    case introduced
    case secondReading = "second-reading"
    case committee
    case report
    case thirdReading = "third-reading"
    case considerationOfAmendments = "consideration-of-amendments"
    /// Carried over into the next session of Parliament.
    case carriedOver = "carried-over"
    case royalAssent = "royal-assent"
    case commenced
}

/// Whether a commitment is still open, done or dropped.
public enum LineStatus: String, Sendable, CaseIterable, Hashable {
    case active, delivered, withdrawn
}

extension MoneyKind {
    /// For people: "new money", "re-announced", "unclear whether new".
    public var phrase: String {
        switch self {
        case .new: "new money"
        case .reannounced: "re-announced"
        case .unclear: "unclear whether new money"
        }
    }
}

extension GovernmentResponse {
    /// For people: "accepted in principle", "under consideration".
    public var phrase: String { String(rawValue.map { $0 == "-" ? " " : $0 }) }
}

extension BillStage {
    /// For people: "second reading", "consideration of amendments".
    public var phrase: String { String(rawValue.map { $0 == "-" ? " " : $0 }) }
}

extension House {
    /// "House of Commons", "House of Lords".
    public var name: String {
        switch self {
        case .commons: "House of Commons"
        case .lords: "House of Lords"
        }
    }

    /// "Commons", "Lords".
    public var shortName: String {
        switch self {
        case .commons: "Commons"
        case .lords: "Lords"
        }
    }
}
