import LMDB
import LedgerCore

/// One event of a batch, checked for shape and ready for the ledger's rules.
public struct PendingEvent: Sendable {
    /// The object as given, without the ledger's fields.
    public var input: JSONObject {
        didSet { canonical = nil }
    }
    /// The decoded event, with its id.
    public var event: LedgerEvent
    /// SHA-256 of its content with the id and without seq and recorded.
    public var contentDigest: [UInt8]
    /// The input encoded once, and the id it was encoded for: the stored bytes are cut from it.
    private var canonical: (encoding: CanonicalEvent, id: String)?

    /// Decodes and checks the shape of one input event.
    public init(_ value: JSONValue, today: CivilDate) throws(ValidationError) {
        guard case .object(let object) = value, let encoding = CanonicalEvent(input: object) else {
            event = try EventDecoder(today: today).decode(value)
            guard case .object(let object) = value else {
                throw ValidationError(.notAnObject, "an event must be a JSON object")
            }
            input = object
            contentDigest = EventRecord.contentDigest(input: object, id: event.id)
            return
        }
        event = try EventDecoder(today: today).decode(object, canonicalInput: encoding.inputBytes)
        input = object
        contentDigest = EventRecord.digest(encoding.content(id: event.id))
        canonical = (encoding, event.id)
    }

    /// The canonical bytes of the event once placed at `seq` and `recorded`.
    func storedBytes(seq: UInt64, recorded: Timestamp) -> [UInt8] {
        if let canonical, canonical.id == event.id {
            return canonical.encoding.stored(id: event.id, seq: seq, recorded: recorded)
        }
        return EventRecord.canonicalBytes(input: input, id: event.id, seq: seq, recorded: recorded)
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
        if batches.count == 1 {
            // Alone in its commit, a batch that breaks a rule undoes the whole transaction: the
            // same outcome without a nested one, whose own page lists LMDB would merge on commit.
            do {
                return [.success(try append(batches[0], now: now))]
            } catch let error as ValidationError {
                return [.failure(error)]
            }
        }
        return try write { txn in
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
        var lateness = Lateness()
        for (index, item) in pending.enumerated() {
            try facts.prefetch(item.event, txn, layout)
            let verdict: AppendRules.Verdict
            do {
                verdict = try AppendRules.check(item.event, contentDigest: IDRecord.stored(item.contentDigest), against: facts)
            } catch let error as ValidationError {
                throw error.at(index: index)
            }
            if verdict == .duplicate {
                report.duplicates += 1
                continue
            }
            let seq = head.seq + 1
            let recorded = max(now, head.recorded)
            let canonical = item.storedBytes(seq: seq, recorded: recorded)
            let hash = EventRecord.chainHash(previous: head.hash, canonical: canonical)
            let stored = StoredEvent(seq: seq, recorded: recorded, event: item.event)
            let late = try lateness.isLate(item.event) { line in try Self.latestEffective(of: line, txn, layout) }
            let retraction = try store(stored, canonical: canonical, hash: hash, contentDigest: item.contentDigest, isLate: late, txn)
            facts.record(stored, contentDigest: item.contentDigest, isLate: late, retraction: retraction)
            head = ChainHead(seq: seq, hash: hash, recorded: recorded)
            report.appended += 1
            report.firstSeq = report.firstSeq ?? seq
            report.lastSeq = seq
        }
        guard report.appended > 0 else { return report }
        try updateTimelines(facts.changes, txn)
        try txn.put(layout.meta, ChainHead.key, head.bytes)
        return report
    }

    /// Writes one event and its index entries; returns what it retracts, if anything.
    private func store(
        _ stored: StoredEvent, canonical: [UInt8], hash: [UInt8], contentDigest: [UInt8], isLate: Bool,
        _ txn: borrowing Transaction
    ) throws -> Retraction? {
        try txn.put(layout.events, StoreKeys.seq(stored.seq), reserving: hash.count + canonical.count, append: true) { value in
            hash.withUnsafeBytes { value.copyMemory(from: $0) }
            canonical.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: value[hash.count...]).copyMemory(from: $0) }
        }
        return try index(stored, contentDigest: contentDigest, isLate: isLate, txn)
    }
}
