/// What an event says happened to a commitment.
public enum EventType: String, Sendable, CaseIterable, Hashable {
    case announced, funded, amended, legislated, slipped, delivered, withdrawn, corrected
}

/// What sort of commitment a line is.
public enum CommitmentKind: String, Sendable, CaseIterable, Hashable {
    case funding, legislation, policy, review
}

/// The stages a bill moves through, in order.
public enum BillStage: String, Sendable, CaseIterable, Hashable {
    case introduced
    case secondReading = "second-reading"
    case committee
    case report
    case thirdReading = "third-reading"
    case royalAssent = "royal-assent"
    case commenced
}

/// Whether a commitment is still open, done or dropped.
public enum LineStatus: String, Sendable, CaseIterable, Hashable {
    case active, delivered, withdrawn
}
