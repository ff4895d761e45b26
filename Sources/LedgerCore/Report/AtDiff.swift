/// What changed for each commitment between two dates.
public struct AtDiff: Sendable, Hashable {
    /// One change to one line.
    public struct Change: Sendable, Hashable {
        /// The kinds of change, in the order they are listed for a line.
        public enum Kind: String, Sendable, CaseIterable {
            case announced, removed, rescoped, retitled, redated, slipped, funded, stage, responded, progress
            case delivered, withdrawn, replaced, reopened, overdue, money
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

    /// A progress note dated between the two dates, for the list of changes.
    public struct Note: Sendable, Hashable {
        /// The department of the line.
        public var department: String
        /// The line's slug.
        public var line: String
        /// When it was reported.
        public var effective: CivilDate
        /// What was reported.
        public var text: String

        /// A note with the given fields.
        public init(department: String, line: String, effective: CivilDate, text: String) {
            self.department = department
            self.line = line
            self.effective = effective
            self.text = text
        }
    }

    /// Compares two results of the same query at two dates; `notes` are the progress notes dated
    /// after the first date and by the second, which change no figure and so no state.
    public init(from: AtResult, to: AtResult, notes: [Note] = []) {
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
        for note in notes.sorted(by: { ($0.line, $0.effective) < ($1.line, $1.effective) }) {
            changes.append(Change(department: note.department, line: note.line, kind: .progress, before: note.effective.description, after: note.text))
        }
        // Stable: progress notes keep their date order.
        let order = changes.enumerated().sorted {
            ($0.element.department, $0.element.line, Change.Kind.allCases.firstIndex(of: $0.element.kind) ?? 0, $0.offset)
                < ($1.element.department, $1.element.line, Change.Kind.allCases.firstIndex(of: $1.element.kind) ?? 0, $1.offset)
        }
        self.changes = order.map(\.element)
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
            if state.stage != nil { list.append(change(.stage, nil, Self.stage(state))) }
            if let response = state.response { list.append(change(.responded, nil, response.phrase)) }
            if state.status == .delivered { list.append(change(.delivered, nil, Self.delivery(state))) }
            if state.status == .withdrawn { list.append(change(.withdrawn, nil, state.status.rawValue)) }
            if let replacement = state.replacedBy { list.append(change(.replaced, nil, replacement)) }
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
        if previous.stage != state.stage || previous.house != state.house || previous.bill != state.bill {
            list.append(change(.stage, previous.stage.map { _ in Self.stage(previous) }, state.stage.map { _ in Self.stage(state) }))
        }
        if previous.response != state.response { list.append(change(.responded, previous.response?.phrase, state.response?.phrase)) }
        if previous.money != state.money { list.append(change(.money, previous.money?.phrase, state.money?.phrase)) }
        if previous.status != state.status || previous.deliveredOn != state.deliveredOn {
            switch state.status {
            case .delivered: list.append(change(.delivered, previous.status.rawValue, Self.delivery(state)))
            case .withdrawn: list.append(change(.withdrawn, previous.status.rawValue, state.status.rawValue))
            case .active: list.append(change(.reopened, previous.status.rawValue, state.status.rawValue))
            }
        }
        if previous.replacedBy != state.replacedBy, let replacement = state.replacedBy {
            list.append(change(.replaced, previous.replacedBy, replacement))
        }
        if new.overdue && !old.overdue { list.append(change(.overdue, nil, state.due?.description)) }
        return list
    }

    /// "Crime and Policing Bill, Lords committee".
    private static func stage(_ state: LineState) -> String {
        let house = state.house.map { "\($0.shortName) " } ?? ""
        return "\(state.bill ?? "?"), \(house)\(state.stage?.phrase ?? "?")"
    }

    /// "on 2025-06-16, on time", "on 2025-07-01, 31 days late", "on 2025-06-16".
    private static func delivery(_ state: LineState) -> String {
        guard let on = state.deliveredOn else { return state.status.rawValue }
        guard let days = state.lateDays else { return "on \(on)" }
        return days == 0 ? "on \(on), on time" : "on \(on), \(days) \(days == 1 ? "day" : "days") late"
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

    /// The comparison in a few lines: the totals, and how many changes of each kind.
    /// Given a `width` (a terminal's), the sentences are wrapped at spaces to fit it.
    public func renderSummary(width: Int? = nil) -> String {
        func prose(_ text: String, indent: String = "") -> [String] {
            guard let width else { return [indent + text] }
            return TerminalText.wrapped(text, toWidth: width, lead: indent, continuation: indent)
        }
        let known = to.knownAt.map { "as recorded by \($0)" } ?? "as known now"
        var out = prose("Changes from the end of \(from.at.longDescription) to the end of \(to.at.longDescription) (Europe/London), \(known)")
        out.append("")
        out += prose("Pledged \(from.pledged.formatted) → \(to.pledged.formatted), funded \(from.funded.formatted) → \(to.funded.formatted).")
        let lines = Set(changes.map(\.line)).count
        if changes.isEmpty {
            out.append("Nothing changed.")
            return out.joined(separator: "\n") + "\n"
        }
        out += prose("\(changes.count) \(changes.count == 1 ? "change" : "changes") to \(lines) \(lines == 1 ? "line" : "lines"):")
        var counts: [Change.Kind: Int] = [:]
        for change in changes { counts[change.kind, default: 0] += 1 }
        let late = changes.filter { $0.kind == .delivered && ($0.after?.hasSuffix(" late") ?? false) }.count
        var parts: [String] = []
        for kind in Change.Kind.allCases {
            guard let count = counts[kind] else { continue }
            let label: String = switch kind {
            case .announced: "announced"
            case .removed: "removed"
            case .rescoped: "re-scoped"
            case .retitled: "retitled"
            case .redated: "re-dated"
            case .slipped: "slipped"
            case .funded: "funding changed"
            case .stage: "bill stages moved"
            case .responded: "responses"
            case .progress: "progress notes"
            case .delivered: late > 0 ? "delivered (\(late) late)" : "delivered"
            case .withdrawn: "withdrawn"
            case .replaced: "replaced by another line"
            case .reopened: "reopened"
            case .overdue: "fell overdue"
            case .money: "money re-described"
            }
            parts.append("\(count) \(label)")
        }
        out += prose(parts.joined(separator: ", ") + ".", indent: "  ")
        return out.joined(separator: "\n") + "\n"
    }

    private func describe(_ change: Change) -> String {
        switch change.kind {
        case .announced: "announced: \(change.after ?? "")"
        case .removed: "no longer in the ledger"
        case .overdue: "fell overdue (due \(change.after ?? "?"))"
        case .progress: "progress \(change.before ?? ""): \(change.after ?? "")"
        case .delivered: "delivered \(change.after ?? "")"
        case .replaced: "replaced by \(change.after ?? "–")"
        case .responded: "response \(change.before ?? "none") → \(change.after ?? "none")"
        case .stage: "bill stage \(change.before ?? "–") → \(change.after ?? "–")"
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
