import LMDB
import LedgerCore

/// The `timeline` projection: each line's state after every distinct effective date, kept equal
/// to a fold of the line's counted events so that `at D` is one seek.
extension EventLog {
    /// Folds `line` again from `from` on: its entries before `from` still hold, so the fold starts
    /// from the last of them and reads only the events dated from `from`.
    func refoldTimeline(_ line: String, from: CivilDate, _ txn: borrowing Transaction) throws {
        let history = try LineHistory.load(line, from: from, txn, layout)
        let base = try Self.timelineRecord(line, before: from, txn, layout).map { try LineStateCodec.decode($0.bytes) } ?? nil
        let prefix = StoreKeys.linePrefix(line)
        try txn.withCursor(layout.timeline) { cursor in
            var entry = try cursor.seek(atOrAfter: StoreKeys.timeline(line, from))
            while let current = entry, StoreKeys.hasPrefix(current.key, prefix) {
                try cursor.deleteCurrent()
                entry = try cursor.seek(atOrAfter: current.key)
            }
        }
        try writeTimeline(line, LineFold.timeline(of: history.events, excluding: history.retracted, startingFrom: base), txn)
    }

    /// Writes timeline entries as they are.
    func writeTimeline(_ line: String, _ points: [(date: CivilDate, state: LineState?)], _ txn: borrowing Transaction) throws {
        for point in points {
            try txn.put(layout.timeline, StoreKeys.timeline(line, point.date), LineStateCodec.encode(point.state))
        }
    }

    /// Applies new events to a line's timeline without reading its history: events dated on or
    /// after its last entry extend it, and backdated `funded` events (which commute with every
    /// other event) add their amounts to the entries from their dates on. Returns false, having
    /// written nothing, when another backdated event needs a fold.
    func extendTimeline(_ line: String, with events: [StoredEvent], _ txn: borrowing Transaction) throws -> Bool {
        let sorted = LineFold.sorted(events)
        let last = try Self.timelineRecord(line, atOrBefore: nil, txn, layout)
        var state = try last.map { try LineStateCodec.decode($0.bytes) } ?? nil
        var forward = sorted.startIndex
        if let lastDate = last?.date {
            // Sorted by date, so the backdated events come first.
            var fundings: [(date: CivilDate, amount: Pence)] = []
            while forward < sorted.endIndex, sorted[forward].event.effective < lastDate {
                guard case .funded(let amount) = sorted[forward].event.body else { return false }
                fundings.append((sorted[forward].event.effective, amount))
                forward += 1
            }
            if !fundings.isEmpty {
                try addFunding(fundings, to: line, txn)
                var fold = LineFold(state: state)
                for funding in fundings { fold.fund(funding.amount, on: funding.date) }
                state = fold.state
            }
        }
        // One entry per date: the state after the last event of that date.
        while forward < sorted.endIndex {
            let date = sorted[forward].event.effective
            var fold = LineFold(state: state)
            while forward < sorted.endIndex, sorted[forward].event.effective == date {
                fold.apply(sorted[forward].event)
                forward += 1
            }
            state = fold.state
            try txn.put(layout.timeline, StoreKeys.timeline(line, date), LineStateCodec.encode(state))
        }
        return true
    }

    /// Adds backdated fundings (in date order) to the entries of `line` from their dates on, first
    /// starting an entry on each date that has none from the entry before it. The records are
    /// patched in place, in one pass, rather than decoded and encoded again.
    private func addFunding(_ fundings: [(date: CivilDate, amount: Pence)], to line: String, _ txn: borrowing Transaction) throws {
        guard let first = fundings.first?.date else { return }
        let prefix = StoreKeys.linePrefix(line)
        var before = try Self.timelineRecord(line, before: first, txn, layout)?.bytes ?? []
        var inserts: [(date: CivilDate, bytes: [UInt8])] = []
        var next = 0
        var added = Pence.zero
        var latest = first
        // Takes in the fundings dated up to `date`, starting an entry for each date before it.
        func advance(through date: CivilDate?, from previous: [UInt8]) throws {
            while next < fundings.count, date.map({ fundings[next].date <= $0 }) ?? true {
                let day = fundings[next].date
                while next < fundings.count, fundings[next].date == day {
                    added += fundings[next].amount
                    next += 1
                }
                latest = day
                if day != date { inserts.append((day, try LineStateCodec.addingFunding(added, through: day, to: previous))) }
            }
        }
        try txn.withCursor(layout.timeline) { cursor in
            var entry = try cursor.seek(atOrAfter: StoreKeys.timeline(line, first))
            while let current = entry, StoreKeys.hasPrefix(current.key, prefix) {
                guard let date = StoreKeys.date(fromLineKey: current.key, line: line) else {
                    throw StoreError.corrupted("a timeline key of \(line) is damaged")
                }
                try advance(through: date, from: before)
                if !current.value.isEmpty {
                    try cursor.replaceCurrent(key: current.key, value: LineStateCodec.addingFunding(added, through: latest, to: current.value))
                }
                before = current.value
                entry = try cursor.next()
            }
        }
        try advance(through: nil, from: before)
        for insert in inserts {
            try txn.put(layout.timeline, StoreKeys.timeline(line, insert.date), insert.bytes)
        }
    }

    /// The timeline entry of `line` at or before `date` (the last entry when nil).
    func timelineEntry(
        _ line: String, atOrBefore date: CivilDate?, _ txn: borrowing Transaction
    ) throws -> (date: CivilDate, state: LineState?)? {
        guard let record = try Self.timelineRecord(line, atOrBefore: date, txn, layout) else { return nil }
        return (record.date, try LineStateCodec.decode(record.bytes))
    }

    /// The raw timeline record of `line` at or before `date` (the last one when nil).
    static func timelineRecord(
        _ line: String, atOrBefore date: CivilDate?, _ txn: borrowing Transaction, _ layout: StoreLayout
    ) throws -> (date: CivilDate, bytes: [UInt8])? {
        let prefix = StoreKeys.linePrefix(line)
        let key = date.map { StoreKeys.timeline(line, $0) } ?? prefix + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        let entry = try txn.withCursor(layout.timeline) { cursor in try cursor.seek(atOrBefore: key) }
        return record(entry, line: line, prefix: prefix)
    }

    /// The state of `line` at the end of `date` through an open cursor on `timeline`: one seek.
    static func timelineState(_ line: String, at date: CivilDate, _ cursor: inout Cursor) throws -> LineState? {
        let prefix = StoreKeys.linePrefix(line)
        guard let found = record(try cursor.seek(atOrBefore: StoreKeys.timeline(line, date)), line: line, prefix: prefix) else {
            return nil
        }
        return try LineStateCodec.decode(found.bytes)
    }

    /// The raw timeline record of `line` strictly before `date`.
    static func timelineRecord(
        _ line: String, before date: CivilDate, _ txn: borrowing Transaction, _ layout: StoreLayout
    ) throws -> (date: CivilDate, bytes: [UInt8])? {
        let entry = try txn.withCursor(layout.timeline) { cursor in try cursor.seek(before: StoreKeys.timeline(line, date)) }
        return record(entry, line: line, prefix: StoreKeys.linePrefix(line))
    }

    private static func record(_ entry: Cursor.Entry?, line: String, prefix: [UInt8]) -> (date: CivilDate, bytes: [UInt8])? {
        guard let entry, StoreKeys.hasPrefix(entry.key, prefix),
              let date = StoreKeys.date(fromLineKey: entry.key, line: line)
        else { return nil }
        return (date, entry.value)
    }
}
