/// Reads an `at` result back from its JSON form, refusing anything that is not exactly the
/// documented shape (docs/at.md): every key present, no others, each of its type.
public enum AtResultDecoder {
    /// Decodes and checks `value`.
    public static func decode(_ value: JSONValue) throws(ValidationError) -> AtResult {
        var reader = try FieldReader(object(value, "result"))
        let at = try reader.civilDate("at")
        let knownAt = try nullable(&reader, "known_at") { reader, name throws(ValidationError) in
            try reader.requiredString(name, maxLength: 64)
        }
        var totals = try FieldReader(reader.object("totals"), path: "totals")
        let pledged = try count(&totals, "pledged_pence")
        let funded = try count(&totals, "funded_pence")
        let reannounced = try count(&totals, "reannounced_pence")
        try totals.rejectUnknown()
        var departments: [DepartmentState] = []
        for (index, item) in try array(&reader, "departments").enumerated() {
            departments.append(try department(item, path: "departments[\(index)]"))
        }
        try reader.rejectUnknown()
        return AtResult(
            at: at, knownAt: knownAt, pledged: Pence(pledged), funded: Pence(funded), reannounced: Pence(reannounced), departments: departments
        )
    }

    private static func department(_ value: JSONValue, path: String) throws(ValidationError) -> DepartmentState {
        var reader = try FieldReader(object(value, path), path: path)
        let slug = try reader.requiredSlug("department")
        let name = try nullable(&reader, "name") { reader, name throws(ValidationError) in
            try reader.requiredString(name, maxLength: 200)
        }
        let pledged = try count(&reader, "pledged_pence")
        let funded = try count(&reader, "funded_pence")
        let reannounced = try count(&reader, "reannounced_pence")
        var countsReader = try FieldReader(reader.object("counts"), path: reader.fieldPath("counts"))
        let counts = LineCounts(
            lines: Int(try count(&countsReader, "lines")), active: Int(try count(&countsReader, "active")),
            delivered: Int(try count(&countsReader, "delivered")), withdrawn: Int(try count(&countsReader, "withdrawn")),
            overdue: Int(try count(&countsReader, "overdue")), slipped: Int(try count(&countsReader, "slipped")),
            late: Int(try count(&countsReader, "late")), recommendations: Int(try count(&countsReader, "recommendations")),
            accepted: Int(try count(&countsReader, "accepted")), rejected: Int(try count(&countsReader, "rejected"))
        )
        try countsReader.rejectUnknown()
        var lines: [LineSnapshot] = []
        for (index, item) in try array(&reader, "lines").enumerated() {
            lines.append(try line(item, department: slug, path: "\(path).lines[\(index)]"))
        }
        try reader.rejectUnknown()
        return DepartmentState(
            department: slug, name: name, pledged: Pence(pledged), funded: Pence(funded), reannounced: Pence(reannounced), counts: counts, lines: lines
        )
    }

    private static func line(_ value: JSONValue, department: String, path: String) throws(ValidationError) -> LineSnapshot {
        var reader = try FieldReader(object(value, path), path: path)
        let slug = try reader.requiredSlug("line")
        let title = try reader.requiredString("title", maxLength: 500)
        let kind = try reader.choice("kind", of: CommitmentKind.self)
        let parent = try nullable(&reader, "parent") { reader, name throws(ValidationError) in try reader.requiredSlug(name) }
        let status = try reader.choice("status", of: LineStatus.self)
        let overdueValue = try reader.requiredValue("overdue")
        guard case .bool(let overdue) = overdueValue else {
            throw reader.wrongType("overdue", expected: "true or false", got: overdueValue)
        }
        var state = LineState(
            line: slug, announcedOn: CivilDate(daysSinceEpoch: 0),
            announcement: Announcement(department: department, title: title, parent: parent, kind: kind)
        )
        state.status = status
        state.pledged = Pence(try count(&reader, "pledged_pence"))
        state.funded = Pence(try count(&reader, "funded_pence"))
        let children = Pence(try count(&reader, "children_pledged_pence"))
        state.due = try nullable(&reader, "due") { reader, name throws(ValidationError) in
            guard let due = try reader.partialDate(name) else { throw ValidationError(.missingField, field: name, "\(name) is required") }
            return due
        }
        state.slips = Int(try count(&reader, "slips"))
        state.slippedDays = Int(try count(&reader, "slipped_days"))
        state.stage = try nullable(&reader, "stage") { reader, name throws(ValidationError) in try reader.choice(name, of: BillStage.self) }
        state.bill = try nullable(&reader, "bill") { reader, name throws(ValidationError) in try reader.requiredString(name, maxLength: 300) }
        state.house = try nullable(&reader, "house") { reader, name throws(ValidationError) in try reader.choice(name, of: House.self) }
        state.replacedBy = try nullable(&reader, "replaced_by") { reader, name throws(ValidationError) in try reader.requiredSlug(name) }
        state.deliveredOn = try nullable(&reader, "delivered_on") { reader, name throws(ValidationError) in try reader.civilDate(name) }
        state.lateDays = try nullable(&reader, "late_days") { reader, name throws(ValidationError) in Int(try count(&reader, name)) }
        state.response = try nullable(&reader, "response") { reader, name throws(ValidationError) in
            try reader.choice(name, of: GovernmentResponse.self)
        }
        state.madeBy = try nullable(&reader, "made_by") { reader, name throws(ValidationError) in try reader.requiredString(name, maxLength: 200) }
        state.money = try nullable(&reader, "money") { reader, name throws(ValidationError) in try reader.choice(name, of: MoneyKind.self) }
        state.lastActivity = try reader.civilDate("last_activity")
        try reader.rejectUnknown()
        return LineSnapshot(state: state, overdue: overdue, childrenPledged: children)
    }

    private static func object(_ value: JSONValue, _ path: String) throws(ValidationError) -> JSONObject {
        guard case .object(let object) = value else {
            throw ValidationError(.wrongType, field: path, "\(path) must be an object, not \(value.typeName)")
        }
        return object
    }

    private static func array(_ reader: inout FieldReader, _ name: String) throws(ValidationError) -> [JSONValue] {
        let value = try reader.requiredValue(name)
        guard case .array(let items) = value else { throw reader.wrongType(name, expected: "an array", got: value) }
        return items
    }

    /// A required integer ≥ 0.
    private static func count(_ reader: inout FieldReader, _ name: String) throws(ValidationError) -> Int64 {
        let value = try reader.requiredValue(name)
        guard case .integer(let number) = value else { throw reader.wrongType(name, expected: "an integer", got: value) }
        guard number >= 0 else {
            throw ValidationError(.invalidValue, field: reader.fieldPath(name), "\(reader.fieldPath(name)) cannot be negative")
        }
        return number
    }

    /// A key that must be present, holding null or a value `read` accepts.
    private static func nullable<Value>(
        _ reader: inout FieldReader, _ name: String,
        _ read: (inout FieldReader, String) throws(ValidationError) -> Value
    ) throws(ValidationError) -> Value? {
        if try reader.requiredValue(name) == .null { return nil }
        return try read(&reader, name)
    }
}
