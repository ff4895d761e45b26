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

/// The inline SVG chart's geometry: step lines of pledged and funded money against time.
struct Chart: Sendable {
    var width = 600
    var height = 220
    var left = 8
    var right = 592
    var bottom = 190
    var labels = 212
    var from: String
    var to: String
    var maximum: String
    var pledged: String
    var funded: String

    init(_ timeline: [(date: CivilDate, state: LineState?)], through today: CivilDate) {
        let start = timeline.first?.date ?? today
        let end = max(today, timeline.last?.date ?? today, start.adding(days: 1))
        from = start.description
        to = end.description
        let top = 24
        let most = timeline.map { max($0.state?.pledged.value ?? 0, $0.state?.funded.value ?? 0) }.max() ?? 0
        maximum = Pence(most).formatted
        let span = Double(max(start.days(to: end), 1))
        let (left, right, bottom) = (left, right, bottom)
        func x(_ date: CivilDate) -> Int { left + Int(Double(right - left) * Double(start.days(to: date)) / span) }
        func y(_ amount: Int64) -> Int { most == 0 ? bottom : bottom - Int(Double(bottom - top) * Double(amount) / Double(most)) }
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
    }
}
