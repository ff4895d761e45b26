/// Appends fields to a compact binary record.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ value: UInt8) { bytes.append(value) }

    /// An integer as a zigzag varint: 7 bits a byte, low bits first, the top bit set on every
    /// byte but the last; small magnitudes of either sign take a byte or two, none more than ten.
    mutating func append(_ value: Int64) {
        var bits = UInt64(bitPattern: value << 1) ^ UInt64(bitPattern: value >> 63)
        while bits >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: bits) | 0x80)
            bits >>= 7
        }
        bytes.append(UInt8(bits))
    }

    mutating func append(_ value: String) {
        // The view is read in place: no intermediate array per field.
        let utf8 = value.utf8
        append(Int64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func append(_ value: String?) {
        if let value {
            append(UInt8(1))
            append(value)
        } else {
            append(UInt8(0))
        }
    }

    /// Appends raw bytes with their length, as `append(_: String)` does for a string's UTF-8.
    mutating func appendCounted(_ utf8: some Collection<UInt8>) {
        append(Int64(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Reads the fields of a compact binary record, failing softly on truncation.
///
/// It reads any contiguous bytes: an array, or a record in place in the map (`Cursor.visit`).
struct ByteReader<Bytes: RandomAccessCollection<UInt8>> where Bytes.Index == Int {
    private let bytes: Bytes
    var offset: Int

    init(_ bytes: Bytes) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    var isAtEnd: Bool { offset == bytes.endIndex }

    mutating func byte() throws(StoreError) -> UInt8 {
        guard offset < bytes.endIndex else { throw StoreError.corrupted("record ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A zigzag varint (`ByteWriter.append(_: Int64)`).
    mutating func int64() throws(StoreError) -> Int64 {
        var bits: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.endIndex, shift < 64 else { throw StoreError.corrupted("record ends early") }
            let byte = bytes[offset]
            offset += 1
            bits |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return Int64(bitPattern: bits >> 1) ^ -Int64(bitPattern: bits & 1)
    }

    mutating func string() throws(StoreError) -> String {
        let range = try stringRange()
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// The bytes of a counted string (`ByteWriter.appendCounted`), in place.
    mutating func countedBytes() throws(StoreError) -> Bytes.SubSequence {
        bytes[try stringRange()]
    }

    mutating func optionalString() throws(StoreError) -> String? {
        try byte() == 0 ? nil : try string()
    }

    private mutating func stringRange() throws(StoreError) -> Range<Int> {
        let count = try int64()
        guard count >= 0, count <= bytes.endIndex - offset else { throw StoreError.corrupted("record ends early") }
        defer { offset += Int(count) }
        return offset..<(offset + Int(count))
    }
}
