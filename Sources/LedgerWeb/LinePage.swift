import LedgerCore
import LedgerStore

/// What the `line` template shows: every event of one line with its source, and a chart of
/// pledged and funded money over time.
struct LinePage: Sendable {
    struct Event: Sendable {
        var effective: String
        var summary: String
        var retractedBy: String?
        var sourceTitle: String
        /// The source's URL when it is a web address, the only kind made a link.
        var link: String?
        /// Any other URL (`javascript:`, `data:`, …), shown as text.
        var unlinkedURL: String?
        var publisher: String?
        var published: String?
        var quote: String?
        var seq: UInt64
        var recorded: String
        var id: String
    }

    var line: String
    var title: String
    var department: String
    var kind: String
    var status: String
    var pledged: String
    var funded: String
    var today: String
    var due: String?
    var delivered: String?
    /// OVERDUE, LATE, or the status, and its look, as on the at page.
    var statusLabel: String
    var statusClass: String
    var badges: [AtPage.Badge]
    var hasBadges: Bool
    var chart: Chart
    var events: [Event]

    init?(_ entries: [HistoryEntry], today: CivilDate) {
        let retracted = Set(entries.compactMap { $0.retractedBy == nil ? nil : $0.stored.event.id })
        let timeline = LineFold.timeline(of: entries.map(\.stored), excluding: retracted)
        guard let first = entries.first, let state = timeline.last?.state ?? timeline.compactMap(\.state).last else { return nil }
        line = first.stored.event.line
        title = state.title
        department = state.departmentName ?? state.department
        kind = state.kind.rawValue
        status = state.status.rawValue
        pledged = state.pledged.formatted
        funded = state.funded.formatted
        self.today = today.description
        due = state.due?.description
        delivered = state.deliveredOn?.description
        // Today's view of the line; the parts it may have are on the at page.
        let snapshot = LineSnapshot(state: state, overdue: state.isOverdue(on: today), childrenPledged: .zero)
        statusLabel = AtTable.status(snapshot)
        statusClass = snapshot.overdue ? "overdue" : state.isLate ? "late" : state.status.rawValue
        let notes = AtTable.notes(snapshot)
        hasBadges = !notes.isEmpty
        badges = notes.map { AtPage.Badge(kind: $0.kind.rawValue, text: $0.text, linkTo: $0.line) }
        chart = Chart(timeline, through: today)
        events = entries.map { entry in
            let event = entry.stored.event
            let url = event.source.url
            let link = url.flatMap { Self.isWebAddress($0) ? $0 : nil }
            return Event(
                effective: event.effective.description, summary: Self.summary(event.body), retractedBy: entry.retractedBy,
                sourceTitle: event.source.title, link: link, unlinkedURL: link == nil ? url : nil,
                publisher: event.source.publisher, published: event.source.published?.description, quote: event.source.quote,
                seq: entry.stored.seq, recorded: entry.stored.recorded.description, id: event.id
            )
        }
    }

    /// Whether `url` is an http or https address: nothing else becomes a link.
    static func isWebAddress(_ url: String) -> Bool {
        let lower = url.lowercased()
        return (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } ?? false })
    }

    static func summary(_ body: EventBody) -> String {
        func words(_ raw: String) -> String { String(raw.map { $0 == "-" ? " " : $0 }) }
        switch body {
        case .announced(let announcement):
            var text = "Announced: \(announcement.title)"
            if let amount = announcement.amount { text += ", \(amount.formatted)" }
            if let due = announcement.due { text += ", due \(due)" }
            return text
        case .funded(let amount):
            return "Funded \(amount.formatted)"
        case .amended(let amendment):
            var changes: [String] = []
            if let title = amendment.title { changes.append("title “\(title)”") }
            if let amount = amendment.amount { changes.append("amount \(amount.formatted)") }
            if let due = amendment.due { changes.append("due \(due)") }
            if let money = amendment.money { changes.append("money \(money.rawValue)") }
            return "Amended: " + changes.joined(separator: ", ")
        case .legislated(let stage, let bill, let house):
            return "\(bill): \(words(stage.rawValue))" + (house.map { " (\($0.rawValue))" } ?? "")
        case .slipped(let due, let reason):
            return "Slipped to \(due): \(reason)"
        case .delivered(let note):
            return "Delivered" + (note.map { ": \($0)" } ?? "")
        case .withdrawn(let reason, let replacedBy):
            return "Withdrawn: \(reason)" + (replacedBy.map { "; replaced by \($0)" } ?? "")
        case .responded(let response, let note):
            return "Government response: \(words(response.rawValue))" + (note.map { ": \($0)" } ?? "")
        case .progress(let note):
            return "Progress: \(note)"
        case .corrected(let retracts, let reason):
            return "Correction of \(retracts): \(reason)"
        }
    }
}

/// The inline SVG chart's geometry: step lines of pledged and funded money against time, and a
/// mark at each due date the line has had, the earlier ones as moved. All in integer arithmetic:
/// pence and days are never floating point, pixels neither.
struct Chart: Sendable {
    struct DueMark: Sendable {
        var x: Int
        var label: String
        /// The due date in force now; the others were moved (slipped or re-dated) from.
        var current: Bool
        var labelY: Int
        /// The label's side of the line: after it in the left half, before it in the right.
        var anchor: String
        var labelX: Int
    }

    var width = 600
    var height = 220
    var left = 8
    var right = 592
    var top = 24
    var bottom = 190
    var labels = 212
    var from: String
    var to: String
    var maximum: String
    var pledged: String
    var funded: String
    var dues: [DueMark]

    init(_ timeline: [(date: CivilDate, state: LineState?)], through today: CivilDate) {
        let start = timeline.first?.date ?? today
        let dueDays = Self.dues(timeline)
        let end = max(today, timeline.last?.date ?? today, start.adding(days: 1), dueDays.map(\.day).max() ?? today)
        from = start.description
        to = end.description
        let most = timeline.map { max($0.state?.pledged.value ?? 0, $0.state?.funded.value ?? 0) }.max() ?? 0
        maximum = Pence(most).formatted
        let span = Int64(max(start.days(to: end), 1))
        let (left, right, top, bottom) = (left, right, top, bottom)
        func x(_ date: CivilDate) -> Int { left + Int(Int64(right - left) * Int64(start.days(to: date)) / span) }
        // At most 10^15 pence times 166 pixels: well inside 64 bits.
        func y(_ amount: Int64) -> Int { most == 0 ? bottom : bottom - Int(Int64(bottom - top) * amount / most) }
        func steps(_ amount: (LineState?) -> Int64) -> String {
            var points: [String] = []
            var previous = bottom
            for entry in timeline {
                let px = x(entry.date)
                let py = y(amount(entry.state))
                points.append("\(px),\(previous)")
                points.append("\(px),\(py)")
                previous = py
            }
            points.append("\(x(end)),\(previous)")
            return points.joined(separator: " ")
        }
        pledged = steps { $0?.pledged.value ?? 0 }
        funded = steps { $0?.funded.value ?? 0 }
        dues = dueDays.enumerated().map { index, due in
            let px = x(due.day)
            let before = px > (left + right) / 2
            return DueMark(
                x: px, label: "due " + due.text, current: index == dueDays.count - 1, labelY: top + 14 + 14 * (index % 3),
                anchor: before ? "end" : "start", labelX: before ? px - 4 : px + 4
            )
        }
    }

    /// Each due date the line has had, in the order it had them, as its last day and as written.
    static func dues(_ timeline: [(date: CivilDate, state: LineState?)]) -> [(day: CivilDate, text: String)] {
        var dues: [(day: CivilDate, text: String)] = []
        for entry in timeline {
            guard let due = entry.state?.due, dues.last?.text != due.description else { continue }
            dues.append((due.lastDay, due.description))
        }
        return dues
    }
}
