import LedgerCore

/// A response as the line sent on the socket.
enum ResponseLine {
    /// The value's JSON, keys in the order given, and a newline.
    static func bytes(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        CanonicalJSON.encode(value, sortKeys: false, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
