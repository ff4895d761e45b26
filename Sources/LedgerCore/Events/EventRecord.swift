import Crypto

/// The stored form of an event: its canonical (JCS) bytes with `id`, `seq` and `recorded`,
/// and the hash chain over them (docs/events.md).
public enum EventRecord {
    /// The hash before the first event: 32 zero bytes.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// The canonical bytes of an input event once the ledger has placed it.
    public static func canonicalBytes(input: JSONObject, id: String, seq: UInt64, recorded: Timestamp) -> [UInt8] {
        var object = input
        object["id"] = .string(id)
        object["seq"] = .integer(Int64(seq))
        object["recorded"] = .string(recorded.rfc3339)
        return CanonicalJSON.encode(.object(object))
    }

    /// The chain hash of an event: SHA-256 of the previous hash's 32 bytes then the event's canonical bytes.
    public static func chainHash(previous: [UInt8], canonical: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: canonical)
        return Array(hasher.finalize())
    }

    /// The SHA-256 of some bytes, for comparing contents.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// Decodes stored canonical bytes back into a `StoredEvent`.
    public static func decode(_ canonical: [UInt8]) throws(ValidationError) -> StoredEvent {
        try decode(canonical, digestingContent: false).stored
    }

    /// Decodes stored canonical bytes, with the digest of the content (`contentDigest`) that
    /// the event was appended with.
    public static func decodeWithContentDigest(_ canonical: [UInt8]) throws(ValidationError) -> (stored: StoredEvent, contentDigest: [UInt8]) {
        let decoded = try decode(canonical, digestingContent: true)
        return (decoded.stored, decoded.contentDigest ?? [])
    }

    private static func decode(
        _ canonical: [UInt8], digestingContent: Bool
    ) throws(ValidationError) -> (stored: StoredEvent, contentDigest: [UInt8]?) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(canonical)
        } catch {
            throw ValidationError(.invalidJSON, "stored event is not JSON: \(error.message)")
        }
        guard case .object(let object) = value else {
            throw ValidationError(.notAnObject, "stored event is not an object")
        }
        // `seq` and `recorded` are read here, so the event's own fields are all the decoder finds unread.
        var reader = FieldReader(object)
        guard case .integer(let seq)? = reader.value("seq"), seq > 0 else {
            throw ValidationError(.missingField, field: "seq", "stored event has no seq")
        }
        guard case .string(let recordedText)? = reader.value("recorded"), let recorded = Timestamp(rfc3339: recordedText) else {
            throw ValidationError(.missingField, field: "recorded", "stored event has no recorded time")
        }
        guard object["id"] != nil else {
            throw ValidationError(.missingField, field: "id", "stored event has no id")
        }
        let event = try EventDecoder(today: nil).decode(&reader)
        let contentDigest = digestingContent ? storedContentDigest(canonical, object) : nil
        return (StoredEvent(seq: UInt64(seq), recorded: recorded, event: event), contentDigest)
    }

    /// The digest of a stored event's content with its id, as `contentDigest` hashes it. The
    /// stored bytes are canonical (append writes nothing else, and the chain covers them), so
    /// hashing them with `seq` and `recorded` cut out gives what encoding the rest again would,
    /// without encoding it or copying it.
    private static func storedContentDigest(_ canonical: [UInt8], _ object: JSONObject) -> [UInt8] {
        var hasher = SHA256()
        if CanonicalMembers.visit(removing: placedMembers, from: canonical, { hasher.update(bufferPointer: $0) }) {
            return Array(hasher.finalize())
        }
        var content = object
        for member in placedMembers { content[member] = nil }
        return digest(CanonicalJSON.encode(.object(content)))
    }

    /// The members the ledger places in a stored event that its content leaves out.
    private static let placedMembers = ["recorded", "seq"]

    /// The content of a stored event without `seq` and `recorded`: what an identical re-send has.
    public static func contentDigest(input: JSONObject, id: String) -> [UInt8] {
        var object = input
        object["id"] = .string(id)
        return digest(CanonicalJSON.encode(.object(object)))
    }

    /// The export line of a stored event: its canonical object with `hash` added, as JCS.
    public static func exportBytes(canonical: [UInt8], hash: [UInt8]) -> [UInt8] {
        // Canonical bytes end with '}', and "hash" sorts between keys, so re-encode to keep JCS.
        guard case .object(var object)? = try? JSONParser.parse(canonical) else { return canonical }
        object["hash"] = .string(Hex.string(hash))
        return CanonicalJSON.encode(.object(object))
    }
}
