/// Why an event or request was refused: a stable machine code, the field, and a human message.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable codes; docs/events.md lists the rules behind them.
    public enum Code: String, Sendable, CaseIterable {
        // Reading the bytes.
        case invalidJSON = "invalid_json"
        case invalidUTF8 = "invalid_utf8"
        case tooDeep = "too_deep"
        case duplicateKey = "duplicate_key"
        case lineTooLong = "line_too_long"
        // The shape of one event.
        case notAnObject = "not_an_object"
        case unknownType = "unknown_type"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case unknownField = "unknown_field"
        case assignedField = "assigned_field"
        case invalidValue = "invalid_value"
        case invalidDate = "invalid_date"
        case futureDate = "future_date"
        case negativeAmount = "negative_amount"
        case fractionalAmount = "fractional_amount"
        case amountTooLarge = "amount_too_large"
        case emptyAmendment = "empty_amendment"
        case controlCharacter = "control_character"
        // The event against the ledger.
        case unknownLine = "unknown_line"
        case beforeAnnouncement = "before_announcement"
        case alreadyAnnounced = "already_announced"
        case noDueDate = "no_due_date"
        case slipNotLater = "slip_not_later"
        case unknownParent = "unknown_parent"
        case parentInOtherDepartment = "parent_in_other_department"
        case replacedBySelf = "replaced_by_self"
        case unknownReplacement = "unknown_replacement"
        case notARecommendation = "not_a_recommendation"
        case unknownEvent = "unknown_event"
        case retractsCorrection = "retracts_correction"
        case alreadyRetracted = "already_retracted"
        case lineMismatch = "line_mismatch"
        case idConflict = "id_conflict"
    }

    /// What rule was broken.
    public var code: Code
    /// The field at fault, as a path (`source.title`), when one is.
    public var field: String?
    /// What is wrong, for people.
    public var message: String
    /// The event's position in its batch (0-based), once known.
    public var index: Int?

    /// An error with the given code, field and message.
    public init(_ code: Code, field: String? = nil, _ message: String, index: Int? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.index = index
    }

    /// The same error placed at `index` in its batch.
    public func at(index: Int) -> ValidationError {
        var copy = self
        copy.index = index
        return copy
    }

    /// `code: message`, with the field when there is one.
    public var description: String {
        if let field { return "\(code.rawValue) (\(field)): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
