import LMDB
import LedgerCore

/// What rebuilding the projections read and made.
public struct RebuildReport: Sendable, Hashable {
    /// Events read from the log.
    public var events: Int
    /// Distinct lines those events are about.
    public var lines: Int

    /// A report with the given figures.
    public init(events: Int, lines: Int) {
        self.events = events
        self.lines = lines
    }
}

extension EventLog {
    /// Events indexed between timeline updates: bounds what is held in memory, while keeping the
    /// lines' timelines to one update per line per run of events.
    static let rebuildRun = 20_000

    /// Empties every derived database (ids, line events, timeline, lines, department lines,
    /// retractions) and derives them again from the events log alone, through the same code that
    /// writes them on append. One write transaction: readers see the old projections or the new,
    /// never a half-built one, and a failure leaves the store as it was.
    public func rebuildProjections() throws -> RebuildReport {
        try write { txn in
            for database in derivedDatabases { try txn.empty(database) }
            var report = RebuildReport(events: 0, lines: 0)
            var lines = Set<String>()
            var next: UInt64 = 1
            while true {
                let run: [Cursor.Entry] = try txn.withCursor(layout.events) { cursor in
                    var entries: [Cursor.Entry] = []
                    entries.reserveCapacity(Self.rebuildRun)
                    var entry = try cursor.seek(atOrAfter: StoreKeys.seq(next))
                    while let current = entry, entries.count < Self.rebuildRun {
                        entries.append(current)
                        entry = try cursor.next()
                    }
                    return entries
                }
                guard !run.isEmpty else { break }
                var changes = TimelineChanges()
                for entry in run {
                    guard entry.key.count == 8, BigEndian.uint64(entry.key) == next else {
                        throw StoreError.corrupted("the events log has no event \(next)")
                    }
                    let (stored, contentDigest) = try Self.storedEventWithDigest(entry.value, seq: next)
                    var retracted: (line: String, effective: CivilDate)?
                    if let target = try index(stored, contentDigest: contentDigest, txn) {
                        retracted = try (target.line, Self.storedEvent(seq: target.seq, txn, layout).event.event.effective)
                    }
                    changes.note(stored, retracting: retracted)
                    next += 1
                }
                try updateTimelines(changes, txn)
                lines.formUnion(changes.touched.keys)
                report.events += run.count
            }
            report.lines = lines.count
            return report
        }
    }

    /// Decodes a stored event and the digest of its content, as append computed it.
    private static func storedEventWithDigest(_ value: [UInt8], seq: UInt64) throws -> (StoredEvent, [UInt8]) {
        guard value.count > 32 else { throw StoreError.corrupted("event \(seq) is damaged") }
        do {
            let decoded = try EventRecord.decodeWithContentDigest(Array(value[32...]))
            guard decoded.stored.seq == seq else { throw StoreError.corrupted("event \(seq) says it is \(decoded.stored.seq)") }
            return decoded
        } catch let error as ValidationError {
            throw StoreError.corrupted("event \(seq) does not decode: \(error)")
        }
    }
}
