/// The `at` result for people: a header stating the cut-off, each department with its totals,
/// and its lines as a tree (children under their parent) with money in pounds. Any control
/// character the ledger holds is shown escaped (`TerminalText.escaped`).
public enum AtTable {
    /// The whole report, with a trailing newline.
    ///
    /// Given a `width` (a terminal's), no line is wider: sentences are wrapped at spaces, and
    /// each table keeps its columns whole but for the last, WHAT, cut to fit with `…`, so a row
    /// is never broken. Without one, every text is printed in full.
    /// With `kind`, only lines of that kind are listed (and their parents, to keep the tree);
    /// the departments' figures still count every line.
    public static func render(_ result: AtResult, width: Int? = nil, kind: CommitmentKind? = nil) -> String {
        func prose(_ text: String, indent: String = "") -> [String] {
            let shown = TerminalText.escaped(text)
            guard let width else { return [indent + shown] }
            return TerminalText.wrapped(shown, toWidth: width, lead: indent, continuation: indent)
        }
        var out: [String] = prose(header(result) + (kind.map { ": \($0.rawValue) lines only (the figures count every line)" } ?? "")) + [""]
        if result.departments.isEmpty {
            out += prose("No commitment had been announced by then.")
        }
        for var department in result.departments {
            if let kind {
                department.lines = only(kind, department.lines)
                if department.lines.isEmpty { continue }
            }
            out += render(department, on: result.at, width: width, prose: prose)
            out.append("")
        }
        if result.departments.count > 1 {
            let reannounced = result.reannounced > .zero ? " (of which \(result.reannounced.formatted) re-announced)" : ""
            out += prose("All departments: pledged \(result.pledged.formatted)\(reannounced), funded \(result.funded.formatted).")
        }
        while out.last == "" { out.removeLast() }
        return out.map(TerminalText.escaped).joined(separator: "\n") + "\n"
    }

    /// The lines of `kind`, and the parents of any of them, so each still sits under its plan.
    private static func only(_ kind: CommitmentKind, _ lines: [LineSnapshot]) -> [LineSnapshot] {
        let parents = Dictionary(lines.map { ($0.state.line, $0.state.parent) }, uniquingKeysWith: { first, _ in first })
        var kept = Set(lines.filter { $0.state.kind == kind }.map(\.state.line))
        for line in kept {
            var next = parents[line] ?? nil
            while let parent = next, kept.insert(parent).inserted { next = parents[parent] ?? nil }
        }
        return lines.filter { kept.contains($0.state.line) }
    }

    /// "Commitments at the end of 15 April 2025 (Europe/London), as known now".
    public static func header(_ result: AtResult) -> String {
        let known = result.knownAt.map { "as recorded by \($0)" } ?? "as known now"
        return "Commitments at the end of \(result.at.longDescription) (Europe/London), \(known)"
    }

    private static func render(
        _ department: DepartmentState, on date: CivilDate, width: Int?, prose: (String, String) -> [String]
    ) -> [String] {
        let counts = department.counts
        let title = department.name.map { "\($0) (\(department.department))" } ?? department.department
        var out = prose(title, "")
        let reannounced = department.reannounced > .zero ? " (of which \(department.reannounced.formatted) re-announced)" : ""
        var summary = "Pledged \(department.pledged.formatted)\(reannounced), funded \(department.funded.formatted). "
            + "\(counts.lines) \(counts.lines == 1 ? "line" : "lines"): \(counts.active) active, "
            + "\(counts.delivered) delivered\(counts.late > 0 ? " (\(counts.late) late)" : ""), \(counts.withdrawn) withdrawn; "
            + "\(counts.overdue) overdue, \(counts.slipped) slipped."
        if counts.recommendations > 0 {
            summary += " \(counts.recommendations) \(counts.recommendations == 1 ? "recommendation" : "recommendations"): "
                + "\(counts.accepted) accepted, \(counts.rejected) rejected."
        }
        out += prose(summary, "  ")
        out.append("")
        var table = TextTable([
            ("LINE", .left), ("PLEDGED", .right), ("FUNDED", .right), ("DUE", .left), ("STATUS", .left), ("WHAT", .left),
        ])
        for (prefix, snapshot) in tree(department.lines) {
            let state = snapshot.state
            table.add([
                prefix + state.line,
                money(state.pledged),
                money(state.funded),
                state.due?.description ?? "–",
                status(snapshot),
                ([state.title] + notes(snapshot).map(\.text)).joined(separator: " · "),
            ])
        }
        out += table.render(indent: "  ", width: width)
        return out
    }

    private static func money(_ amount: Pence) -> String {
        amount == .zero ? "–" : amount.formatted
    }

    /// The status column: OVERDUE or LATE when the line is, else its status.
    public static func status(_ snapshot: LineSnapshot) -> String {
        if snapshot.overdue { return "OVERDUE" }
        if snapshot.state.isLate { return "LATE" }
        return snapshot.state.status.rawValue
    }

    /// What is worth saying about a line beyond its amounts and status, in the order the table and
    /// the web pages show it.
    public static func notes(_ snapshot: LineSnapshot) -> [LineNote] {
        let state = snapshot.state
        var notes: [LineNote] = []
        if let days = state.lateDays, days > 0, state.status == .delivered {
            notes.append(LineNote(.late, "LATE \(days) \(days == 1 ? "day" : "days")"))
        }
        if let replacement = state.replacedBy {
            notes.append(LineNote(.replaced, "replaced by \(replacement)", line: replacement))
        }
        if let response = state.response {
            notes.append(LineNote(response == .rejected ? .rejected : .response, response.phrase))
        }
        if let madeBy = state.madeBy, state.kind == .recommendation {
            notes.append(LineNote(.madeBy, "from \(madeBy)"))
        }
        if let stage = state.stage {
            let house = state.house.map { "\($0.shortName) " } ?? ""
            notes.append(LineNote(.bill, "bill: \(state.bill ?? "?"), \(house)\(stage.phrase)"))
        }
        if state.money == .reannounced {
            notes.append(LineNote(.reannounced, "re-announced"))
        }
        if state.slips > 0 {
            notes.append(LineNote(.slipped, "slipped \(state.slips)× (+\(state.slippedDays) days)"))
        }
        if snapshot.childrenPledged > .zero {
            notes.append(LineNote(.parts, "parts pledged \(snapshot.childrenPledged.formatted)"))
        }
        if snapshot.childrenExceedPledge {
            notes.append(LineNote(.warning, "⚠ parts exceed the pledge"))
        }
        if snapshot.fundedExceedsPledge && state.pledged > .zero {
            notes.append(LineNote(.warning, "⚠ funded above pledge"))
        }
        return notes
    }

    /// The lines in tree order, each with the drawing that places it under its parent.
    public static func tree(_ lines: [LineSnapshot]) -> [(prefix: String, snapshot: LineSnapshot)] {
        let present = Set(lines.map(\.state.line))
        var children: [String: [LineSnapshot]] = [:]
        var roots: [LineSnapshot] = []
        for snapshot in lines {
            if let parent = snapshot.state.parent, present.contains(parent) {
                children[parent, default: []].append(snapshot)
            } else {
                roots.append(snapshot)
            }
        }
        var out: [(prefix: String, snapshot: LineSnapshot)] = []
        func walk(_ snapshot: LineSnapshot, lead: String, branch: String) {
            out.append((lead + branch, snapshot))
            let kids = children[snapshot.state.line] ?? []
            let nextLead = lead + (branch == "├─ " ? "│  " : branch.isEmpty ? "" : "   ")
            for (index, kid) in kids.enumerated() {
                walk(kid, lead: nextLead, branch: index == kids.count - 1 ? "└─ " : "├─ ")
            }
        }
        for root in roots { walk(root, lead: "", branch: "") }
        return out
    }
}

/// One thing said about a line beside its amounts: its kind (for a badge's look) and its words.
public struct LineNote: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case late, replaced, response, rejected, madeBy = "made-by", bill, reannounced, slipped, parts, warning
    }

    public var kind: Kind
    public var text: String
    /// The line it points to (the replacement), if any.
    public var line: String?

    public init(_ kind: Kind, _ text: String, line: String? = nil) {
        self.kind = kind
        self.text = text
        self.line = line
    }
}
