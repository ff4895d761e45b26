import LMDB
import LedgerCore

/// The timeline projection, in `line_index` after each line's events: the line's state after
/// every distinct effective date, newest first, kept equal to a fold of the line's counted events
/// but those in the late funding sums (`LateFunding`), so that `at D` is one seek and the late sum through D.
extension EventLog {
    /// Folds `line` again from `from` on: its entries before `from` still hold, so the fold starts
    /// from the last of them and reads only the events dated from `from`.
    func refoldTimeline(_ line: String, from: CivilDate, _ txn: borrowing Transaction) throws {
        let history = try LineHistory.load(line, from: from, txn, layout)
        let base = try Self.timelineRecord(line, before: from, txn, layout).map { try LineStateCodec.decode($0.bytes, line: line) } ?? nil
        // Newest first: the entries dated from `from` on run from the start of the timeline to `from`'s key.
        let prefix = StoreKeys.timelinePrefix(line)
        let last = StoreKeys.timeline(line, from)
        try txn.withCursor(layout.lineIndex) { cursor in
            var entry = try cursor.seek(atOrAfter: prefix)
            while let current = entry, StoreKeys.hasPrefix(current.key, prefix), !last.lexicographicallyPrecedes(current.key) {
                try cursor.deleteCurrent()
                entry = try cursor.seek(atOrAfter: current.key)
            }
        }
        // Late amounts stay in the late funding sums: the entries leave them out.
        let excluded = history.retracted.union(history.late)
        try writeTimeline(line, LineFold.timeline(of: history.events, excluding: excluded, startingFrom: base), txn)
    }

    /// Writes timeline entries as they are.
    func writeTimeline(_ line: String, _ points: [(date: CivilDate, state: LineState?)], _ txn: borrowing Transaction) throws {
        for point in points {
            try txn.put(layout.lineIndex, StoreKeys.timeline(line, point.date), LineStateCodec.encode(point.state))
        }
    }

    /// Applies new events to a line's timeline without reading its history: events dated on or
    /// after its last entry extend it. Returns false, having written nothing, when one is dated
    /// before it and the line needs a fold. (`events` holds no late `funded` event: those are in
    /// the late funding sums, and a `funded` event that is not late is dated on or after every event
    /// appended before it.)
    func extendTimeline(_ line: String, with events: [StoredEvent], _ txn: borrowing Transaction) throws -> Bool {
        let sorted = LineFold.sorted(events)
        let last = try Self.timelineRecord(line, atOrBefore: nil, txn, layout)
        var state = try last.map { try LineStateCodec.decode($0.bytes, line: line) } ?? nil
        // Sorted by date, so a backdated event comes first.
        if let lastDate = last?.date, let first = sorted.first, first.event.effective < lastDate { return false }
        var forward = sorted.startIndex
        // One entry per date: the state after the last event of that date.
        while forward < sorted.endIndex {
            let date = sorted[forward].event.effective
            var fold = LineFold(state: state)
            while forward < sorted.endIndex, sorted[forward].event.effective == date {
                fold.apply(sorted[forward].event)
                forward += 1
            }
            state = fold.state
            try txn.put(layout.lineIndex, StoreKeys.timeline(line, date), LineStateCodec.encode(state))
        }
        return true
    }

    /// The timeline entry of `line` at or before `date` (the last entry when nil).
    func timelineEntry(
        _ line: String, atOrBefore date: CivilDate?, _ txn: borrowing Transaction
    ) throws -> (date: CivilDate, state: LineState?)? {
        guard let record = try Self.timelineRecord(line, atOrBefore: date, txn, layout) else { return nil }
        return (record.date, try LineStateCodec.decode(record.bytes, line: line))
    }

    /// The raw timeline record of `line` at or before `date` (the last one when nil).
    static func timelineRecord(
        _ line: String, atOrBefore date: CivilDate?, _ txn: borrowing Transaction, _ layout: StoreLayout
    ) throws -> (date: CivilDate, bytes: [UInt8])? {
        // Newest first: the first entry at or after the date's key is the last one dated on or before it.
        let key = date.map { StoreKeys.timeline(line, $0) } ?? StoreKeys.timelinePrefix(line)
        let entry = try txn.withCursor(layout.lineIndex) { cursor in try cursor.seek(atOrAfter: key) }
        return record(entry, line: line)
    }

    /// The state of `line` at the end of `date` through an open cursor on `line_index`: one seek.
    /// The entry is decoded in place in the map, nothing copied out first.
    static func timelineState(_ line: String, at date: CivilDate, _ cursor: inout Cursor) throws -> LineState? {
        let key = StoreKeys.timeline(line, date)
        // The line's timeline keys are its prefix and a day: the first key at or after `key` is
        // the entry wanted if it has the same length and prefix, else the line has none by then.
        let prefixCount = key.count - 4
        var state: LineState?
        var damage: StoreError?
        try cursor.visit(from: key) { found, value in
            guard found.count == key.count, StoreKeys.hasPrefix(found, key, count: prefixCount) else { return false }
            do throws(StoreError) {
                state = try LineStateCodec.decode(value, line: line)
            } catch {
                damage = error
            }
            return false
        }
        if let damage { throw damage }
        return state
    }

    /// The raw timeline record of `line` strictly before `date`.
    static func timelineRecord(
        _ line: String, before date: CivilDate, _ txn: borrowing Transaction, _ layout: StoreLayout
    ) throws -> (date: CivilDate, bytes: [UInt8])? {
        // The day before `date` (day numbers start far above zero, so there is one).
        let key = StoreKeys.timeline(line, dayNumber: StoreKeys.dayNumber(date) - 1)
        let entry = try txn.withCursor(layout.lineIndex) { cursor in try cursor.seek(atOrAfter: key) }
        return record(entry, line: line)
    }

    private static func record(_ entry: Cursor.Entry?, line: String) -> (date: CivilDate, bytes: [UInt8])? {
        guard let entry, StoreKeys.hasPrefix(entry.key, StoreKeys.timelinePrefix(line)),
              let date = StoreKeys.date(fromTimelineKey: entry.key, line: line)
        else { return nil }
        return (date, entry.value)
    }
}
