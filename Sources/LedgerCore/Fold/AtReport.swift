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
        // The states are read by index where they lie (an unsafe buffer's elements are borrowed,
        // an array's subscript copies): a state is a large value, copied once, into its snapshot.
        states.withUnsafeBufferPointer { states in build(at: date, knownAt: knownAt, states: states, department: filter) }
    }

    private static func build(
        at date: CivilDate, knownAt: String?, states: UnsafeBufferPointer<LineState>, department filter: String?
    ) -> AtResult {
        // Only a line with a parent asks which lines are present.
        let present = states.contains { $0.parent != nil } ? Set(states.map(\.line)) : []
        var childrenPledged: [String: Pence] = [:]
        for index in states.indices where states[index].status != .withdrawn {
            if let parent = states[index].parent {
                childrenPledged[parent, default: .zero] += states[index].pledged
            }
        }
        var byDepartment: [String: [Int]] = [:]
        for index in states.indices where filter == nil || states[index].department == filter {
            byDepartment[states[index].department, default: []].append(index)
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
                tally(state, overdue: overdue, present: present, &counts, &pledged, &funded, &reannounced)
                // Most answers have no children at all, and then no line's slug need be hashed.
                let children = childrenPledged.isEmpty ? .zero : childrenPledged[state.line] ?? .zero
                snapshots.append(LineSnapshot(state: consume state, overdue: overdue, childrenPledged: children))
            }
            // The name the earliest announcement gave.
            let named = indices.filter { states[$0].departmentName != nil }
            let name = named.min { (states[$0].announcedOn, states[$0].line) < (states[$1].announcedOn, states[$1].line) }
                .flatMap { states[$0].departmentName }
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

    /// Counts `state` in its department's counts and sums.
    private static func tally(
        _ state: borrowing LineState, overdue: Bool, present: Set<String>,
        _ counts: inout LineCounts, _ pledged: inout Pence, _ funded: inout Pence, _ reannounced: inout Pence
    ) {
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
        guard state.status != .withdrawn else { return }
        // A child's pledge is part of its parent's, so only top-level lines add up; a child whose
        // parent is absent on this date stands on its own.
        let isTopLevel = state.parent.map { !present.contains($0) } ?? true
        if isTopLevel {
            pledged += state.pledged
            if state.money == .reannounced { reannounced += state.pledged }
        }
        funded += state.funded
    }
}
