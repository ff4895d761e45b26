import LedgerCore
import LedgerStore

/// A line's history for people, and as JSON.
enum HistoryText {
    /// The history for people. Every text is escaped (`TerminalText`): a line feed in a note,
    /// reason or quote starts an indented line of its own and a tab reads as a space. Given a
    /// `width`, each line is wrapped at spaces to fit it, its continuations indented; a web
    /// address is never cut.
    static func render(line: String, _ entries: [HistoryEntry], width: Int? = nil) -> String {
        var out: [String] = []
        func add(_ lead: String, _ text: String, continuation: String, breakingLongWords: Bool = true) {
            for (index, piece) in TerminalText.paragraphs(text).enumerated() where index == 0 || !piece.isEmpty {
                let start = index == 0 ? lead : continuation
                if let width {
                    out += TerminalText.wrapped(
                        piece, toWidth: width, lead: start, continuation: continuation, breakingLongWords: breakingLongWords
                    )
                } else {
                    out.append(start + piece)
                }
            }
        }
        let title = entries.lazy.compactMap { entry -> String? in
            if case .announced(let announcement) = entry.stored.event.body { return announcement.title }
            return nil
        }.first
        add("", title.map { "\(line): \($0)" } ?? line, continuation: "    ")
        for entry in entries {
            let stored = entry.stored
            let event = stored.event
            out.append("")
            let described = describe(event.body)
            var heading = "\(event.effective)  \(event.type.rawValue)" + (described.isEmpty ? "" : "  \(described)")
            if let retractedBy = entry.retractedBy { heading += "  [retracted by \(retractedBy)]" }
            add("", heading, continuation: "            ")
            add("    ", "seq \(stored.seq), recorded \(stored.recorded.rfc3339), id \(event.id)", continuation: "      ")
            if let note = note(event.body) { add("    ", "note: \(note)", continuation: "          ") }
            let source = event.source
            var cited = "source: \(source.title)"
            if let publisher = source.publisher { cited += ", \(publisher)" }
            if let published = source.published { cited += ", \(published)" }
            add("    ", cited, continuation: "            ")
            if let url = source.url { add("    ", url, continuation: "    ", breakingLongWords: false) }
            if let quote = source.quote { add("    ", "“\(quote)”", continuation: "     ") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The note of a response or a progress report, printed on a line of its own.
    static func note(_ body: EventBody) -> String? {
        switch body {
        case .responded(_, let note): note
        case .progress(let note): note
        default: nil
        }
    }

    static func describe(_ body: EventBody) -> String {
        switch body {
        case .announced(let announcement):
            var parts = ["\(announcement.kind.rawValue) by \(announcement.departmentName ?? announcement.department)"]
            if let amount = announcement.amount { parts.append("pledged \(amount.formatted)") }
            if let due = announcement.due { parts.append("due \(due)") }
            if let parent = announcement.parent { parts.append("part of \(parent)") }
            if let madeBy = announcement.madeBy { parts.append("made by \(madeBy)") }
            if let money = announcement.money { parts.append(money.phrase) }
            return parts.joined(separator: ", ")
        case .funded(let amount):
            return "+\(amount.formatted)"
        case .amended(let amendment):
            var parts: [String] = []
            if let amount = amendment.amount { parts.append("pledge now \(amount.formatted)") }
            if let title = amendment.title { parts.append("title now \"\(title)\"") }
            if let due = amendment.due { parts.append("due now \(due)") }
            if let money = amendment.money { parts.append("now \(money.phrase)") }
            return parts.joined(separator: ", ")
        case .legislated(let stage, let bill, let house):
            return "\(bill): \(stage.phrase)" + (house.map { ", \($0.name)" } ?? "")
        case .slipped(let due, let reason):
            return "due now \(due) (\(reason))"
        case .delivered(let note):
            return note ?? ""
        case .withdrawn(let reason, let replacedBy):
            return reason + (replacedBy.map { " (replaced by \($0))" } ?? "")
        case .responded(let response, _):
            return response.phrase
        case .progress:
            return ""
        case .corrected(let retracts, let reason):
            return "retracts \(retracts) (\(reason))"
        }
    }
}
