import Crypto

/// An input event encoded once in canonical (JCS) form, from which its derived id, its content
/// digest and its stored bytes (with `seq` and `recorded`) are all cut: byte for byte what
/// encoding each of them afresh gives, for a third of the work.
public struct CanonicalEvent: Sendable {
    /// The canonical bytes of the input as given.
    private let input: [UInt8]
    /// Where the `id` member belongs, when the input has none.
    private let idPoint: Int?
    private let recordedPoint: Int
    private let seqPoint: Int

    private static let placedKeys = ["id", "recorded", "seq"]

    /// Encodes an input event; nil when it already holds `seq` or `recorded` (which the ledger
    /// assigns, so such an event is refused anyway).
    public init?(input object: JSONObject) {
        guard !object.contains("seq"), !object.contains("recorded") else { return nil }
        let hasID = object.contains("id")
        let absent = hasID ? ["recorded", "seq"] : Self.placedKeys
        let encoded = CanonicalJSON.encode(object, insertionPointsOf: absent)
        input = encoded.bytes
        idPoint = hasID ? nil : encoded.points[0]
        recordedPoint = encoded.points[absent.count - 2]
        seqPoint = encoded.points[absent.count - 1]
    }

    /// The canonical bytes of the input exactly as given.
    public var inputBytes: [UInt8] { input }

    /// The content with `id`: what `EventRecord.contentDigest` hashes. `id` must be the input's
    /// own id when it holds one.
    public func content(id: String) -> [UInt8] {
        guard let idPoint else { return input }
        return CanonicalJSON.splice(input, [(idPoint, "id", .string(id))])
    }

    /// The canonical bytes of the event stored at `seq` and `recorded`, as `EventRecord.canonicalBytes` writes them.
    public func stored(id: String, seq: UInt64, recorded: Timestamp) -> [UInt8] {
        var insertions: [(point: Int, key: String, value: JSONValue)] = []
        insertions.reserveCapacity(3)
        if let idPoint { insertions.append((idPoint, "id", .string(id))) }
        insertions.append((recordedPoint, "recorded", .string(recorded.rfc3339)))
        insertions.append((seqPoint, "seq", .integer(Int64(seq))))
        return CanonicalJSON.splice(input, insertions)
    }
}
