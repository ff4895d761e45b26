import LMDB
import LedgerCore
@testable import LedgerStore
import Testing

/// The keys of `line_index` are laid out byte for byte as docs/storage.md says, however they are
/// built, and the readers of keys in place in the map agree with the readers of arrays.
@Suite struct StoreKeyTests {
    static let line = "national-grooming-gangs-inquiry"
    static let date = CivilDate(year: 2025, month: 6, day: 16)!

    @Test func eachKeyIsItsLinePartAndItsTail() {
        let slug = Array(Self.line.utf8)
        let day = StoreKeys.dayNumber(Self.date)
        #expect(StoreKeys.linePrefix(Self.line) == slug + [0])
        #expect(StoreKeys.lateFundingPrefix(Self.line) == slug + [0, 0])
        #expect(StoreKeys.lineEventsPrefix(Self.line) == slug + [0, 1])
        #expect(StoreKeys.timelinePrefix(Self.line) == slug + [0, 2])
        #expect(StoreKeys.timeline(Self.line, Self.date) == slug + [0, 2] + BigEndian.bytes(~day))
        #expect(StoreKeys.lateFunding(Self.line, level: 2, bucket: 7) == slug + [0, 0, 2] + BigEndian.bytes(UInt32(7)))
        #expect(StoreKeys.lineEvent(Self.line, Self.date, 42) == slug + [0, 1] + BigEndian.bytes(day) + BigEndian.bytes(UInt64(42)))
        #expect(StoreKeys.departmentLine("home-office", Self.line) == Array("home-office".utf8) + [0] + slug)
        #expect(StoreKeys.linePrefix("") == [0])
        // A line-event key's day and seq read back, from an array and in place.
        let event = StoreKeys.lineEvent(Self.line, Self.date, 42)
        #expect(StoreKeys.dayNumber(fromLineEventKey: event, line: Self.line) == day)
        #expect(StoreKeys.seq(fromLineEventKey: event, line: Self.line) == 42)
        event.withUnsafeBytes { inPlace in
            #expect(StoreKeys.dayNumber(fromLineEventKey: inPlace, line: Self.line) == day)
            #expect(StoreKeys.seq(fromLineEventKey: inPlace, line: Self.line) == 42)
        }
    }

    @Test func aPrefixIsComparedByteForByte() {
        let prefix = StoreKeys.timelinePrefix(Self.line)
        let keys: [[UInt8]] = [
            StoreKeys.timeline(Self.line, Self.date), prefix, Array(prefix.dropLast()), [],
            StoreKeys.lineEventsPrefix(Self.line), StoreKeys.timeline("national-grooming-gangs-inquirz", Self.date),
        ]
        for key in keys {
            for count in [0, 1, prefix.count - 1, prefix.count] {
                let expected = key.count >= count && key.prefix(count).elementsEqual(prefix.prefix(count))
                #expect(key.withUnsafeBytes { StoreKeys.hasPrefix($0, prefix, count: count) } == expected, "\(key) \(count)")
                #expect(StoreKeys.hasPrefix(key, Array(prefix.prefix(count))) == expected, "\(key) \(count)")
            }
            // A count beyond the prefix's own bytes matches nothing.
            #expect(!key.withUnsafeBytes { StoreKeys.hasPrefix($0, prefix, count: prefix.count + 1) })
        }
    }

    @Test func integersInPlaceReadAsInAnArray() {
        let bytes: [UInt8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0x00]
        bytes.withUnsafeBytes { inPlace in
            for offset in -1...bytes.count {
                #expect(BigEndian.uint64(inPlace, at: offset) == BigEndian.read(UInt64.self, from: bytes, at: offset), "\(offset)")
                #expect(BigEndian.uint32(inPlace, at: offset) == BigEndian.read(UInt32.self, from: bytes, at: offset), "\(offset)")
            }
            #expect(BigEndian.uint64(inPlace) == 0x0123_4567_89AB_CDEF)
            #expect(BigEndian.uint32(inPlace, at: 7) == 0xEFFE_DC00)
            #expect(BigEndian.uint32(inPlace, at: 8) == nil)
        }
    }
}
