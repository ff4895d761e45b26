import LedgerCore

extension Response {
    /// The response as one line of the protocol, newline included, exactly as the daemon writes
    /// it: compact JSON, `ok` first, the members in the documented order. `ResponseDecoder`
    /// reads it back as this response.
    public var line: [UInt8] {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return bytes
    }

    /// Appends the response's line, newline included, to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        switch self {
        case .appended(let report):
            Self.ok([
                ("first_seq", report.firstSeq.map { .integer(Int64(clamping: $0)) } ?? .null),
                ("last_seq", report.lastSeq.map { .integer(Int64(clamping: $0)) } ?? .null),
                ("appended", .integer(Int64(report.appended))),
                ("duplicates", .integer(Int64(report.duplicates))),
            ], into: &bytes)
        case .at(let result):
            Self.encodeAt(result, into: &bytes)
        case .history(let events):
            Self.ok([("events", .array(events.map(JSONValue.object)))], into: &bytes)
        case .event(let event):
            // An export line is the event's canonical JSON (JCS), `hash` included.
            Self.encodeEvent(exportLine: CanonicalJSON.encode(.object(event)), into: &bytes)
        case .exportDone(let count):
            Self.ok([("done", .bool(true)), ("count", .integer(Int64(count)))], into: &bytes)
        case .verified(let count, let head):
            Self.ok([("intact", .bool(true)), ("count", .integer(Int64(count))), ("head", .string(head))], into: &bytes)
        case .stats(let stats):
            Self.ok([
                ("events", .integer(Int64(stats.events))),
                ("head_seq", .integer(Int64(clamping: stats.headSeq))),
                ("head_hash", .string(stats.headHash)),
                ("connections", .integer(Int64(stats.connections))),
                ("appends", .integer(Int64(stats.appends))),
                ("uptime_seconds", .integer(Int64(stats.uptimeSeconds))),
                ("store_bytes", .integer(Int64(stats.storeBytes))),
            ], into: &bytes)
        case .pong:
            Self.ok([("pong", .bool(true))], into: &bytes)
        case .error(let error):
            CanonicalJSON.encode(error.json, sortKeys: false, into: &bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    /// Appends the answer to `at`, writing the result's bytes directly (`AtJSON.encode`) rather
    /// than building its JSON value first: a whole-ledger answer has thousands of lines.
    public static func encodeAt(_ result: AtResult, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"ok":true,"result":"#.utf8)
        AtJSON.encode(result, into: &bytes)
        bytes.append(contentsOf: "}\n".utf8)
    }

    /// Appends the line of one event of an export or a subscription, `{"event":…}`, around the
    /// event's export bytes as the store gives them (its canonical JSON with `hash`), unparsed.
    public static func encodeEvent(exportLine: some Collection<UInt8>, into bytes: inout [UInt8]) {
        bytes.append(contentsOf: #"{"event":"#.utf8)
        bytes.append(contentsOf: exportLine)
        bytes.append(contentsOf: "}\n".utf8)
    }

    /// `{"ok":true,…}` with `members` in order, and the newline.
    private static func ok(_ members: [(String, JSONValue)], into bytes: inout [UInt8]) {
        CanonicalJSON.encode(.object(JSONObject([("ok", .bool(true))] + members)), sortKeys: false, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
    }
}

extension ResponseDecoder {
    /// Decodes and checks one response line as received, without its newline: a line that is
    /// not JSON is refused with the parser's code.
    public static func decode(line: [UInt8]) throws(ValidationError) -> Response {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw ValidationError(parsing: error)
        }
        return try decode(value)
    }
}
