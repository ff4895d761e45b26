import LedgerCore

/// Decodes one request line, refusing unknown operations and fields with a clear error.
public enum RequestDecoder {
    /// The most events one append request may carry.
    public static let maximumBatch = 100_000

    /// Decodes a parsed request.
    public static func decode(_ value: JSONValue) throws(ProtocolError) -> Request {
        guard case .object(let object) = value else {
            throw ProtocolError(.invalidRequest, "a request must be a JSON object, not \(value.typeName)")
        }
        guard let opValue = object["op"] else {
            throw ProtocolError(.invalidRequest, "the request has no \"op\"", field: "op")
        }
        guard case .string(let op) = opValue else {
            throw ProtocolError(.invalidRequest, "\"op\" must be a string, not \(opValue.typeName)", field: "op")
        }
        var fields = RequestFields(object)
        let request: Request
        switch op {
        case "append":
            guard let eventsValue = fields.take("events") else {
                throw ProtocolError(.invalidRequest, "append needs \"events\": an array of events", field: "events")
            }
            guard case .array(let events) = eventsValue, !events.isEmpty else {
                throw ProtocolError(.invalidRequest, "\"events\" must be a non-empty array of events", field: "events")
            }
            guard events.count <= maximumBatch else {
                throw ProtocolError(.invalidRequest, "an append carries at most \(maximumBatch) events, not \(events.count)", field: "events")
            }
            request = .append(events)
        case "at":
            let dateText = try fields.string("date", required: true) ?? ""
            guard let date = CivilDate(iso: dateText) else {
                throw ProtocolError(.invalidRequest, "\"date\" \"\(dateText)\" is not a date written YYYY-MM-DD", field: "date")
            }
            let department = try fields.string("department", required: false)
            if let department, !Identifiers.isSlug(department) {
                throw ProtocolError(.invalidRequest, "\"department\" \"\(department)\" is not a slug", field: "department")
            }
            let knownAtText = try fields.string("known_at", required: false)
            var knownAt: Timestamp?
            if let knownAtText {
                guard let cutoff = Timestamp(cutoff: knownAtText) else {
                    throw ProtocolError(
                        .invalidRequest, "\"known_at\" \"\(knownAtText)\" is neither an RFC 3339 time nor a date", field: "known_at"
                    )
                }
                knownAt = cutoff
            }
            request = .at(date: date, department: department, knownAt: knownAt, knownAtText: knownAtText)
        case "history":
            let line = try fields.string("line", required: true) ?? ""
            guard Identifiers.isSlug(line) else {
                throw ProtocolError(.invalidRequest, "\"line\" \"\(line)\" is not a slug", field: "line")
            }
            request = .history(line: line)
        case "export":
            request = .export(fromSeq: try fields.seq("from_seq"))
        case "subscribe":
            request = .subscribe(fromSeq: try fields.seq("from_seq"))
        case "verify":
            request = .verify
        case "stats":
            request = .stats
        case "ping":
            request = .ping
        default:
            throw ProtocolError(
                .invalidRequest,
                "unknown op \"\(op)\": use append, at, history, export, subscribe, verify, stats or ping", field: "op"
            )
        }
        try fields.rejectUnknown(op: op)
        return request
    }
}

/// The fields of a request object, with those read remembered.
private struct RequestFields {
    let object: JSONObject
    var seen: Set<String> = ["op"]

    init(_ object: JSONObject) { self.object = object }

    mutating func take(_ name: String) -> JSONValue? {
        seen.insert(name)
        return object[name]
    }

    mutating func string(_ name: String, required: Bool) throws(ProtocolError) -> String? {
        guard let value = take(name) else {
            if required { throw ProtocolError(.invalidRequest, "the request needs \"\(name)\"", field: name) }
            return nil
        }
        guard case .string(let text) = value, !text.isEmpty, text.utf8.count <= 128 else {
            throw ProtocolError(.invalidRequest, "\"\(name)\" must be a string of 1 to 128 bytes", field: name)
        }
        return text
    }

    mutating func seq(_ name: String) throws(ProtocolError) -> UInt64 {
        guard let value = take(name) else { return 1 }
        guard case .integer(let number) = value, number >= 1 else {
            throw ProtocolError(.invalidRequest, "\"\(name)\" must be an integer of at least 1", field: name)
        }
        return UInt64(number)
    }

    func rejectUnknown(op: String) throws(ProtocolError) {
        for key in object.keys where !seen.contains(key) {
            throw ProtocolError(.invalidRequest, "\"\(key)\" is not a field of the \(op) request", field: key)
        }
    }
}
