/// The RFC 8785 JSON Canonicalization Scheme (JCS) bytes of a value: the form that is hashed.
///
/// Strings, integers, Booleans, null, arrays and objects are written exactly as JCS requires.
/// Only integer numbers are canonical: a `.number` is written as its literal unchanged,
/// which is JCS only if the literal already is; events never hold one.
public enum CanonicalJSON {
    /// The canonical UTF-8 bytes of `value`.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        encode(value, into: &bytes)
        return bytes
    }

    /// Appends the canonical UTF-8 bytes of `value` to `bytes`.
    public static func encode(_ value: JSONValue, into bytes: inout [UInt8]) {
        encode(value, sortKeys: true, into: &bytes)
    }

    /// Appends compact JSON for `value`: canonical when `sortKeys`, otherwise with object
    /// members in insertion order (for output meant to be read in a documented key order).
    public static func encode(_ value: JSONValue, sortKeys: Bool, into bytes: inout [UInt8]) {
        switch value {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let flag):
            bytes.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .integer(let number):
            appendInteger(number, to: &bytes)
        case .number(let literal):
            bytes.append(contentsOf: literal.utf8)
        case .string(let text):
            appendString(text, to: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                encode(element, sortKeys: sortKeys, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            let members = object.members
            bytes.append(UInt8(ascii: "{"))
            let order = sortKeys ? sortedOrder(members) : Array(members.indices)
            for (position, index) in order.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(members[index].key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                encode(members[index].value, sortKeys: sortKeys, into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// The canonical bytes of `object` and, for each of `absentKeys` (keys it does not hold),
    /// the offset at which a member with that key belongs: the start of the first member that
    /// sorts after it, or the closing brace.
    static func encode(_ object: JSONObject, insertionPointsOf absentKeys: [String]) -> (bytes: [UInt8], points: [Int]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        var points = [Int](repeating: -1, count: absentKeys.count)
        let members = object.members
        bytes.append(UInt8(ascii: "{"))
        for (position, index) in sortedOrder(members).enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            let key = members[index].key
            for slot in absentKeys.indices where points[slot] < 0 && keyPrecedes(absentKeys[slot], key) {
                points[slot] = bytes.count
            }
            appendString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            encode(members[index].value, sortKeys: true, into: &bytes)
        }
        for slot in points.indices where points[slot] < 0 {
            points[slot] = bytes.count
        }
        bytes.append(UInt8(ascii: "}"))
        return (bytes, points)
    }

    /// Canonical object bytes with members added at points from `encode(_:insertionPointsOf:)`:
    /// the bytes encoding the enlarged object afresh would give. `insertions` are in key order.
    static func splice(_ object: [UInt8], _ insertions: [(point: Int, key: String, value: JSONValue)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(object.count + 96)
        let closing = object.count - 1
        var copied = 0
        for insertion in insertions {
            out.append(contentsOf: object[copied..<insertion.point])
            copied = insertion.point
            if insertion.point == closing {
                // Last in the object: a comma goes before it unless the object was empty so far.
                if out.count > 1 { out.append(UInt8(ascii: ",")) }
                appendMember(insertion.key, insertion.value, to: &out)
            } else {
                appendMember(insertion.key, insertion.value, to: &out)
                out.append(UInt8(ascii: ","))
            }
        }
        out.append(contentsOf: object[copied...])
        return out
    }

    private static func appendMember(_ key: String, _ value: JSONValue, to bytes: inout [UInt8]) {
        appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        encode(value, sortKeys: true, into: &bytes)
    }

    /// The canonical form of `value` as a string.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    /// Compact JSON for `value` as a string, keys sorted (canonical) or in insertion order.
    public static func string(_ value: JSONValue, sortKeys: Bool) -> String {
        var bytes: [UInt8] = []
        encode(value, sortKeys: sortKeys, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `left` sorts before `right` as arrays of UTF-16 code units, as JCS orders keys.
    ///
    /// This differs from Swift's `<`, which orders by scalar: a key starting with a character
    /// beyond U+FFFF (a surrogate pair, 0xD800…) sorts before one starting in U+E000…U+FFFF.
    static func keyPrecedes(_ left: String, _ right: String) -> Bool {
        let compared = left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { rightBytes in
                bytesPrecede(leftBytes, rightBytes, left, right)
            }
        }
        if let compared = compared ?? nil {
            return compared
        }
        return bytesPrecede(Array(left.utf8), Array(right.utf8), left, right)
    }

    private static func bytesPrecede<Bytes: RandomAccessCollection<UInt8>>(
        _ leftBytes: Bytes, _ rightBytes: Bytes, _ left: String, _ right: String
    ) -> Bool where Bytes.Index == Int {
        // UTF-8 byte order is scalar order, which matches UTF-16 order unless the first
        // differing scalars are one in U+E000…U+FFFF and one above U+FFFF.
        let shared = Swift.min(leftBytes.count, rightBytes.count)
        var position = 0
        while position < shared {
            let leftByte = leftBytes[leftBytes.startIndex + position]
            let rightByte = rightBytes[rightBytes.startIndex + position]
            if leftByte != rightByte {
                if leftByte >= 0xEE && rightByte >= 0xEE {
                    return left.utf16.lexicographicallyPrecedes(right.utf16)
                }
                return leftByte < rightByte
            }
            position += 1
        }
        return leftBytes.count < rightBytes.count
    }

    /// The positions of `members` in JCS key order.
    private static func sortedOrder(_ members: [JSONObject.Element]) -> [Int] {
        // Sort small plain records holding each key's first eight bytes: most keys differ
        // there, so most comparisons never touch the strings.
        var order = members.indices.map { SortEntry(prefix: prefix(of: members[$0].key), position: $0) }
        let precedes = { (left: SortEntry, right: SortEntry) -> Bool in
            if left.prefix != right.prefix {
                // Find the first differing byte; only there can UTF-16 and byte order disagree.
                let shift = UInt64((left.prefix ^ right.prefix).leadingZeroBitCount & ~7)
                let leftByte = (left.prefix << shift) >> 56
                let rightByte = (right.prefix << shift) >> 56
                if leftByte < 0xEE || rightByte < 0xEE {
                    return leftByte < rightByte
                }
            }
            return keyPrecedes(members[left.position].key, members[right.position].key)
        }
        var position = 1
        while position < order.count {
            if !precedes(order[position - 1], order[position]) {
                order.sort(by: precedes)
                break
            }
            position += 1
        }
        return order.map(\.position)
    }

    /// A key's first eight UTF-8 bytes, big-endian, padded with zeros.
    private static func prefix(of key: String) -> UInt64 {
        var prefix: UInt64 = 0
        var count = 0
        for byte in key.utf8 {
            prefix = prefix << 8 | UInt64(byte)
            count += 1
            if count == 8 { return prefix }
        }
        return count == 0 ? 0 : prefix << UInt64(8 * (8 - count))
    }

    /// One member to sort: its key prefix and where it is.
    private struct SortEntry {
        let prefix: UInt64
        let position: Int
    }

    static func appendInteger(_ number: Int64, to bytes: inout [UInt8]) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        // The digits are made last first, at the end of a buffer on the stack (20 digits hold any
        // Int64), then appended at once: reversing them in the array would copy its slice.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var first = buffer.count
            repeat {
                first -= 1
                buffer[first] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[first...]))
        }
    }

    /// Appends `text` quoted and escaped exactly as ECMAScript's `JSON.stringify` does.
    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        let written: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            appendEscaped(utf8, to: &bytes)
        }
        if written == nil {
            let copy = Array(text.utf8)
            copy.withUnsafeBufferPointer { appendEscaped($0, to: &bytes) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        escape(utf8, run: { bytes.append(contentsOf: $0) }, byte: { bytes.append($0) })
    }

    /// Writes `utf8` escaped exactly as ECMAScript's `JSON.stringify` does, without the quotes:
    /// runs that need no escaping through `run`, and each escape a byte at a time through `byte`.
    @inline(__always)
    static func escape(
        _ utf8: UnsafeBufferPointer<UInt8>, run: (UnsafeBufferPointer<UInt8>) -> Void, byte: (UInt8) -> Void
    ) {
        var runStart = 0
        for position in 0..<utf8.count {
            let value = utf8[position]
            guard value < 0x20 || value == UInt8(ascii: "\"") || value == UInt8(ascii: "\\") else { continue }
            run(UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
            runStart = position + 1
            byte(UInt8(ascii: "\\"))
            switch value {
            case UInt8(ascii: "\""): byte(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): byte(UInt8(ascii: "\\"))
            case 0x08: byte(UInt8(ascii: "b"))
            case 0x09: byte(UInt8(ascii: "t"))
            case 0x0A: byte(UInt8(ascii: "n"))
            case 0x0C: byte(UInt8(ascii: "f"))
            case 0x0D: byte(UInt8(ascii: "r"))
            default:
                let hex: StaticString = "0123456789abcdef"
                byte(UInt8(ascii: "u"))
                byte(UInt8(ascii: "0"))
                byte(UInt8(ascii: "0"))
                byte(hex.utf8Start[Int(value >> 4)])
                byte(hex.utf8Start[Int(value & 0x0F)])
            }
        }
        run(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }
}
