import LedgerCore

/// One department's figures on a date: what both the ledger and the SQLite baseline answer, for comparing them.
struct DepartmentTotals: Equatable, Sendable {
    /// The department's slug.
    let department: String
    /// The pledges of its top-level lines that are not withdrawn, in pence.
    let pledged: Int64
    /// The funding of all its lines that are not withdrawn, in pence.
    let funded: Int64
    /// Lines announced by the date.
    let lines: Int
    /// Lines still active.
    let active: Int
    /// Lines delivered.
    let delivered: Int
    /// Lines withdrawn.
    let withdrawn: Int
    /// Active lines past their due date.
    let overdue: Int
    /// Lines whose deadline slipped at least once.
    let slipped: Int

    /// The departments of an `at` result object as the daemon sends it, or nil if it is not of that shape.
    static func from(atResult: JSONValue) -> [DepartmentTotals]? {
        guard let departments = atResult.objectValue?["departments"]?.arrayValue else { return nil }
        var result: [DepartmentTotals] = []
        result.reserveCapacity(departments.count)
        for value in departments {
            guard let department = value.objectValue,
                let slug = department["department"]?.stringValue,
                let pledged = department["pledged_pence"]?.integerValue,
                let funded = department["funded_pence"]?.integerValue,
                let counts = department["counts"]?.objectValue,
                let lines = count(counts, "lines"),
                let active = count(counts, "active"),
                let delivered = count(counts, "delivered"),
                let withdrawn = count(counts, "withdrawn"),
                let overdue = count(counts, "overdue"),
                let slipped = count(counts, "slipped")
            else { return nil }
            result.append(DepartmentTotals(
                department: slug, pledged: pledged, funded: funded, lines: lines, active: active,
                delivered: delivered, withdrawn: withdrawn, overdue: overdue, slipped: slipped
            ))
        }
        return result
    }

    /// The departments of an `at` result, in its order (by slug).
    static func from(_ result: AtResult) -> [DepartmentTotals] {
        result.departments.map { department in
            let counts = department.counts
            return DepartmentTotals(
                department: department.department, pledged: department.pledged.value, funded: department.funded.value,
                lines: counts.lines, active: counts.active, delivered: counts.delivered, withdrawn: counts.withdrawn,
                overdue: counts.overdue, slipped: counts.slipped
            )
        }
    }

    /// A count member of a `counts` object, when it is a non-negative integer.
    private static func count(_ counts: JSONObject, _ key: String) -> Int? {
        guard let number = counts[key]?.integerValue, number >= 0 else { return nil }
        return Int(exactly: number)
    }
}
