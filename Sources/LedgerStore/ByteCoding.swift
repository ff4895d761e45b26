/// Appends fields to a compact binary record.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ value: UInt8) { bytes.append(value) }

    mutating func append(_ value: Int64) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
        }
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
struct ByteReader {
    private let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(StoreError) -> UInt8 {
        guard offset < bytes.count else { throw StoreError.corrupted("record ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int64() throws(StoreError) -> Int64 {
        guard offset + 8 <= bytes.count else { throw StoreError.corrupted("record ends early") }
        var bits: UInt64 = 0
        for index in offset..<(offset + 8) { bits = bits << 8 | UInt64(bytes[index]) }
        offset += 8
        return Int64(bitPattern: bits)
    }

    mutating func string() throws(StoreError) -> String {
        let range = try stringRange()
        return String(decoding: bytes[range], as: UTF8.self)
    }

    mutating func optionalString() throws(StoreError) -> String? {
        try byte() == 0 ? nil : try string()
    }

    private mutating func stringRange() throws(StoreError) -> Range<Int> {
        let count = try int64()
        guard count >= 0, count <= bytes.count - offset else { throw StoreError.corrupted("record ends early") }
        defer { offset += Int(count) }
        return offset..<(offset + Int(count))
    }
}
