/// What changed for each commitment between two dates.
public struct AtDiff: Sendable, Hashable {
    /// One change to one line.
    public struct Change: Sendable, Hashable {
        /// The kinds of change, in the order they are listed for a line.
        public enum Kind: String, Sendable, CaseIterable {
            case announced, removed, rescoped, retitled, redated, slipped, funded, stage, delivered, withdrawn
            case reopened, overdue
        }

        /// The department of the line.
        public var department: String
        /// The line's slug.
        public var line: String
        /// What changed.
        public var kind: Kind
        /// The value before, for people (nil when there was none).
        public var before: String?
        /// The value after, for people.
        public var after: String?
    }

    /// The earlier state.
    public var from: AtResult
    /// The later state.
    public var to: AtResult
    /// The changes, by department, line and kind.
    public var changes: [Change]

    /// Compares two results of the same query at two dates.
    public init(from: AtResult, to: AtResult) {
        self.from = from
        self.to = to
        var before: [String: LineSnapshot] = [:]
        for snapshot in from.allLines { before[snapshot.state.line] = snapshot }
        var after: [String: LineSnapshot] = [:]
        for snapshot in to.allLines { after[snapshot.state.line] = snapshot }
        var changes: [Change] = []
        for line in Set(before.keys).union(after.keys) {
            changes += Self.changes(before[line], after[line])
        }
        self.changes = changes.sorted {
            ($0.department, $0.line, Change.Kind.allCases.firstIndex(of: $0.kind) ?? 0)
                < ($1.department, $1.line, Change.Kind.allCases.firstIndex(of: $1.kind) ?? 0)
        }
    }

    private static func changes(_ old: LineSnapshot?, _ new: LineSnapshot?) -> [Change] {
        guard let new else {
            guard let old else { return [] }
            return [Change(department: old.state.department, line: old.state.line, kind: .removed, before: old.state.title, after: nil)]
        }
        let state = new.state
        func change(_ kind: Change.Kind, _ before: String?, _ after: String?) -> Change {
            Change(department: state.department, line: state.line, kind: kind, before: before, after: after)
        }
        guard let old else {
            var summary = state.title
            if state.pledged > .zero { summary += ", pledged \(state.pledged.formatted)" }
            if let due = state.due { summary += ", due \(due)" }
            var list = [change(.announced, nil, summary)]
            if state.funded > .zero { list.append(change(.funded, Pence.zero.formatted, state.funded.formatted)) }
            if state.slips > 0 { list.append(change(.slipped, nil, state.due?.description)) }
            if let stage = state.stage { list.append(change(.stage, nil, stage.rawValue)) }
            if state.status != .active { list.append(change(state.status == .delivered ? .delivered : .withdrawn, nil, state.status.rawValue)) }
            if new.overdue { list.append(change(.overdue, nil, state.due?.description)) }
            return list
        }
        let previous = old.state
        var list: [Change] = []
        if previous.pledged != state.pledged { list.append(change(.rescoped, previous.pledged.formatted, state.pledged.formatted)) }
        if previous.title != state.title { list.append(change(.retitled, previous.title, state.title)) }
        if previous.due != state.due {
            let kind: Change.Kind = state.slips > previous.slips ? .slipped : .redated
            list.append(change(kind, previous.due?.description, state.due?.description))
        }
        if previous.funded != state.funded { list.append(change(.funded, previous.funded.formatted, state.funded.formatted)) }
        if previous.stage != state.stage { list.append(change(.stage, previous.stage?.rawValue, state.stage?.rawValue)) }
        if previous.status != state.status {
            let kind: Change.Kind = switch state.status {
            case .delivered: .delivered
            case .withdrawn: .withdrawn
            case .active: .reopened
            }
            list.append(change(kind, previous.status.rawValue, state.status.rawValue))
        }
        if new.overdue && !old.overdue { list.append(change(.overdue, nil, state.due?.description)) }
        return list
    }

    /// The comparison for people, any control character in a title shown escaped. Given a
    /// `width` (a terminal's), the sentences are wrapped at spaces and each change is cut to
    /// fit with `…`, one change a line; without one, everything is printed in full.
    public func render(width: Int? = nil) -> String {
        func prose(_ text: String) -> [String] {
            let shown = TerminalText.escaped(text)
            guard let width else { return [shown] }
            return TerminalText.wrapped(shown, toWidth: width)
        }
        func line(_ text: String) -> String {
            let shown = TerminalText.escaped(text)
            guard let width else { return shown }
            return TerminalText.truncated(shown, toWidth: width)
        }
        let known = to.knownAt.map { "as recorded by \($0)" } ?? "as known now"
        var out = prose("Changes from the end of \(from.at.longDescription) to the end of \(to.at.longDescription) (Europe/London), \(known)")
        out.append("")
        out += prose("Pledged \(from.pledged.formatted) → \(to.pledged.formatted), funded \(from.funded.formatted) → \(to.funded.formatted).")
        if changes.isEmpty {
            out.append("")
            out.append("Nothing changed.")
        }
        var department = ""
        for change in changes {
            if change.department != department {
                department = change.department
                out.append("")
                out.append(line(department))
            }
            out.append(line("  \(change.line): \(describe(change))"))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func describe(_ change: Change) -> String {
        switch change.kind {
        case .announced: "announced: \(change.after ?? "")"
        case .removed: "no longer in the ledger"
        case .overdue: "fell overdue (due \(change.after ?? "?"))"
        default: "\(change.kind.rawValue) \(change.before ?? "–") → \(change.after ?? "–")"
        }
    }

    /// The comparison as JSON: the two dates, the totals and the list of changes.
    public func json() -> JSONValue {
        func totals(_ result: AtResult) -> JSONValue {
            .object(JSONObject([
                ("pledged_pence", .integer(result.pledged.value)), ("funded_pence", .integer(result.funded.value)),
            ]))
        }
        return .object(JSONObject([
            ("from", .string(from.at.description)),
            ("to", .string(to.at.description)),
            ("known_at", to.knownAt.map(JSONValue.string) ?? .null),
            ("totals_from", totals(from)),
            ("totals_to", totals(to)),
            ("changes", .array(changes.map { change in
                .object(JSONObject([
                    ("department", .string(change.department)),
                    ("line", .string(change.line)),
                    ("change", .string(change.kind.rawValue)),
                    ("before", change.before.map(JSONValue.string) ?? .null),
                    ("after", change.after.map(JSONValue.string) ?? .null),
                ]))
            })),
        ]))
    }
}
