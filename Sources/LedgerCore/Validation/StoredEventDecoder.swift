/// Checks an event as the ledger exports it: an input event plus `id`, `seq`, `recorded` (UTC with
/// milliseconds, as the ledger writes it) and `hash` (64 lower-case hex digits).
public enum StoredEventDecoder {
    /// Decodes and checks one exported event, returning it and its chain hash.
    public static func decode(_ value: JSONValue) throws(ValidationError) -> (stored: StoredEvent, hash: [UInt8]) {
        guard case .object(var object) = value else {
            throw ValidationError(.notAnObject, "a stored event must be a JSON object, not \(value.typeName)")
        }
        guard case .integer(let seq)? = object["seq"], seq >= 1 else {
            throw ValidationError(.invalidValue, field: "seq", "seq must be an integer of at least 1")
        }
        guard case .string(let recordedText)? = object["recorded"], let recorded = Timestamp(rfc3339: recordedText),
              recorded.rfc3339 == recordedText
        else {
            throw ValidationError(.invalidValue, field: "recorded", "recorded must be a UTC time written YYYY-MM-DDTHH:MM:SS.mmmZ")
        }
        guard case .string(let hashText)? = object["hash"], hashText.utf8.count == 64,
              hashText == hashText.lowercased(), let hash = Hex.bytes(hashText)
        else {
            throw ValidationError(.invalidValue, field: "hash", "hash must be 64 lower-case hex digits")
        }
        guard object["id"] != nil else {
            throw ValidationError(.missingField, field: "id", "a stored event has an id")
        }
        object["seq"] = nil
        object["recorded"] = nil
        object["hash"] = nil
        let event = try EventDecoder(today: nil).decode(.object(object))
        return (StoredEvent(seq: UInt64(seq), recorded: recorded, event: event), hash)
    }
}
