/// Fixed-width big-endian integers, so LMDB's bytewise key order is numeric order.
public enum BigEndian {
    /// The 8 bytes of `value`, most significant first.
    @inlinable
    public static func bytes(_ value: UInt64) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 {
            out[index] = UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64(index)))
        }
        return out
    }

    /// Appends the 8 bytes of `value` to `buffer`.
    @inlinable
    public static func append(_ value: UInt64, to buffer: inout [UInt8]) {
        for index in 0..<8 {
            buffer.append(UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64(index))))
        }
    }

    /// Appends the 4 bytes of `value` to `buffer`.
    @inlinable
    public static func append(_ value: UInt32, to buffer: inout [UInt8]) {
        for index in 0..<4 {
            buffer.append(UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(index))))
        }
    }

    /// Reads 8 bytes at `offset` as a big-endian integer, or nil when too short.
    @inlinable
    public static func uint64<Bytes: RandomAccessCollection>(_ bytes: Bytes, at offset: Int = 0) -> UInt64?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let start = bytes.startIndex + offset
        guard offset >= 0, start + 8 <= bytes.endIndex else { return nil }
        var value: UInt64 = 0
        for index in start..<(start + 8) {
            value = value << 8 | UInt64(bytes[index])
        }
        return value
    }

    /// Reads 4 bytes at `offset` as a big-endian integer, or nil when too short.
    @inlinable
    public static func uint32<Bytes: RandomAccessCollection>(_ bytes: Bytes, at offset: Int = 0) -> UInt32?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let start = bytes.startIndex + offset
        guard offset >= 0, start + 4 <= bytes.endIndex else { return nil }
        var value: UInt32 = 0
        for index in start..<(start + 4) {
            value = value << 8 | UInt32(bytes[index])
        }
        return value
    }
}
