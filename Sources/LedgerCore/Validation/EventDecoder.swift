import Crypto

/// Turns a JSON object into a `LedgerEvent`, enforcing every rule that needs only the event
/// itself (docs/events.md): types, required and unknown fields, patterns, dates, amounts.
public struct EventDecoder: Sendable {
    /// Effective dates after this day are refused; nil accepts any date (for stored events).
    public var today: CivilDate?
    /// Whether a control character in any string is refused (`ControlCharacterRule`): by default
    /// for input events (those decoded with a `today`), not for stored ones, which an older
    /// ledger may have written with them and which are read as they are.
    public var refusesControlCharacters: Bool

    /// The longest `note` of a `responded` or `progress` event, in characters.
    public static let maximumNote = 2000

    /// The fields the ledger assigns, refused on input.
    public static let assignedFields: Set<String> = ["seq", "recorded", "hash"]

    /// A decoder refusing effective dates after `today`, and control characters unless told.
    public init(today: CivilDate?, refusingControlCharacters: Bool? = nil) {
        self.today = today
        self.refusesControlCharacters = refusingControlCharacters ?? (today != nil)
    }

    /// Decodes an input event; its id is the given one or derived from its canonical bytes.
    public func decode(_ value: JSONValue) throws(ValidationError) -> LedgerEvent {
        guard case .object(let object) = value else {
            throw ValidationError(.notAnObject, "an event must be a JSON object, not \(value.typeName)")
        }
        var reader = FieldReader(object)
        return try decode(&reader)
    }

    /// Decodes the members `reader` has not read yet as an event, refusing any it leaves unknown.
    func decode(_ reader: inout FieldReader) throws(ValidationError) -> LedgerEvent {
        let event = try decodeFields(&reader)
        try reader.rejectUnknown(assigned: Self.assignedFields)
        if refusesControlCharacters { try ControlCharacterRule.check(reader.object) }
        return event
    }

    /// Decodes an input event whose canonical bytes as given are already at hand, so that a
    /// derived id does not encode it again.
    public func decode(_ object: JSONObject, canonicalInput: [UInt8]) throws(ValidationError) -> LedgerEvent {
        var reader = FieldReader(object)
        let event = try decodeFields(&reader, canonicalInput: canonicalInput)
        try reader.rejectUnknown(assigned: Self.assignedFields)
        if refusesControlCharacters { try ControlCharacterRule.check(object) }
        return event
    }

    /// Decodes the fields common to every event and those of its type.
    func decodeFields(_ reader: inout FieldReader, canonicalInput: [UInt8]? = nil) throws(ValidationError) -> LedgerEvent {
        let typeValue = try reader.requiredValue("type")
        guard case .string(let typeName) = typeValue else {
            throw reader.wrongType("type", expected: "a string", got: typeValue)
        }
        guard let type = EventType(rawValue: typeName) else {
            let allowed = EventType.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(
                .unknownType, field: "type",
                "type \(FieldReader.quoted(typeName)) is not one of: \(allowed)"
            )
        }
        let givenID = try reader.eventID("id")
        let line = try reader.requiredSlug("line")
        let effective = try reader.civilDate("effective")
        if let today, effective > today {
            throw ValidationError(
                .futureDate, field: "effective",
                "effective \(effective) is in the future (today is \(today) in Europe/London)"
            )
        }
        let source = try decodeSource(reader.object("source"))
        let body = try decodeBody(type, line: line, &reader)
        let id = givenID ?? canonicalInput.map { Hex.string(SHA256.hash(data: $0)) } ?? Self.derivedID(of: .object(reader.object))
        return LedgerEvent(id: id, line: line, effective: effective, source: source, body: body)
    }

    /// The id of an event given without one: the hex SHA-256 of its canonical (JCS) bytes.
    public static func derivedID(of value: JSONValue) -> String {
        Hex.string(SHA256.hash(data: CanonicalJSON.encode(value)))
    }

    private func decodeSource(_ object: JSONObject) throws(ValidationError) -> Source {
        var reader = FieldReader(object, path: "source")
        let title = try reader.requiredString("title", maxLength: 500)
        let url = try reader.string("url", maxLength: 2000)
        if let url, !Self.isWebAddress(url) {
            throw ValidationError(.invalidValue, field: "source.url", "source.url must be an http:// or https:// address with no spaces")
        }
        let publisher = try reader.string("publisher", maxLength: 200)
        let published = try reader.partialDate("published")
        let quote = try reader.string("quote", maxLength: 5000)
        try reader.rejectUnknown()
        return Source(title: title, url: url, publisher: publisher, published: published, quote: quote)
    }

    private func decodeBody(_ type: EventType, line: String, _ reader: inout FieldReader) throws(ValidationError) -> EventBody {
        switch type {
        case .announced:
            let department = try reader.requiredSlug("department")
            let departmentName = try reader.string("department_name", maxLength: 200)
            let title = try reader.requiredString("title", maxLength: 500)
            let amount = try reader.amount("amount_pence", minimum: 0)
            let due = try reader.partialDate("due")
            let parent = try reader.slug("parent")
            if parent == line {
                throw ValidationError(.invalidValue, field: "parent", "a line cannot be its own parent")
            }
            let kind = try reader.choice("kind", of: CommitmentKind.self)
            let madeBy = try reader.string("made_by", maxLength: 200)
            let money = try reader.optionalChoice("money", of: MoneyKind.self)
            return .announced(Announcement(
                department: department, departmentName: departmentName, title: title,
                amount: amount, due: due, parent: parent, kind: kind, madeBy: madeBy, money: money
            ))
        case .funded:
            guard let amount = try reader.amount("amount_pence", minimum: 1) else {
                throw ValidationError(.missingField, field: "amount_pence", "amount_pence is required")
            }
            return .funded(amount)
        case .amended:
            let amount = try reader.amount("amount_pence", minimum: 0)
            let title = try reader.string("title", maxLength: 500)
            let due = try reader.partialDate("due")
            let money = try reader.optionalChoice("money", of: MoneyKind.self)
            if amount == nil && title == nil && due == nil && money == nil {
                throw ValidationError(
                    .emptyAmendment, field: "amount_pence",
                    "an amended event needs at least one of amount_pence, title, due, money"
                )
            }
            return .amended(Amendment(amount: amount, title: title, due: due, money: money))
        case .legislated:
            let stage = try reader.choice("stage", of: BillStage.self)
            let bill = try reader.requiredString("bill", maxLength: 300)
            let house = try reader.optionalChoice("house", of: House.self)
            return .legislated(stage: stage, bill: bill, house: house)
        case .slipped:
            guard let due = try reader.partialDate("due") else {
                throw ValidationError(.missingField, field: "due", "due is required")
            }
            let reason = try reader.requiredString("reason", maxLength: 5000)
            return .slipped(due: due, reason: reason)
        case .delivered:
            return .delivered(note: try reader.string("note", maxLength: 5000))
        case .withdrawn:
            let reason = try reader.requiredString("reason", maxLength: 5000)
            let replacedBy = try reader.slug("replaced_by")
            if replacedBy == line {
                throw ValidationError(.replacedBySelf, field: "replaced_by", "a line cannot be replaced by itself")
            }
            return .withdrawn(reason: reason, replacedBy: replacedBy)
        case .responded:
            let response = try reader.choice("response", of: GovernmentResponse.self)
            return .responded(response: response, note: try reader.string("note", maxLength: Self.maximumNote))
        case .progress:
            return .progress(note: try reader.requiredString("note", maxLength: Self.maximumNote))
        case .corrected:
            guard let retracts = try reader.eventID("retracts") else {
                throw ValidationError(.missingField, field: "retracts", "retracts is required")
            }
            let reason = try reader.requiredString("reason", maxLength: 5000)
            return .corrected(retracts: retracts, reason: reason)
        }
    }

    private static func isWebAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return false }
        let rest = lower.drop(while: { $0 != "/" }).dropFirst(2)
        return !rest.isEmpty && !text.unicodeScalars.contains(where: { $0.properties.isWhitespace })
    }
}
