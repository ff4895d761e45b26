/// The rules an event must meet against the ledger as it stands (docs/events.md).
public enum AppendRules {
    /// What an event that passes the rules is.
    public enum Verdict: Sendable, Equatable {
        /// A new event, to be appended.
        case new
        /// An identical re-send of a stored event: a no-op.
        case duplicate
    }

    /// Checks `event` (whose content hashes to `contentDigest`) against `facts`.
    ///
    /// Throws a `ValidationError` for a broken rule, or whatever `facts` throws.
    public static func check(
        _ event: LedgerEvent,
        contentDigest: [UInt8],
        against facts: some LedgerFacts
    ) throws -> Verdict {
        if let known = try facts.knownEvent(id: event.id) {
            guard known.contentDigest == contentDigest else {
                throw ValidationError(
                    .idConflict, field: "id",
                    "id \"\(event.id)\" is already stored with different content"
                )
            }
            return .duplicate
        }
        if case .announced(let announcement) = event.body {
            try checkAnnouncement(event, announcement, facts)
            return .new
        }
        guard let line = try facts.announcedLine(event.line) else {
            throw ValidationError(.unknownLine, field: "line", "line \"\(event.line)\" has not been announced")
        }
        if event.effective < line.announcedOn {
            throw ValidationError(
                .beforeAnnouncement, field: "effective",
                "effective \(event.effective) is before line \"\(event.line)\" was announced on \(line.announcedOn)"
            )
        }
        switch event.body {
        case .slipped(let due, _):
            guard let current = try facts.dueInEffect(line: event.line, on: event.effective) else {
                throw ValidationError(
                    .noDueDate, field: "due",
                    "line \"\(event.line)\" has no due date on \(event.effective) to slip from"
                )
            }
            guard due.isLater(than: current) else {
                throw ValidationError(
                    .slipNotLater, field: "due",
                    "due \(due) does not end later than the current due date \(current)"
                )
            }
        case .responded:
            if line.kind != .recommendation {
                throw ValidationError(
                    .notARecommendation, field: "response",
                    "line \"\(event.line)\" is a \(line.kind.rawValue) line; only a recommendation is responded to"
                )
            }
        case .withdrawn(_, let replacedBy?):
            guard try facts.announcedLine(replacedBy) != nil else {
                throw ValidationError(
                    .unknownReplacement, field: "replaced_by",
                    "line \"\(replacedBy)\" named as the replacement has not been announced (or its announcement was retracted)"
                )
            }
        case .corrected(let retracts, _):
            guard let target = try facts.knownEvent(id: retracts) else {
                throw ValidationError(.unknownEvent, field: "retracts", "no event has id \"\(retracts)\"")
            }
            if target.type == .corrected {
                throw ValidationError(
                    .retractsCorrection, field: "retracts",
                    "event \"\(retracts)\" is itself a correction and cannot be retracted"
                )
            }
            if target.line != event.line {
                throw ValidationError(
                    .lineMismatch, field: "line",
                    "event \"\(retracts)\" is about line \"\(target.line)\", not \"\(event.line)\""
                )
            }
            if target.isRetracted {
                throw ValidationError(.alreadyRetracted, field: "retracts", "event \"\(retracts)\" is already retracted")
            }
        default:
            break
        }
        return .new
    }

    private static func checkAnnouncement(
        _ event: LedgerEvent,
        _ announcement: Announcement,
        _ facts: some LedgerFacts
    ) throws {
        if let existing = try facts.announcedLine(event.line) {
            throw ValidationError(
                .alreadyAnnounced, field: "line",
                "line \"\(event.line)\" was already announced on \(existing.announcedOn)"
            )
        }
        guard let parentSlug = announcement.parent else { return }
        guard let parent = try facts.announcedLine(parentSlug) else {
            throw ValidationError(.unknownParent, field: "parent", "parent line \"\(parentSlug)\" has not been announced")
        }
        if parent.department != announcement.department {
            throw ValidationError(
                .parentInOtherDepartment, field: "parent",
                "parent line \"\(parentSlug)\" belongs to \"\(parent.department)\", not \"\(announcement.department)\""
            )
        }
    }
}
