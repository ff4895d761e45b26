/// Assembles an `AtResult` from the states of the lines announced by a date.
public enum AtReport {
    /// Builds the result for `date` from line states (each announced by `date`), optionally
    /// keeping one department.
    public static func build(
        at date: CivilDate,
        knownAt: String?,
        states: [LineState],
        department filter: String? = nil
    ) -> AtResult {
        // Only a line with a parent asks which lines are present.
        let present = states.contains { $0.parent != nil } ? Set(states.map(\.line)) : []
        var childrenPledged: [String: Pence] = [:]
        for state in states where state.status != .withdrawn {
            if let parent = state.parent {
                childrenPledged[parent, default: .zero] += state.pledged
            }
        }
        // Grouped and ordered by index: a state is a large value, copied once, into its snapshot.
        var byDepartment: [String: [Int]] = [:]
        for (index, state) in states.enumerated() where filter == nil || state.department == filter {
            byDepartment[state.department, default: []].append(index)
        }
        var departments: [DepartmentState] = []
        var totalPledged = Pence.zero
        var totalFunded = Pence.zero
        var totalReannounced = Pence.zero
        for (slug, indices) in byDepartment.sorted(by: { $0.key < $1.key }) {
            var counts = LineCounts()
            var pledged = Pence.zero
            var funded = Pence.zero
            var reannounced = Pence.zero
            var snapshots: [LineSnapshot] = []
            snapshots.reserveCapacity(indices.count)
            for index in indices.sorted(by: { states[$0].line < states[$1].line }) {
                let state = states[index]
                let overdue = state.isOverdue(on: date)
                counts.lines += 1
                switch state.status {
                case .active: counts.active += 1
                case .delivered: counts.delivered += 1
                case .withdrawn: counts.withdrawn += 1
                }
                if overdue { counts.overdue += 1 }
                if state.slips > 0 { counts.slipped += 1 }
                if state.isLate { counts.late += 1 }
                if state.kind == .recommendation {
                    counts.recommendations += 1
                    if state.response?.accepts == true { counts.accepted += 1 }
                    if state.response == .rejected { counts.rejected += 1 }
                }
                if state.status != .withdrawn {
                    // A child's pledge is part of its parent's, so only top-level lines add up;
                    // a child whose parent is absent on this date stands on its own.
                    let isTopLevel = state.parent.map { !present.contains($0) } ?? true
                    if isTopLevel {
                        pledged += state.pledged
                        if state.money == .reannounced { reannounced += state.pledged }
                    }
                    funded += state.funded
                }
                snapshots.append(LineSnapshot(
                    state: state, overdue: overdue, childrenPledged: childrenPledged[state.line] ?? .zero
                ))
            }
            let name = indices.lazy.map { states[$0] }
                .filter { $0.departmentName != nil }
                .min { ($0.announcedOn, $0.line) < ($1.announcedOn, $1.line) }?
                .departmentName
            departments.append(DepartmentState(
                department: slug, name: name, pledged: pledged, funded: funded, reannounced: reannounced, counts: counts, lines: snapshots
            ))
            totalPledged += pledged
            totalFunded += funded
            totalReannounced += reannounced
        }
        return AtResult(
            at: date, knownAt: knownAt, pledged: totalPledged, funded: totalFunded, reannounced: totalReannounced, departments: departments
        )
    }
}
