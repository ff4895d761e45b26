import LedgerCore

extension Request {
    /// The request as one line of the protocol: compact JSON with `op` first, then a newline.
    /// `RequestDecoder` reads it back as this request.
    public var line: [UInt8] {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return bytes
    }

    /// Appends the request's line, newline included, to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        CanonicalJSON.encode(json, sortKeys: false, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// The request as a JSON object, its members in the order they are written: `op` first.
    /// Events are written as given; the daemon canonicalises what it stores.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("op", .string(op))]
        switch self {
        case .append(let events):
            members.append(("events", .array(events)))
        case .at(let date, let department, let knownAt, let knownAtText):
            members.append(("date", .string(date.description)))
            if let department { members.append(("department", .string(department))) }
            // The cutoff as the client wrote it, else as RFC 3339: both read back as the same instant.
            if let text = knownAtText ?? knownAt?.rfc3339 { members.append(("known_at", .string(text))) }
        case .history(let line):
            members.append(("line", .string(line)))
        case .export(let fromSeq), .subscribe(let fromSeq):
            members.append(("from_seq", .integer(Int64(clamping: fromSeq))))
        case .verify, .stats, .ping:
            break
        }
        return .object(JSONObject(members))
    }
}
