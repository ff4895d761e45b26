/// The JSON form of an `at` result, exactly the shape of DESIGN section 7, keys in that order.
public enum AtJSON {
    /// The result as a JSON value.
    public static func value(_ result: AtResult) -> JSONValue {
        .object(JSONObject([
            ("at", .string(result.at.description)),
            ("known_at", result.knownAt.map(JSONValue.string) ?? .null),
            ("totals", .object(JSONObject([
                ("pledged_pence", .integer(result.pledged.value)),
                ("funded_pence", .integer(result.funded.value)),
            ]))),
            ("departments", .array(result.departments.map(department))),
        ]))
    }

    private static func department(_ department: DepartmentState) -> JSONValue {
        let counts = department.counts
        return .object(JSONObject([
            ("department", .string(department.department)),
            ("name", department.name.map(JSONValue.string) ?? .null),
            ("pledged_pence", .integer(department.pledged.value)),
            ("funded_pence", .integer(department.funded.value)),
            ("counts", .object(JSONObject([
                ("lines", .integer(Int64(counts.lines))),
                ("active", .integer(Int64(counts.active))),
                ("delivered", .integer(Int64(counts.delivered))),
                ("withdrawn", .integer(Int64(counts.withdrawn))),
                ("overdue", .integer(Int64(counts.overdue))),
                ("slipped", .integer(Int64(counts.slipped))),
            ]))),
            ("lines", .array(department.lines.map(line))),
        ]))
    }

    private static func line(_ snapshot: LineSnapshot) -> JSONValue {
        let state = snapshot.state
        return .object(JSONObject([
            ("line", .string(state.line)),
            ("title", .string(state.title)),
            ("kind", .string(state.kind.rawValue)),
            ("parent", state.parent.map(JSONValue.string) ?? .null),
            ("status", .string(state.status.rawValue)),
            ("overdue", .bool(snapshot.overdue)),
            ("pledged_pence", .integer(state.pledged.value)),
            ("funded_pence", .integer(state.funded.value)),
            ("children_pledged_pence", .integer(snapshot.childrenPledged.value)),
            ("due", state.due.map { .string($0.description) } ?? .null),
            ("slips", .integer(Int64(state.slips))),
            ("slipped_days", .integer(Int64(state.slippedDays))),
            ("stage", state.stage.map { .string($0.rawValue) } ?? .null),
            ("bill", state.bill.map(JSONValue.string) ?? .null),
        ]))
    }
}
