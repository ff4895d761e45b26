import LMDB
import LedgerCore

/// The ledger as a batch being appended sees it: what the store holds, read on demand,
/// overlaid with the batch's own events so far.
struct BatchFacts: LedgerFacts {
    private var lines: [String: AnnouncedLine?] = [:]
    private var events: [String: KnownEvent?] = [:]
    private(set) var histories: [String: LineHistory] = [:]
    /// The earliest effective date touched per line: its timeline changes from there.
    private(set) var touched: [String: CivilDate] = [:]
    /// The batch's new events, per line.
    private(set) var appended: [String: [StoredEvent]] = [:]
    /// Lines whose timeline must be folded again from their whole history (a correction touched them).
    private(set) var needsRefold: Set<String> = []

    func announcedLine(_ slug: String) throws -> AnnouncedLine? { lines[slug] ?? nil }

    func knownEvent(id: String) throws -> KnownEvent? { events[id] ?? nil }

    func dueInEffect(line: String, on date: CivilDate) throws -> DueDate? {
        guard let history = histories[line] else { return nil }
        return LineFold.state(of: history.events, through: date, excluding: history.retracted)?.due
    }

    /// Reads from the store whatever the rules will ask about `event`.
    mutating func prefetch(_ event: LedgerEvent, _ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        try loadLine(event.line, txn, layout)
        try loadEvent(event.id, txn, layout)
        switch event.body {
        case .announced(let announcement):
            if let parent = announcement.parent { try loadLine(parent, txn, layout) }
        case .slipped:
            try loadHistory(event.line, txn, layout)
        case .corrected(let retracts, _):
            try loadEvent(retracts, txn, layout)
        default:
            break
        }
    }

    private mutating func loadLine(_ slug: String, _ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        guard lines[slug] == nil else { return }
        if let bytes = try txn.get(layout.lines, Array(slug.utf8)) {
            let record = try LineRecord(bytes: bytes)
            lines[slug] = .some(AnnouncedLine(department: record.department, announcedOn: record.announcedOn))
        } else {
            lines[slug] = .some(nil)
        }
    }

    private mutating func loadEvent(_ id: String, _ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        guard events[id] == nil else { return }
        guard let bytes = try txn.get(layout.ids, StoreKeys.id(id)) else {
            events[id] = .some(nil)
            return
        }
        let record = try IDRecord(bytes: bytes)
        let retracted = try txn.contains(layout.retractions, StoreKeys.seq(record.seq))
        events[id] = .some(KnownEvent(
            line: record.line, type: record.type, contentDigest: record.contentDigest, isRetracted: retracted
        ))
    }

    mutating func loadHistory(_ line: String, _ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        guard histories[line] == nil else { return }
        histories[line] = try LineHistory.load(line, txn, layout)
    }

    /// Takes an appended event into the overlay.
    mutating func record(_ stored: StoredEvent, contentDigest: [UInt8], retractedEvent: StoredEvent?) {
        let event = stored.event
        events[event.id] = .some(KnownEvent(line: event.line, type: event.type, contentDigest: contentDigest, isRetracted: false))
        histories[event.line]?.events.append(stored)
        appended[event.line, default: []].append(stored)
        markTouched(event.line, from: event.effective)
        if case .announced(let announcement) = event.body {
            lines[event.line] = .some(AnnouncedLine(department: announcement.department, announcedOn: event.effective))
        }
        if let retractedEvent {
            let target = retractedEvent.event
            if var known = events[target.id] ?? nil {
                known.isRetracted = true
                events[target.id] = .some(known)
            }
            histories[target.line]?.retractedAt[target.id] = stored.recorded
            markTouched(target.line, from: target.effective)
            needsRefold.insert(target.line)
            if target.type == .announced { lines[target.line] = .some(nil) }
        }
    }

    private mutating func markTouched(_ line: String, from date: CivilDate) {
        touched[line] = min(touched[line] ?? date, date)
    }
}
