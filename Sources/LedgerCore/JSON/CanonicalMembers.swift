/// The top-level members of a canonical (JCS) object, found by scanning its bytes without
/// building any value, so that members can be cut out of it.
enum CanonicalMembers {
    /// One top-level member: where its key's bytes are (inside the quotes) and where the whole
    /// member is (key, colon and value, no comma).
    struct Member {
        var key: Range<Int>
        var range: Range<Int>
    }

    /// The members of `bytes` in order; nil unless `bytes` is one compact object with nothing
    /// around it, as canonical bytes are.
    static func members(of bytes: UnsafeBufferPointer<UInt8>) -> [Member]? {
        let end = bytes.count
        guard end >= 2, bytes[0] == UInt8(ascii: "{"), bytes[end - 1] == UInt8(ascii: "}") else { return nil }
        var members: [Member] = []
        members.reserveCapacity(12)
        var position = 1
        if end == 2 { return members }
        while true {
            let start = position
            guard let keyEnd = stringEnd(bytes, from: position), keyEnd < end, bytes[keyEnd] == UInt8(ascii: ":"),
                  let valueEnd = valueEnd(bytes, from: keyEnd + 1)
            else { return nil }
            members.append(Member(key: (start + 1)..<(keyEnd - 1), range: start..<valueEnd))
            position = valueEnd
            guard position < end else { return nil }
            if bytes[position] == UInt8(ascii: "}") {
                return position == end - 1 ? members : nil
            }
            guard bytes[position] == UInt8(ascii: ",") else { return nil }
            position += 1
        }
    }

    /// Hands `piece` the bytes of `bytes` with the top-level members whose keys are `removed`
    /// left out (what encoding the object without them gives, as canonical order does not depend
    /// on them), in order and in pieces cut from `bytes`, so that a digest of them needs no copy.
    /// False, and nothing handed, when `bytes` is not a compact object.
    static func visit(removing removed: [String], from bytes: [UInt8], _ piece: (UnsafeRawBufferPointer) -> Void) -> Bool {
        bytes.withUnsafeBufferPointer { buffer -> Bool in
            guard let members = members(of: buffer) else { return false }
            let raw = UnsafeRawBufferPointer(buffer)
            var first = true
            piece(UnsafeRawBufferPointer(rebasing: raw[0..<1]))
            for member in members where !removed.contains(where: { isKey($0, member.key, in: buffer) }) {
                if !first { withUnsafeBytes(of: UInt8(ascii: ",")) { piece($0) } }
                first = false
                piece(UnsafeRawBufferPointer(rebasing: raw[member.range]))
            }
            piece(UnsafeRawBufferPointer(rebasing: raw[(raw.count - 1)...]))
            return true
        }
    }

    /// Whether the key bytes at `range` spell `key` (canonical keys escape nothing a key we look for holds).
    private static func isKey(_ key: String, _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        key.utf8.count == range.count && key.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[range]))
    }

    /// The index just past the string starting at `start` (its opening quote), or nil.
    private static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var position = start + 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""): return position + 1
            case UInt8(ascii: "\\"): position += 2
            default: position += 1
            }
        }
        return nil
    }

    /// The index just past the value starting at `start`, or nil when it runs past the end.
    private static func valueEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        var position = start
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                guard let end = stringEnd(bytes, from: position) else { return nil }
                position = end
                if depth == 0 { return position }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return position == start ? nil : position }
                depth -= 1
                if depth == 0 { return position + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return position == start ? nil : position }
            default:
                break
            }
            position += 1
        }
        return nil
    }
}
