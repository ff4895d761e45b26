import LMDB
import LedgerCore

/// One event of a batch, checked for shape and ready for the ledger's rules.
public struct PendingEvent: Sendable {
    /// The object as given, without the ledger's fields.
    public var input: JSONObject
    /// The decoded event, with its id.
    public var event: LedgerEvent
    /// SHA-256 of its content with the id and without seq and recorded.
    public var contentDigest: [UInt8]

    /// Decodes and checks the shape of one input event.
    public init(_ value: JSONValue, today: CivilDate) throws(ValidationError) {
        event = try EventDecoder(today: today).decode(value)
        guard case .object(let object) = value else {
            throw ValidationError(.notAnObject, "an event must be a JSON object")
        }
        input = object
        contentDigest = EventRecord.contentDigest(input: object, id: event.id)
    }

    /// Decodes a batch, refusing it at the first event whose shape is wrong (the error carries its index).
    public static func batch(_ values: [JSONValue], today: CivilDate) throws(ValidationError) -> [PendingEvent] {
        var pending: [PendingEvent] = []
        pending.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            do {
                pending.append(try PendingEvent(value, today: today))
            } catch {
                throw error.at(index: index)
            }
        }
        return pending
    }
}

extension EventLog {
    /// Appends a batch atomically: every event is stored, or none and the error names the first
    /// event (by its index) that breaks a rule. Identical re-sends are counted as duplicates.
    public func append(_ values: [JSONValue], now: Timestamp) throws -> AppendReport {
        try append(PendingEvent.batch(values, today: now.londonDate), now: now)
    }

    /// Appends events already checked for shape, atomically.
    public func append(_ pending: [PendingEvent], now: Timestamp) throws -> AppendReport {
        try write { txn in try appendBatch(pending, now: now, txn) }
    }

    /// Appends several batches in one durable commit (group commit). Each batch is atomic on
    /// its own: one that breaks a rule is undone alone and gets its `ValidationError`, the others
    /// are stored. A storage failure (such as `storage_full`) fails the whole group and stores nothing.
    public func appendGroup(_ batches: [[PendingEvent]], now: Timestamp) throws -> [Result<AppendReport, ValidationError>] {
        try write { txn in
            var results: [Result<AppendReport, ValidationError>] = []
            results.reserveCapacity(batches.count)
            for batch in batches {
                do {
                    let report = try txn.nested { child in try appendBatch(batch, now: now, child) }
                    results.append(.success(report))
                } catch let error as ValidationError {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    private func appendBatch(_ pending: [PendingEvent], now: Timestamp, _ txn: borrowing Transaction) throws -> AppendReport {
        var facts = BatchFacts()
        var head = try Self.head(txn, layout)
        var report = AppendReport(appended: 0, duplicates: 0, firstSeq: nil, lastSeq: nil)
        for (index, item) in pending.enumerated() {
            try facts.prefetch(item.event, txn, layout)
            let verdict: AppendRules.Verdict
            do {
                verdict = try AppendRules.check(item.event, contentDigest: item.contentDigest, against: facts)
            } catch let error as ValidationError {
                throw error.at(index: index)
            }
            if verdict == .duplicate {
                report.duplicates += 1
                continue
            }
            let seq = head.seq + 1
            let recorded = max(now, head.recorded)
            let canonical = EventRecord.canonicalBytes(input: item.input, id: item.event.id, seq: seq, recorded: recorded)
            let hash = EventRecord.chainHash(previous: head.hash, canonical: canonical)
            let stored = StoredEvent(seq: seq, recorded: recorded, event: item.event)
            let retracted = try store(stored, canonical: canonical, hash: hash, contentDigest: item.contentDigest, txn)
            facts.record(stored, contentDigest: item.contentDigest, retractedEvent: retracted)
            head = ChainHead(seq: seq, hash: hash, recorded: recorded)
            report.appended += 1
            report.firstSeq = report.firstSeq ?? seq
            report.lastSeq = seq
        }
        guard report.appended > 0 else { return report }
        for (line, from) in facts.touched {
            if !facts.needsRefold.contains(line),
               try extendTimeline(line, with: facts.appended[line] ?? [], txn) {
                continue
            }
            try facts.loadHistory(line, txn, layout)
            if let history = facts.histories[line] {
                try rewriteTimeline(line, history, from: from, txn)
            }
        }
        try txn.put(layout.meta, ChainHead.key, head.bytes)
        return report
    }

    /// Writes one event and its index entries; returns the event it retracts, if any.
    private func store(
        _ stored: StoredEvent, canonical: [UInt8], hash: [UInt8], contentDigest: [UInt8],
        _ txn: borrowing Transaction
    ) throws -> StoredEvent? {
        let event = stored.event
        try txn.put(layout.events, StoreKeys.seq(stored.seq), hash + canonical, append: true)
        let idRecord = IDRecord(seq: stored.seq, contentDigest: contentDigest, type: event.type, line: event.line)
        try txn.put(layout.ids, StoreKeys.id(event.id), idRecord.bytes)
        var indexValue = BigEndian.bytes(UInt64(bitPattern: stored.recorded.millisecondsSinceEpoch))
        indexValue += Array(event.type.rawValue.utf8)
        try txn.put(layout.lineEvents, StoreKeys.lineEvent(event.line, event.effective, stored.seq), indexValue)
        switch event.body {
        case .announced(let announcement):
            let record = LineRecord(department: announcement.department, announcedOn: event.effective)
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
            let targetEvent = try Self.storedEvent(seq: target.seq, txn, layout).event
            if target.type == .announced {
                try txn.delete(layout.lines, Array(target.line.utf8))
            }
            return targetEvent
        default:
            return nil
        }
    }

    /// Replaces a line's timeline entries from `from` on with states folded from its history.
    private func rewriteTimeline(_ line: String, _ history: LineHistory, from: CivilDate, _ txn: borrowing Transaction) throws {
        let prefix = StoreKeys.linePrefix(line)
        try txn.withCursor(layout.timeline) { cursor in
            var entry = try cursor.seek(atOrAfter: StoreKeys.timeline(line, from))
            while let current = entry, StoreKeys.hasPrefix(current.key, prefix) {
                try cursor.deleteCurrent()
                entry = try cursor.seek(atOrAfter: current.key)
            }
        }
        for point in LineFold.timeline(of: history.events, excluding: history.retracted) where point.date >= from {
            try txn.put(layout.timeline, StoreKeys.timeline(line, point.date), LineStateCodec.encode(point.state))
        }
    }

    /// Applies new events to a line's timeline without reading its history: events dated on or
    /// after its last entry extend it, and a backdated `funded` event (which commutes with every
    /// other event) adds its amount to the entries from its date on. Returns false, having
    /// written nothing, when another backdated event needs a full fold.
    private func extendTimeline(_ line: String, with events: [StoredEvent], _ txn: borrowing Transaction) throws -> Bool {
        let sorted = LineFold.sorted(events)
        var last = try timelineEntry(line, atOrBefore: nil, txn)
        if let lastDate = last?.date {
            let allCommute = sorted.allSatisfy { stored in
                if stored.event.effective >= lastDate { return true }
                if case .funded = stored.event.body { return true }
                return false
            }
            guard allCommute else { return false }
        }
        for stored in sorted {
            let effective = stored.event.effective
            if let current = last, effective < current.date {
                guard case .funded(let amount) = stored.event.body else { return false }
                try addFunding(amount, to: line, from: effective, txn)
                if let latest = last?.state {
                    var updated = latest
                    updated.funded += amount
                    last = (current.date, updated)
                }
                continue
            }
            var fold = LineFold(state: last?.state)
            fold.apply(stored.event)
            try txn.put(layout.timeline, StoreKeys.timeline(line, effective), LineStateCodec.encode(fold.state))
            last = (effective, fold.state)
        }
        return true
    }

    /// Adds a backdated funding to every timeline entry of `line` from `date` on, first
    /// starting an entry on `date` from the state before it.
    private func addFunding(_ amount: Pence, to line: String, from date: CivilDate, _ txn: borrowing Transaction) throws {
        if try timelineEntry(line, atOrBefore: date, txn)?.date != date {
            let before = try timelineEntry(line, atOrBefore: date.adding(days: -1), txn)
            try txn.put(layout.timeline, StoreKeys.timeline(line, date), LineStateCodec.encode(before?.state))
        }
        let prefix = StoreKeys.linePrefix(line)
        var updates: [(key: [UInt8], state: LineState)] = []
        try txn.withCursor(layout.timeline) { cursor in
            var entry = try cursor.seek(atOrAfter: StoreKeys.timeline(line, date))
            while let current = entry, StoreKeys.hasPrefix(current.key, prefix) {
                if var state = try LineStateCodec.decode(current.value) {
                    state.funded += amount
                    updates.append((current.key, state))
                }
                entry = try cursor.next()
            }
        }
        for update in updates {
            try txn.put(layout.timeline, update.key, LineStateCodec.encode(update.state))
        }
    }

    /// The timeline entry of `line` at or before `date` (the last entry when nil).
    func timelineEntry(
        _ line: String, atOrBefore date: CivilDate?, _ txn: borrowing Transaction
    ) throws -> (date: CivilDate, state: LineState?)? {
        let prefix = StoreKeys.linePrefix(line)
        let key = date.map { StoreKeys.timeline(line, $0) } ?? prefix + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        let entry = try txn.withCursor(layout.timeline) { cursor in try cursor.seek(atOrBefore: key) }
        guard let entry, StoreKeys.hasPrefix(entry.key, prefix),
              let entryDate = StoreKeys.date(fromLineKey: entry.key, line: line)
        else { return nil }
        return (entryDate, try LineStateCodec.decode(entry.value))
    }
}
