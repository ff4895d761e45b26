import LMDB
import LedgerCore

/// The late funding projection, in `line_index` before each line's events: each `funded` amount dated before an event appended earlier to
/// its line (a late one), kept as running sums over day buckets of four sizes, so that a late
/// amount costs four record writes however long its line and however far back it is dated, and
/// the sum up to any day is read from at most four short runs of records.
///
/// Which amounts are late depends on the log alone, in seq order, never on how it was batched:
/// a `funded` event is late when its effective date is before that of an event of its line with
/// a lower seq. The line's timeline entries fold every counted event but the late ones, and a
/// line's funded amount at D is its entry's plus the late sum through D (docs/storage.md).
///
/// Every late amount is in four buckets: its day (level 0), its 64-day block (level 1), its
/// 4,096-day block (level 2) and its 262,144-day block (level 3). The sum through day d takes
/// the level-3 blocks before d's, the level-2 blocks before d's inside it, the level-1 blocks
/// before d's inside that, and the days up to d inside d's 64-day block: at most 63 records of
/// each level, and only as many as the line has late amounts in those spans.
///
/// Key: `line 0x00 0x00 level day>>(6·level)` (the day as in `StoreKeys`, 4 bytes big-endian); value:
/// the bucket's sum in pence and how many amounts it holds, 8 bytes big-endian each. A bucket
/// holding none is deleted, so the latest late day through D is one seek.
enum LateFunding {
    static let levels = 4
    static let bitsPerLevel = 6

    /// Adds a late amount dated `date` to `line`'s buckets, or (`count` -1) takes one out.
    static func add(
        _ amount: Pence, count: Int64 = 1, on date: CivilDate, line: String, _ txn: borrowing Transaction, _ layout: StoreLayout
    ) throws {
        let day = StoreKeys.dayNumber(date)
        for level in 0..<levels {
            let key = StoreKeys.lateFunding(line, level: level, bucket: day >> (bitsPerLevel * level))
            let bucket = try txn.get(layout.lineIndex, key).map(Bucket.init) ?? Bucket(sum: 0, count: 0)
            let updated = Bucket(sum: bucket.sum &+ amount.value, count: bucket.count + count)
            if updated.count <= 0 {
                _ = try txn.delete(layout.lineIndex, key)
            } else {
                try txn.put(layout.lineIndex, key, updated.bytes)
            }
        }
    }

    /// The records of `line`'s late amounts, in key order, as `add` would have left them after
    /// adding each (a rebuild writes them at once): every bucket holding at least one amount.
    static func records(of amounts: [(date: CivilDate, amount: Pence)], line: String) -> [(key: [UInt8], value: [UInt8])] {
        var buckets: [UInt64: Bucket] = [:]
        for (date, amount) in amounts {
            let day = StoreKeys.dayNumber(date)
            for level in 0..<levels {
                // Level, then bucket: the order of their keys.
                let position = UInt64(level) << 32 | UInt64(day >> (bitsPerLevel * level))
                let bucket = buckets[position] ?? Bucket(sum: 0, count: 0)
                buckets[position] = Bucket(sum: bucket.sum &+ amount.value, count: bucket.count + 1)
            }
        }
        return buckets.keys.sorted().map { position in
            let key = StoreKeys.lateFunding(line, level: Int(position >> 32), bucket: UInt32(truncatingIfNeeded: position))
            return (key, buckets[position, default: Bucket(sum: 0, count: 0)].bytes)
        }
    }

    /// How many of a line's late days through D are summed one by one before the buckets are
    /// used instead: most lines have a few late amounts, and one forward scan reads them all.
    static let directDays = 64

    /// The late amounts of `line` dated up to `date`, and the latest day one is dated. Reads the
    /// records in place, copying nothing: one seek and a short scan when the line has at most
    /// `directDays` late days through `date`, else at most four runs of buckets and one seek.
    static func through(
        _ date: CivilDate, line: String, _ cursor: inout Cursor
    ) throws -> (amount: Pence, latest: CivilDate?) {
        // `line 0x00 0x00 0x00`, where the line's day buckets start; its first bytes, all but the
        // level, are the prefix of each of the line's late funding keys.
        var dayPrefix = StoreKeys.lateFundingPrefix(line)
        let prefix = dayPrefix.count
        dayPrefix.append(0)
        let day = StoreKeys.dayNumber(date)
        var sum: Int64 = 0
        var latest: UInt32?
        var days = 0
        var tooMany = false
        try cursor.visit(from: dayPrefix) { key, value in
            guard let bucket = bucket(of: key, line: dayPrefix, prefix: prefix, level: 0), bucket <= day else { return false }
            guard days < directDays else {
                tooMany = true
                return false
            }
            days += 1
            sum &+= Bucket.sum(value)
            latest = bucket
            return true
        }
        if tooMany {
            sum = 0
            for level in 0..<levels {
                let shift = bitsPerLevel * level
                // The buckets of this level inside the next level's bucket holding `day`, before
                // `day`'s own bucket (level 0 takes `day` itself in).
                let end = (day >> shift) + (level == 0 ? 1 : 0)
                let start = level == levels - 1 ? 0 : (day >> (shift + bitsPerLevel)) << bitsPerLevel
                guard start < end else { continue }
                try cursor.visit(from: StoreKeys.lateFunding(line, level: level, bucket: start)) { key, value in
                    guard let bucket = bucket(of: key, line: dayPrefix, prefix: prefix, level: level), bucket < end else { return false }
                    sum &+= Bucket.sum(value)
                    return true
                }
            }
            if let found = try cursor.seek(atOrBefore: StoreKeys.lateFunding(line, level: 0, bucket: day)),
               StoreKeys.hasPrefix(found.key, dayPrefix) {
                latest = BigEndian.uint32(found.key, at: dayPrefix.count)
            }
        }
        return (Pence(sum), latest.flatMap(StoreKeys.date(dayNumber:)))
    }

    /// The bucket number of `key` when it is one of level `level` of the line whose late funding
    /// keys start with the first `prefix` bytes of `line`.
    private static func bucket(of key: UnsafeRawBufferPointer, line: [UInt8], prefix: Int, level: Int) -> UInt32? {
        guard key.count == prefix + 5, StoreKeys.hasPrefix(key, line, count: prefix), key[prefix] == UInt8(level) else {
            return nil
        }
        return BigEndian.uint32(key, at: prefix + 1)
    }

    /// `state` at the end of `date` with the line's late amounts through it taken in.
    static func including(
        _ state: LineState?, through date: CivilDate, _ cursor: inout Cursor
    ) throws -> LineState? {
        guard var state else { return nil }
        let late = try through(date, line: state.line, &cursor)
        state.funded += late.amount
        if let latest = late.latest, latest > state.lastActivity { state.lastActivity = latest }
        return state
    }

    private struct Bucket {
        var sum: Int64
        var count: Int64

        init(sum: Int64, count: Int64) {
            self.sum = sum
            self.count = count
        }

        init<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) where Bytes.Index == Int {
            sum = Int64(bitPattern: BigEndian.uint64(bytes) ?? 0)
            count = Int64(bitPattern: BigEndian.uint64(bytes, at: 8) ?? 0)
        }

        /// The sum of a bucket's record in place in the map, its count left unread.
        static func sum(_ bytes: UnsafeRawBufferPointer) -> Int64 {
            Int64(bitPattern: BigEndian.uint64(bytes) ?? 0)
        }

        var bytes: [UInt8] {
            BigEndian.bytes(UInt64(bitPattern: sum)) + BigEndian.bytes(UInt64(bitPattern: count))
        }
    }
}
