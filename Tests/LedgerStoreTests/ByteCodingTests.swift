@testable import LedgerStore
import Testing

/// The compact records' integers are zigzag varints: every Int64 comes back as written, small
/// magnitudes of either sign take one byte, and a record cut short is refused.
@Suite struct ByteCodingTests {
    static let values: [Int64] = [0, 1, -1, 63, -64, 64, -65, 8_191, 8_192, 1_000_000, -1_000_000, .max, .min, .max - 1, .min + 1]

    @Test func everyIntegerComesBackAsWritten() throws {
        var writer = ByteWriter()
        for value in Self.values { writer.append(value) }
        writer.append("a string")
        var reader = ByteReader(writer.bytes)
        for value in Self.values { #expect(try reader.int64() == value) }
        #expect(try reader.string() == "a string")
        #expect(reader.isAtEnd)
    }

    @Test func smallMagnitudesTakeOneByteAndNoneMoreThanTen() {
        for (value, length) in [(Int64(0), 1), (-1, 1), (63, 1), (-64, 1), (64, 2), (-65, 2), (.max, 10), (.min, 10)] {
            var writer = ByteWriter()
            writer.append(value)
            #expect(writer.bytes.count == length, "\(value)")
        }
    }

    @Test func aRecordCutShortIsRefused() {
        var writer = ByteWriter()
        writer.append(Int64.max)
        var reader = ByteReader(Array(writer.bytes.dropLast()))
        #expect(throws: StoreError.self) { try reader.int64() }
        var endless = ByteReader([UInt8](repeating: 0xFF, count: 11))
        #expect(throws: StoreError.self) { try endless.int64() }
    }
}
