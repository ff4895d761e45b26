import LMDB
import LedgerCore

/// The derived databases every stored event feeds, written the same way whether the event is
/// being appended or the projections are being rebuilt from the log.
extension EventLog {
    /// The databases derived from the events log: everything but `events` and `meta`.
    var derivedDatabases: [Database] {
        [layout.ids, layout.lineIndex, layout.lines, layout.departmentLines, layout.retractions]
    }

    /// Writes the index entries of one stored event (all but its timeline), and its amount to
    /// the late funding sums when it is a late `funded` event; returns the event it retracts, if it is a
    /// correction.
    func index(_ stored: StoredEvent, contentDigest: [UInt8], isLate: Bool, _ txn: borrowing Transaction) throws -> Retraction? {
        var lineIndex = StoredLineIndex(layout: layout)
        return try index(stored, contentDigest: contentDigest, isLate: isLate, lineIndex: &lineIndex, txn)
    }

    /// `index`, with the event's line event entry and late sums (and a retracted event's) going to `lineIndex`.
    func index<Entries: LineIndexEntries>(
        _ stored: StoredEvent, contentDigest: [UInt8], isLate: Bool, lineIndex: inout Entries, _ txn: borrowing Transaction
    ) throws -> Retraction? {
        let event = stored.event
        let idRecord = IDRecord(seq: stored.seq, contentDigest: contentDigest)
        try txn.put(layout.ids, StoreKeys.id(event.id), idRecord.bytes)
        let record = LineEventRecord(stored, isLate: isLate)
        try lineIndex.add(record, of: stored, txn)
        if isLate, let amount = record.fundedAmount {
            try lineIndex.addLate(amount, count: 1, on: event.effective, line: event.line, txn)
        }
        switch event.body {
        case .announced(let announcement):
            let record = LineRecord(department: announcement.department, announcedOn: event.effective, kind: announcement.kind)
            try txn.put(layout.lines, Array(event.line.utf8), record.bytes)
            try txn.put(layout.departmentLines, StoreKeys.departmentLine(announcement.department, event.line), [])
            return nil
        case .corrected(let retracts, _):
            guard let targetBytes = try txn.get(layout.ids, StoreKeys.id(retracts)) else {
                throw StoreError.corrupted("retracted event \(retracts) vanished")
            }
            let target = try IDRecord(bytes: targetBytes)
            var value = StoreKeys.seq(stored.seq)
            BigEndian.append(UInt64(bitPattern: stored.recorded.millisecondsSinceEpoch), to: &value)
            try txn.put(layout.retractions, StoreKeys.seq(target.seq), value)
            // The line index says so too, so a cut-off query needs no lookup per event.
            let retracted = try Self.storedEvent(seq: target.seq, txn, layout).event
            let record = try lineIndex.retract(retracted, at: stored.recorded, txn)
            if record.isLate, let amount = record.fundedAmount {
                try lineIndex.addLate(Pence(0 &- amount.value), count: -1, on: retracted.event.effective, line: retracted.event.line, txn)
            }
            if retracted.event.type == .announced {
                try txn.delete(layout.lines, Array(retracted.event.line.utf8))
            }
            return Retraction(event: retracted, wasLate: record.isLate)
        default:
            return nil
        }
    }

    /// The latest effective date of any event of `line` (retracted or not), from the last key of
    /// its event entries, just before its timeline: a `funded` event dated before it is late (`LateFunding`).
    static func latestEffective(of line: String, _ txn: borrowing Transaction, _ layout: StoreLayout) throws -> CivilDate? {
        let prefix = StoreKeys.lineEventsPrefix(line)
        let entry = try txn.withCursor(layout.lineIndex) { cursor in try cursor.seek(before: StoreKeys.timelinePrefix(line)) }
        guard let entry, StoreKeys.hasPrefix(entry.key, prefix) else { return nil }
        return StoreKeys.date(fromLineEventKey: entry.key, line: line)
    }

    /// Brings the timelines of the lines `changes` touched up to date.
    func updateTimelines(_ changes: TimelineChanges, _ txn: borrowing Transaction) throws {
        for (line, change) in changes.touched {
            if !changes.needsRefold.contains(line), try extendTimeline(line, with: change.appended, txn) {
                continue
            }
            try refoldTimeline(line, from: change.from, txn)
        }
    }
}

/// What a run of newly stored events changes in the timelines: the lines touched and from when,
/// their new events, and the lines a correction forces to be folded again.
struct TimelineChanges {
    /// What changes in one line's timeline.
    struct Line {
        /// The earliest effective date touched: the timeline changes from there.
        var from: CivilDate
        /// The line's new events, in seq order.
        var appended: [StoredEvent] = []

        /// Notes a change from `date` on.
        mutating func touch(from date: CivilDate) {
            from = min(from, date)
        }

        /// Notes a new event of the line.
        mutating func add(_ stored: StoredEvent) {
            touch(from: stored.event.effective)
            appended.append(stored)
        }
    }

    /// The lines touched, each found with one lookup per event noted.
    private(set) var touched: [String: Line] = [:]
    /// Lines whose timeline must be folded again (a correction touched them).
    private(set) var needsRefold: Set<String> = []

    /// Whether no event has been noted.
    var isEmpty: Bool { touched.isEmpty }

    /// The new events of `line`, in seq order.
    func appended(to line: String) -> [StoredEvent] { touched[line]?.appended ?? [] }

    /// Notes a stored event, and the event it retracts when it is a correction whose line must be
    /// folded again. A late `funded` event changes no timeline entry.
    mutating func note(_ stored: StoredEvent, isLate: Bool, retracting target: (line: String, effective: CivilDate)?) {
        let event = stored.event
        if !isLate {
            // One lookup: the default subscript finds or makes the entry and changes it in place.
            touched[event.line, default: Line(from: event.effective)].add(stored)
        }
        if let target {
            touched[target.line, default: Line(from: target.effective)].touch(from: target.effective)
            needsRefold.insert(target.line)
        }
    }
}

/// What a correction retracts: the event, and whether it was a late `funded` one (whose amount
/// came out of the late funding sums, so no timeline entry changes).
struct Retraction {
    var event: StoredEvent
    var wasLate: Bool
}

/// Which `funded` events are late, in seq order: each line's latest effective date so far, read
/// from the store the first time the line is met and carried forward event by event.
struct Lateness {
    private var latest: [String: CivilDate?] = [:]

    /// Whether `event` (the next in seq order) is late, noting its date for the events after it.
    mutating func isLate(_ event: LedgerEvent, _ read: (String) throws -> CivilDate?) rethrows -> Bool {
        let known = try latest[event.line] ?? read(event.line)
        let late = event.type == .funded && known.map { event.effective < $0 } ?? false
        latest[event.line] = .some(max(known ?? event.effective, event.effective))
        return late
    }
}

/// Where `index` puts a line's event entries and late funding sums: straight into `line_index` as
/// events are appended, or (`LineRebuild`) held until a rebuild writes every line's entries in key order.
protocol LineIndexEntries {
    /// Adds the entry of a newly indexed event.
    mutating func add(_ record: LineEventRecord, of stored: StoredEvent, _ txn: borrowing Transaction) throws
    /// Marks the entry of `target` retracted by a correction recorded at `time`; returns the entry so marked.
    mutating func retract(_ target: StoredEvent, at time: Timestamp, _ txn: borrowing Transaction) throws -> LineEventRecord
    /// Adds a late `funded` amount dated `date` to `line`'s late funding sums, or (`count` -1) takes one out.
    mutating func addLate(_ amount: Pence, count: Int64, on date: CivilDate, line: String, _ txn: borrowing Transaction) throws
}

/// The event entries and late funding sums of `line_index` itself: each written as its event is indexed.
struct StoredLineIndex: LineIndexEntries {
    let layout: StoreLayout

    func add(_ record: LineEventRecord, of stored: StoredEvent, _ txn: borrowing Transaction) throws {
        try txn.put(layout.lineIndex, StoreKeys.lineEvent(stored.event.line, stored.event.effective, stored.seq), record.bytes)
    }

    func retract(_ target: StoredEvent, at time: Timestamp, _ txn: borrowing Transaction) throws -> LineEventRecord {
        let key = StoreKeys.lineEvent(target.event.line, target.event.effective, target.seq)
        guard let bytes = try txn.get(layout.lineIndex, key) else {
            throw StoreError.corrupted("the line index has no entry for retracted event \(target.seq)")
        }
        var record = try LineEventRecord(bytes: bytes)
        record.retractedAt = time
        try txn.put(layout.lineIndex, key, record.bytes)
        return record
    }

    func addLate(_ amount: Pence, count: Int64, on date: CivilDate, line: String, _ txn: borrowing Transaction) throws {
        try LateFunding.add(amount, count: count, on: date, line: line, txn, layout)
    }
}
