import LMDB
import LedgerCore

/// The derived databases every stored event feeds, written the same way whether the event is
/// being appended or the projections are being rebuilt from the log.
extension EventLog {
    /// The databases derived from the events log: everything but `events` and `meta`.
    var derivedDatabases: [Database] {
        [layout.ids, layout.lineEvents, layout.timeline, layout.lines, layout.departmentLines, layout.retractions]
    }

    /// Writes the index entries of one stored event (all but its timeline); returns the event it
    /// retracts, if it is a correction.
    func index(_ stored: StoredEvent, contentDigest: [UInt8], _ txn: borrowing Transaction) throws -> StoredEvent? {
        let event = stored.event
        let idRecord = IDRecord(seq: stored.seq, contentDigest: contentDigest, type: event.type, line: event.line)
        try txn.put(layout.ids, StoreKeys.id(event.id), idRecord.bytes)
        try txn.put(layout.lineEvents, StoreKeys.lineEvent(event.line, event.effective, stored.seq), LineEventRecord(stored).bytes)
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
            var record = LineEventRecord(retracted)
            record.retractedAt = stored.recorded
            try txn.put(
                layout.lineEvents, StoreKeys.lineEvent(retracted.event.line, retracted.event.effective, target.seq), record.bytes
            )
            if target.type == .announced {
                try txn.delete(layout.lines, Array(target.line.utf8))
            }
            return retracted
        default:
            return nil
        }
    }

    /// Brings the timelines of the lines `changes` touched up to date.
    func updateTimelines(_ changes: TimelineChanges, _ txn: borrowing Transaction) throws {
        for (line, from) in changes.touched {
            if !changes.needsRefold.contains(line),
               try extendTimeline(line, with: changes.appended[line] ?? [], txn) {
                continue
            }
            try refoldTimeline(line, from: from, txn)
        }
    }
}

/// What a run of newly stored events changes in the timelines: the lines touched and from when,
/// their new events, and the lines a correction forces to be folded again.
struct TimelineChanges {
    /// The earliest effective date touched per line: its timeline changes from there.
    private(set) var touched: [String: CivilDate] = [:]
    /// The new events, per line.
    private(set) var appended: [String: [StoredEvent]] = [:]
    /// Lines whose timeline must be folded again (a correction touched them).
    private(set) var needsRefold: Set<String> = []

    /// Whether no event has been noted.
    var isEmpty: Bool { touched.isEmpty }

    /// Notes a stored event, and the event it retracts when it is a correction.
    mutating func note(_ stored: StoredEvent, retracting target: (line: String, effective: CivilDate)?) {
        let event = stored.event
        appended[event.line, default: []].append(stored)
        markTouched(event.line, from: event.effective)
        if let target {
            markTouched(target.line, from: target.effective)
            needsRefold.insert(target.line)
        }
    }

    private mutating func markTouched(_ line: String, from date: CivilDate) {
        touched[line] = min(touched[line] ?? date, date)
    }
}
