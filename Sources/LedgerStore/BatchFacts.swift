import LMDB
import LedgerCore

/// The ledger as a batch being appended sees it: what the store holds, read on demand,
/// overlaid with the batch's own events so far.
struct BatchFacts: LedgerFacts {
    private var lines: [String: AnnouncedLine?] = [:]
    private var events: [String: KnownEvent?] = [:]
    private(set) var histories: [String: LineHistory] = [:]
    /// What the batch's events change in the timelines.
    private(set) var changes = TimelineChanges()
    /// The due date in effect for the event being checked, when the timeline could tell it.
    private var slipBase: (line: String, date: CivilDate, due: DueDate?)?

    func announcedLine(_ slug: String) throws -> AnnouncedLine? { lines[slug] ?? nil }

    func knownEvent(id: String) throws -> KnownEvent? { events[id] ?? nil }

    func dueInEffect(line: String, on date: CivilDate) throws -> DueDate? {
        if let slipBase, slipBase.line == line, slipBase.date == date { return slipBase.due }
        guard let history = histories[line] else { return nil }
        return LineFold.state(of: history.events, through: date, excluding: history.retracted)?.due
    }

    /// Reads from the store whatever the rules will ask about `event`.
    mutating func prefetch(_ event: LedgerEvent, _ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        slipBase = nil
        try loadLine(event.line, txn, layout)
        try loadEvent(event.id, txn, layout)
        switch event.body {
        case .announced(let announcement):
            if let parent = announcement.parent { try loadLine(parent, txn, layout) }
        case .slipped:
            if histories[event.line] == nil, !changes.needsRefold.contains(event.line),
               let due = try dueFromTimeline(event.line, on: event.effective, txn, layout) {
                slipBase = (event.line, event.effective, due)
            } else {
                try loadHistory(event.line, txn, layout)
            }
        case .corrected(let retracts, _):
            try loadEvent(retracts, txn, layout)
        case .withdrawn(_, let replacedBy?):
            try loadLine(replacedBy, txn, layout)
        default:
            break
        }
    }

    private mutating func loadLine(_ slug: String, _ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        guard lines[slug] == nil else { return }
        if let bytes = try txn.get(layout.lines, Array(slug.utf8)) {
            let record = try LineRecord(bytes: bytes)
            lines[slug] = .some(AnnouncedLine(department: record.department, announcedOn: record.announcedOn, kind: record.kind))
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
        // The line and type are the event's own: read only for an id already stored (a re-send,
        // or the event a correction retracts).
        let stored = try EventLog.storedEvent(seq: record.seq, txn, layout).event.event
        events[id] = .some(KnownEvent(
            line: stored.line, type: stored.type, contentDigest: record.contentDigest, isRetracted: retracted
        ))
    }

    /// The due date in effect on `line` at the end of `date` from its persisted timeline and the
    /// batch's own events, without reading its history; nil when the timeline cannot tell because
    /// a batch event falls before the entry it would start from.
    private func dueFromTimeline(
        _ line: String, on date: CivilDate, _ txn: borrowing Transaction, _ layout: StoreLayout
    ) throws -> DueDate?? {
        let record = try EventLog.timelineRecord(line, atOrBefore: date, txn, layout)
        // Funding never moves a due date, so only the batch's other events are folded in.
        let batch = changes.appended(to: line).filter { stored in
            if case .funded = stored.event.body { return false }
            return stored.event.effective <= date
        }
        if let start = record?.date, batch.contains(where: { $0.event.effective < start }) { return nil }
        // The entry holds the fold of every stored event up to its date; the batch's events
        // come after them in (effective, seq) order.
        var fold = LineFold(state: try record.map { try LineStateCodec.decode($0.bytes, line: line) } ?? nil)
        for stored in LineFold.sorted(batch) { fold.apply(stored.event) }
        return .some(fold.state?.due)
    }

    private mutating func loadHistory(_ line: String, _ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        guard histories[line] == nil else { return }
        histories[line] = try LineHistory.load(line, txn, layout)
    }

    /// Takes an appended event into the overlay.
    mutating func record(_ stored: StoredEvent, contentDigest: [UInt8], isLate: Bool, retraction: Retraction?) {
        let event = stored.event
        let retractedEvent = retraction?.event
        events[event.id] = .some(KnownEvent(line: event.line, type: event.type, contentDigest: IDRecord.stored(contentDigest), isRetracted: false))
        histories[event.line]?.events.append(stored)
        // Retracting a late amount only takes it out of the late funding sums: no timeline entry held it.
        let refold = retraction.flatMap { $0.wasLate ? nil : ($0.event.event.line, $0.event.event.effective) }
        changes.note(stored, isLate: isLate, retracting: refold)
        if case .announced(let announcement) = event.body {
            lines[event.line] = .some(AnnouncedLine(department: announcement.department, announcedOn: event.effective, kind: announcement.kind))
        }
        if let retractedEvent {
            let target = retractedEvent.event
            if var known = events[target.id] ?? nil {
                known.isRetracted = true
                events[target.id] = .some(known)
            }
            histories[target.line]?.retractedAt[target.id] = stored.recorded
            if target.type == .announced { lines[target.line] = .some(nil) }
        }
    }

}
