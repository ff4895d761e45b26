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
}
