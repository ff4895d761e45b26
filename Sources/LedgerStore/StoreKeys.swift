#if canImport(Glibc)
import Glibc
#endif
import LMDB
import LedgerCore

/// How keys are laid out in the store's databases, so bytewise order is the order we scan in.
enum StoreKeys {
    /// Days are stored offset so every calendar year 1–9999 is a positive 32-bit number.
    private static let dayOffset = 1_000_000

    static func seq(_ seq: UInt64) -> [UInt8] { BigEndian.bytes(seq) }

    static func id(_ id: String) -> [UInt8] { Array(id.utf8) }

    /// `line 0x00`: the prefix of every key of one line.
    static func linePrefix(_ line: String) -> [UInt8] { linePrefix(line, room: 0) }

    /// `line 0x00` in an array with room for `room` bytes more, so that what a caller appends
    /// finds its space made already: a key is built with one allocation.
    private static func linePrefix(_ line: String, room: Int) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(line.utf8.count + 1 + room)
        key.append(contentsOf: line.utf8)
        key.append(0)
        return key
    }

    /// A date as the 4-byte day number of keys.
    static func dayNumber(_ date: CivilDate) -> UInt32 { UInt32(date.daysSinceEpoch + dayOffset) }

    /// The date of a day number.
    static func date(dayNumber: UInt32) -> CivilDate? { CivilDate(daysSinceEpoch: Int(dayNumber) - dayOffset) }

    /// `line 0x00 kind`: the prefix of one part of a line's entries in `line_index`, with room
    /// for `room` bytes more.
    private static func linePart(_ line: String, _ kind: UInt8, room: Int = 0) -> [UInt8] {
        var key = linePrefix(line, room: 1 + room)
        key.append(kind)
        return key
    }

    /// The bytes after a line's part prefix in its keys: a level and a bucket for late funding
    /// sums, a day and a seq for events, a day for timeline entries.
    private static let lateFundingTail = 5, lineEventTail = 12, timelineTail = 4

    /// `line 0x00 0x00`: the prefix of a line's late funding sums in `line_index` (`LateFunding`).
    static func lateFundingPrefix(_ line: String) -> [UInt8] { linePart(line, 0, room: lateFundingTail) }

    /// `line 0x00 0x01`: the prefix of a line's events in `line_index`, right after its late funding sums.
    static func lineEventsPrefix(_ line: String) -> [UInt8] { linePart(line, 1, room: lineEventTail) }

    /// `line 0x00 0x02`: the prefix of a line's timeline in `line_index`, right after its events.
    static func timelinePrefix(_ line: String) -> [UInt8] { linePart(line, 2, room: timelineTail) }

    /// `line 0x00 0x02 ~day`: a line's state from a date on. The day is complemented, so a line's
    /// timeline runs newest first and its newest entry sits beside its newest events.
    static func timeline(_ line: String, _ date: CivilDate) -> [UInt8] {
        timeline(line, dayNumber: dayNumber(date))
    }

    /// `line 0x00 0x02 ~day` of a day number.
    static func timeline(_ line: String, dayNumber: UInt32) -> [UInt8] {
        var key = timelinePrefix(line)
        BigEndian.append(~dayNumber, to: &key)
        return key
    }

    /// The date of a timeline key.
    static func date(fromTimelineKey key: [UInt8], line: String) -> CivilDate? {
        guard let days = BigEndian.uint32(key, at: line.utf8.count + 2) else { return nil }
        return date(dayNumber: ~days)
    }

    /// `line 0x00 0x00 level bucket`: one of a line's late funding sums (`LateFunding`).
    static func lateFunding(_ line: String, level: Int, bucket: UInt32) -> [UInt8] {
        var key = lateFundingPrefix(line)
        key.append(UInt8(level))
        BigEndian.append(bucket, to: &key)
        return key
    }

    /// `line 0x00 0x01 day seq`: one event of a line in fold order.
    static func lineEvent(_ line: String, _ date: CivilDate, _ seq: UInt64) -> [UInt8] {
        var key = lineEvents(line, from: date)
        BigEndian.append(seq, to: &key)
        return key
    }

    /// `line 0x00 0x01 day`: where a line's events dated from `date` on start.
    static func lineEvents(_ line: String, from date: CivilDate) -> [UInt8] {
        var key = lineEventsPrefix(line)
        BigEndian.append(dayNumber(date), to: &key)
        return key
    }

    /// The date of a line-event key (an array, or the key in place in the map).
    static func date<Key: RandomAccessCollection<UInt8>>(fromLineEventKey key: Key, line: String) -> CivilDate?
    where Key.Index == Int {
        dayNumber(fromLineEventKey: key, line: line).flatMap { date(dayNumber: $0) }
    }

    /// Where a line-event key's day starts, after `line 0x00 0x01`; its seq follows the day.
    private static func lineEventDay(_ line: String) -> Int { line.utf8.count + 2 }

    /// The day number of a line-event key.
    static func dayNumber<Key: RandomAccessCollection<UInt8>>(fromLineEventKey key: Key, line: String) -> UInt32?
    where Key.Index == Int {
        BigEndian.uint32(key, at: lineEventDay(line))
    }

    /// The day number of a line-event key in place in the map: one load.
    static func dayNumber(fromLineEventKey key: UnsafeRawBufferPointer, line: String) -> UInt32? {
        BigEndian.uint32(key, at: lineEventDay(line))
    }

    /// The seq of a line-event key.
    static func seq<Key: RandomAccessCollection<UInt8>>(fromLineEventKey key: Key, line: String) -> UInt64?
    where Key.Index == Int {
        BigEndian.uint64(key, at: lineEventDay(line) + 4)
    }

    /// The seq of a line-event key in place in the map: one load.
    static func seq(fromLineEventKey key: UnsafeRawBufferPointer, line: String) -> UInt64? {
        BigEndian.uint64(key, at: lineEventDay(line) + 4)
    }

    /// `department 0x00 line`.
    static func departmentLine(_ department: String, _ line: String) -> [UInt8] {
        var key = linePrefix(department, room: line.utf8.count)
        key.append(contentsOf: line.utf8)
        return key
    }

    /// Whether `key` starts with `prefix`.
    static func hasPrefix(_ key: [UInt8], _ prefix: [UInt8]) -> Bool {
        key.withUnsafeBytes { hasPrefix($0, prefix, count: prefix.count) }
    }

    /// Whether a key in place in the map starts with the first `count` bytes of `prefix`.
    static func hasPrefix(_ key: UnsafeRawBufferPointer, _ prefix: [UInt8], count: Int) -> Bool {
        guard key.count >= count, prefix.count >= count else { return false }
        guard count > 0 else { return true }
        return prefix.withUnsafeBytes { prefix in
            guard let keyBytes = key.baseAddress, let prefixBytes = prefix.baseAddress else { return false }
            return memcmp(keyBytes, prefixBytes, count) == 0
        }
    }
}
