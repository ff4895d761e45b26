/// Reads the fields of one JSON object for validation, remembering which it has seen,
/// so that whatever is left over is reported as unknown.
struct FieldReader {
    let object: JSONObject
    let path: String
    /// Which members were read, by position: a bit each for the first 64, a set beyond
    /// (only objects with many unknown fields get there). Names not present need no mark,
    /// as only present keys can be reported as unknown.
    private var seenMask: UInt64 = 0
    private var seenBeyondMask: Set<Int> = []

    init(_ object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
    }

    func fieldPath(_ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    mutating func value(_ name: String) -> JSONValue? {
        guard let position = object.position(of: name) else { return nil }
        if position < 64 {
            seenMask |= 1 << UInt64(position)
        } else {
            seenBeyondMask.insert(position)
        }
        return object.members[position].value
    }

    private func wasRead(_ position: Int) -> Bool {
        position < 64 ? seenMask & (1 << UInt64(position)) != 0 : seenBeyondMask.contains(position)
    }

    mutating func requiredValue(_ name: String) throws(ValidationError) -> JSONValue {
        guard let value = value(name) else {
            throw ValidationError(.missingField, field: fieldPath(name), "\(fieldPath(name)) is required")
        }
        return value
    }

    mutating func string(_ name: String, maxLength: Int) throws(ValidationError) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let text) = value else {
            throw wrongType(name, expected: "a string", got: value)
        }
        // A string never has more scalars than UTF-8 bytes, so most need no count of scalars.
        let bytes = text.utf8.count
        if bytes >= 1 && bytes <= maxLength { return text }
        let length = text.unicodeScalars.count
        guard length >= 1, length <= maxLength else {
            throw ValidationError(
                .invalidValue, field: fieldPath(name),
                "\(fieldPath(name)) must be 1 to \(maxLength) characters long, not \(length)"
            )
        }
        return text
    }

    /// The text of a date field: any length, since an empty or long text is simply not a date.
    private mutating func dateText(_ name: String) throws(ValidationError) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let text) = value else {
            throw wrongType(name, expected: "a string", got: value)
        }
        return text
    }

    mutating func requiredString(_ name: String, maxLength: Int) throws(ValidationError) -> String {
        guard let text = try string(name, maxLength: maxLength) else {
            throw ValidationError(.missingField, field: fieldPath(name), "\(fieldPath(name)) is required")
        }
        return text
    }

    mutating func slug(_ name: String) throws(ValidationError) -> String? {
        guard let text = try string(name, maxLength: 64) else { return nil }
        guard Identifiers.isSlug(text) else {
            throw ValidationError(
                .invalidValue, field: fieldPath(name),
                "\(fieldPath(name)) \(Self.quoted(text)) is not a slug: lower-case a-z, 0-9 and '-', starting with a letter or digit, at most 64"
            )
        }
        return text
    }

    mutating func requiredSlug(_ name: String) throws(ValidationError) -> String {
        guard let text = try slug(name) else {
            throw ValidationError(.missingField, field: fieldPath(name), "\(fieldPath(name)) is required")
        }
        return text
    }

    mutating func eventID(_ name: String) throws(ValidationError) -> String? {
        guard let text = try string(name, maxLength: 128) else { return nil }
        guard Identifiers.isEventID(text) else {
            throw ValidationError(
                .invalidValue, field: fieldPath(name),
                "\(fieldPath(name)) \(Self.quoted(text)) is not an event id: 1 to 128 of A-Z a-z 0-9 . _ : -"
            )
        }
        return text
    }

    mutating func civilDate(_ name: String) throws(ValidationError) -> CivilDate {
        guard let text = try dateText(name) else {
            throw ValidationError(.missingField, field: fieldPath(name), "\(fieldPath(name)) is required")
        }
        guard let date = CivilDate(iso: text) else {
            throw ValidationError(
                .invalidDate, field: fieldPath(name),
                "\(fieldPath(name)) \(Self.quoted(text)) is not a calendar date written YYYY-MM-DD"
            )
        }
        return date
    }

    mutating func partialDate(_ name: String) throws(ValidationError) -> DueDate? {
        guard let text = try dateText(name) else { return nil }
        guard let date = DueDate(parsing: text) else {
            throw ValidationError(
                .invalidDate, field: fieldPath(name),
                "\(fieldPath(name)) \(Self.quoted(text)) is not a date written YYYY, YYYY-MM or YYYY-MM-DD"
            )
        }
        return date
    }

    mutating func amount(_ name: String, minimum: Int64) throws(ValidationError) -> Pence? {
        guard let value = value(name) else { return nil }
        let field = fieldPath(name)
        switch value {
        case .integer(let pence):
            if pence < 0 {
                throw ValidationError(.negativeAmount, field: field, "\(field) is \(pence): amounts cannot be negative")
            }
            if pence < minimum {
                throw ValidationError(.invalidValue, field: field, "\(field) must be at least \(minimum) pence")
            }
            if pence > Pence.limit.value {
                throw ValidationError(
                    .amountTooLarge, field: field,
                    "\(field) is \(pence) pence, above the limit of \(Pence.limit.value) (£10tn)"
                )
            }
            return Pence(pence)
        case .number(let literal):
            if literal.hasPrefix("-") {
                throw ValidationError(.negativeAmount, field: field, "\(field) is \(literal): amounts cannot be negative")
            }
            if literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                throw ValidationError(
                    .fractionalAmount, field: field,
                    "\(field) is \(literal): amounts are whole pence written as an integer"
                )
            }
            throw ValidationError(
                .amountTooLarge, field: field,
                "\(field) is \(literal) pence, above the limit of \(Pence.limit.value) (£10tn)"
            )
        default:
            throw wrongType(name, expected: "an integer number of pence", got: value)
        }
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ name: String, of: Choice.Type
    ) throws(ValidationError) -> Choice where Choice.RawValue == String {
        let text = try requiredString(name, maxLength: 64)
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(
                .invalidValue, field: fieldPath(name),
                "\(fieldPath(name)) \(Self.quoted(text)) is not one of: \(allowed)"
            )
        }
        return choice
    }

    /// A choice that may be left out.
    mutating func optionalChoice<Choice: RawRepresentable & CaseIterable>(
        _ name: String, of type: Choice.Type
    ) throws(ValidationError) -> Choice? where Choice.RawValue == String {
        guard value(name) != nil else { return nil }
        return try choice(name, of: type)
    }

    mutating func object(_ name: String) throws(ValidationError) -> JSONObject {
        let value = try requiredValue(name)
        guard case .object(let object) = value else {
            throw wrongType(name, expected: "an object", got: value)
        }
        return object
    }

    /// Refuses any field that was not read.
    func rejectUnknown(assigned: Set<String> = []) throws(ValidationError) {
        for (position, member) in object.members.enumerated() where !wasRead(position) {
            let key = member.key
            let field = fieldPath(key)
            if assigned.contains(key) {
                throw ValidationError(
                    .assignedField, field: field,
                    "\(field) is assigned by the ledger and cannot be given"
                )
            }
            throw ValidationError(.unknownField, field: field, "\(Self.quoted(field)) is not a field of this event")
        }
    }

    func wrongType(_ name: String, expected: String, got value: JSONValue) -> ValidationError {
        ValidationError(.wrongType, field: fieldPath(name), "\(fieldPath(name)) must be \(expected), not \(value.typeName)")
    }

    /// The text in quotes for a message, cut at 80 characters, its control characters escaped.
    static func quoted(_ text: String) -> String {
        let shown = text.unicodeScalars.count > 80 ? String(text.unicodeScalars.prefix(80)) + "…" : text
        return "\"\(TerminalText.escaped(shown))\""
    }
}
