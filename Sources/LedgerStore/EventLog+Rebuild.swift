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
    /// Events read from the log and decoded together: small enough to hold a few runs in memory,
    /// large enough that handing a run between threads costs little.
    static let rebuildRun = 4_096

    /// Empties every derived database (ids, line index, lines, department lines, retractions)
    /// and derives them again from the events log alone, through the same code that
    /// writes them on append. One write transaction: readers see the old projections or the new,
    /// never a half-built one, and a failure leaves the store as it was.
    ///
    /// Decoding is pure, so it runs on other threads, a run of events ahead, while this thread
    /// (the transaction's) writes the index entries of the run before. Each line's `line_index`
    /// entries (its late funding sums, its events and its timeline) are written at the end, line
    /// by line in key order (`LineRebuild`), rather than as the events arrive.
    public func rebuildProjections() throws -> RebuildReport {
        try write { txn in
            for database in derivedDatabases { try txn.empty(database) }
            var events = 0
            var lines = LineRebuild()
            // Every derived database starts empty: each line's dates are all met here, in seq order.
            var lateness = Lateness()
            var next: UInt64 = 1
            var pending = try Self.readRun(from: next, txn, layout).map(DecodingRun.init)
            while let run = pending {
                next = run.firstSeq + UInt64(run.count)
                // Read the following run before waiting, so its decoding starts as soon as this one's ends.
                let following = try run.gap == nil ? Self.readRun(from: next, txn, layout) : nil
                let decoded = run.wait()
                pending = following.map(DecodingRun.init)
                for part in decoded {
                    for item in part {
                        let (stored, contentDigest) = try item.get()
                        let late = lateness.isLate(stored.event) { _ in nil }
                        _ = try index(stored, contentDigest: contentDigest, isLate: late, lineIndex: &lines, txn)
                    }
                }
                events += run.count
                if let gap = run.gap { throw gap }
            }
            try lines.write(txn, layout)
            return RebuildReport(events: events, lines: lines.lineCount)
        }
    }

    /// The canonical bytes of up to `rebuildRun` events from `first` on (each stored value without
    /// its 32-byte chain hash, copied out of the map once); nil when there are none. A missing seq
    /// ends the run early with the error to raise once the events before it are indexed.
    private static func readRun(from first: UInt64, _ txn: borrowing Transaction, _ layout: StoreLayout) throws -> StoredRun? {
        try txn.withCursor(layout.events) { cursor in
            var run = StoredRun(firstSeq: first, values: [], gap: nil)
            run.values.reserveCapacity(rebuildRun)
            try cursor.visit(from: StoreKeys.seq(first)) { key, value in
                let expected = first + UInt64(run.values.count)
                guard key.count == 8, BigEndian.uint64(key) == expected else {
                    run.gap = StoreError.corrupted("the events log has no event \(expected)")
                    return false
                }
                // A value too short to hold a hash and an event is kept empty, and reported damaged.
                run.values.append(value.count > 32 ? Array(value[32...]) : [])
                return run.values.count < rebuildRun
            }
            return run.values.isEmpty && run.gap == nil ? nil : run
        }
    }

    /// Decodes a stored event's canonical bytes and the digest of its content, as append computed it.
    fileprivate static func storedEventWithDigest(_ canonical: [UInt8], seq: UInt64) throws(StoreError) -> (StoredEvent, [UInt8]) {
        guard !canonical.isEmpty else { throw StoreError.corrupted("event \(seq) is damaged") }
        let decoded: (stored: StoredEvent, contentDigest: [UInt8])
        do {
            decoded = try EventRecord.decodeWithContentDigest(canonical)
        } catch {
            throw StoreError.corrupted("event \(seq) does not decode: \(error)")
        }
        guard decoded.stored.seq == seq else { throw StoreError.corrupted("event \(seq) says it is \(decoded.stored.seq)") }
        return decoded
    }
}

/// Consecutive stored events as read from the log, from `firstSeq` on.
private struct StoredRun: Sendable {
    var firstSeq: UInt64
    /// Each event's canonical bytes, or none when its stored value is too short to hold them.
    var values: [[UInt8]]
    /// Why the run ends before the log does, if it does.
    var gap: StoreError?
}

/// A run of stored events being decoded on other threads, in as many parts as there are cores.
private struct DecodingRun {
    typealias Decoded = Result<(StoredEvent, [UInt8]), StoreError>

    let firstSeq: UInt64
    let count: Int
    let gap: StoreError?
    private let parts: [BackgroundJob<[Decoded]>]

    /// Starts decoding `run`.
    init(_ run: StoredRun) {
        firstSeq = run.firstSeq
        count = run.values.count
        gap = run.gap
        let size = max(1, (run.values.count + BackgroundJob<[Decoded]>.cores - 1) / BackgroundJob<[Decoded]>.cores)
        parts = stride(from: 0, to: run.values.count, by: size).map { start in
            let values = Array(run.values[start..<min(start + size, run.values.count)])
            let first = run.firstSeq + UInt64(start)
            return BackgroundJob {
                values.enumerated().map { offset, value in
                    Result { () throws(StoreError) in try EventLog.storedEventWithDigest(value, seq: first + UInt64(offset)) }
                }
            }
        }
    }

    /// Waits for the decoding to finish; the results are in seq order.
    func wait() -> [[Decoded]] {
        parts.map { $0.wait() }
    }
}
