/// Fixed-width big-endian integers, so LMDB's bytewise key order is numeric order.
public enum BigEndian {
    /// The bytes of `value`, most significant first.
    @inlinable
    public static func bytes<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    /// Appends the bytes of `value`, most significant first, to `buffer`.
    @inlinable
    public static func append<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value, to buffer: inout [UInt8]) {
        let width = Value.bitWidth / 8
        for index in 0..<width {
            buffer.append(UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - index))))
        }
    }

    /// Reads a big-endian integer at `offset`, or nil when the bytes are too short.
    @inlinable
    public static func read<Value: FixedWidthInteger & UnsignedInteger, Bytes: RandomAccessCollection>(
        _ type: Value.Type, from bytes: Bytes, at offset: Int = 0
    ) -> Value? where Bytes.Element == UInt8, Bytes.Index == Int {
        let width = Value.bitWidth / 8
        let start = bytes.startIndex + offset
        guard offset >= 0, start + width <= bytes.endIndex else { return nil }
        var value: Value = 0
        for index in start..<(start + width) {
            value = value << 8 | Value(bytes[index])
        }
        return value
    }

    /// Reads 8 bytes at `offset` as a big-endian integer, or nil when too short.
    @inlinable
    public static func uint64<Bytes: RandomAccessCollection>(_ bytes: Bytes, at offset: Int = 0) -> UInt64?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        read(UInt64.self, from: bytes, at: offset)
    }

    /// Reads 8 bytes at `offset` of bytes in place (a key or value in the map) as a big-endian
    /// integer, or nil when too short: one load, where the generic reader goes a byte at a time.
    @inlinable
    public static func uint64(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64? {
        guard offset >= 0, offset + 8 <= bytes.count else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Reads 4 bytes at `offset` of bytes in place as a big-endian integer, or nil when too short.
    @inlinable
    public static func uint32(_ bytes: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Reads 4 bytes at `offset` as a big-endian integer, or nil when too short.
    @inlinable
    public static func uint32<Bytes: RandomAccessCollection>(_ bytes: Bytes, at offset: Int = 0) -> UInt32?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        read(UInt32.self, from: bytes, at: offset)
    }
}
