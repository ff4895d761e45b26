import LedgerCore

/// One response line of the socket protocol (docs/protocol.md), decoded and checked.
public enum Response: Sendable, Equatable {
    /// An append was committed (or was all duplicates).
    case appended(AppendReport)
    /// The state at a date.
    case at(AtResult)
    /// A line's events, each a stored event with `hash` and `retracted_by`.
    case history([JSONObject])
    /// One stored event of an export or a subscription.
    case event(JSONObject)
    /// The end of an export.
    case exportDone(count: Int)
    /// The chain is intact.
    case verified(count: Int, head: String)
    /// The daemon's figures.
    case stats(DaemonStats)
    /// The answer to a ping.
    case pong
    /// The request was refused.
    case error(ProtocolError)
}

/// The daemon's figures, as `stats` answers them.
public struct DaemonStats: Sendable, Hashable {
    /// Events stored.
    public var events: Int
    /// The seq of the newest event (0 when there is none).
    public var headSeq: UInt64
    /// The chain hash of the newest event, 64 lower-case hex digits.
    public var headHash: String
    /// Connections open, this one included.
    public var connections: Int
    /// Appends acknowledged since the daemon started.
    public var appends: Int
    /// Whole seconds since the daemon started.
    public var uptimeSeconds: Int
    /// Bytes the store takes on disk.
    public var storeBytes: Int

    /// Figures as given.
    public init(events: Int, headSeq: UInt64, headHash: String, connections: Int, appends: Int, uptimeSeconds: Int, storeBytes: Int) {
        self.events = events
        self.headSeq = headSeq
        self.headHash = headHash
        self.connections = connections
        self.appends = appends
        self.uptimeSeconds = uptimeSeconds
        self.storeBytes = storeBytes
    }
}

/// Decodes response lines, refusing anything that is not exactly one of the documented shapes.
public enum ResponseDecoder {
    /// Decodes and checks one parsed response line.
    public static func decode(_ value: JSONValue) throws(ValidationError) -> Response {
        guard case .object(let object) = value else { throw fault("response", "a response must be an object") }
        if let event = object["event"] {
            try only(object, ["event"])
            guard case .object(let stored) = event else { throw fault("event", "event must be an object") }
            _ = try StoredEventDecoder.decode(event)
            return .event(stored)
        }
        guard case .bool(let ok)? = object["ok"] else { throw fault("ok", "a response needs \"ok\": true or false") }
        if !ok { return .error(try error(object)) }
        if object["result"] != nil {
            try only(object, ["ok", "result"])
            return .at(try AtResultDecoder.decode(object["result"] ?? .null))
        }
        if case .array(let items)? = object["events"] {
            try only(object, ["ok", "events"])
            var entries: [JSONObject] = []
            for item in items {
                guard case .object(var entry) = item else { throw fault("events", "each event must be an object") }
                guard let retractedBy = entry["retracted_by"] else { throw fault("retracted_by", "history events carry retracted_by") }
                if retractedBy != .null {
                    guard case .string(let id) = retractedBy, Identifiers.isEventID(id) else {
                        throw fault("retracted_by", "retracted_by must be an event id or null")
                    }
                }
                let original = entry
                entry["retracted_by"] = nil
                _ = try StoredEventDecoder.decode(.object(entry))
                entries.append(original)
            }
            return .history(entries)
        }
        if object["appended"] != nil {
            try only(object, ["ok", "first_seq", "last_seq", "appended", "duplicates"])
            let first = try optionalCount(object, "first_seq", minimum: 1)
            let last = try optionalCount(object, "last_seq", minimum: 1)
            return .appended(AppendReport(
                appended: Int(try count(object, "appended")), duplicates: Int(try count(object, "duplicates")),
                firstSeq: first.map(UInt64.init), lastSeq: last.map(UInt64.init)
            ))
        }
        if object["done"] != nil {
            try only(object, ["ok", "done", "count"])
            guard object["done"] == .bool(true) else { throw fault("done", "done must be true") }
            return .exportDone(count: Int(try count(object, "count")))
        }
        if object["intact"] != nil {
            try only(object, ["ok", "intact", "count", "head"])
            guard object["intact"] == .bool(true) else { throw fault("intact", "intact must be true") }
            return .verified(count: Int(try count(object, "count")), head: try hash(object, "head"))
        }
        if object["head_seq"] != nil {
            let keys = ["ok", "events", "head_seq", "head_hash", "connections", "appends", "uptime_seconds", "store_bytes"]
            try only(object, keys)
            return .stats(DaemonStats(
                events: Int(try count(object, "events")), headSeq: UInt64(try count(object, "head_seq")),
                headHash: try hash(object, "head_hash"), connections: Int(try count(object, "connections")),
                appends: Int(try count(object, "appends")), uptimeSeconds: Int(try count(object, "uptime_seconds")),
                storeBytes: Int(try count(object, "store_bytes"))
            ))
        }
        if object["pong"] != nil {
            try only(object, ["ok", "pong"])
            guard object["pong"] == .bool(true) else { throw fault("pong", "pong must be true") }
            return .pong
        }
        throw fault("response", "not a response of the protocol")
    }

    private static func error(_ object: JSONObject) throws(ValidationError) -> ProtocolError {
        try only(object, ["ok", "error"])
        guard case .object(let detail)? = object["error"] else { throw fault("error", "error must be an object") }
        try only(detail, ["code", "message", "index", "field", "seq"])
        guard case .string(let code)? = detail["code"], isCode(code) else {
            throw fault("error.code", "error.code must be lower-case letters, digits and underscores, starting with a letter")
        }
        guard case .string(let message)? = detail["message"], !message.isEmpty else {
            throw fault("error.message", "error.message must be a non-empty string")
        }
        var error = ProtocolError(code: code, message: message)
        error.index = try optionalCount(detail, "index", minimum: 0, nullable: false).map(Int.init)
        if let field = detail["field"] {
            guard case .string(let text) = field else { throw fault("error.field", "error.field must be a string") }
            error.field = text
        }
        error.seq = try optionalCount(detail, "seq", minimum: 1, nullable: false).map(UInt64.init)
        return error
    }

    /// Whether `code` is written as the daemon writes its codes: `[a-z][a-z0-9_]*` (`invalid_utf8` has a digit).
    private static func isCode(_ code: String) -> Bool {
        guard let first = code.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
        return code.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
        }
    }

    private static func only(_ object: JSONObject, _ keys: [String]) throws(ValidationError) {
        for key in object.keys where !keys.contains(key) {
            throw ValidationError(.unknownField, field: key, "\"\(key)\" does not belong in this response")
        }
    }

    private static func count(_ object: JSONObject, _ key: String) throws(ValidationError) -> Int64 {
        guard case .integer(let number)? = object[key], number >= 0 else {
            throw fault(key, "\(key) must be an integer of at least 0")
        }
        return number
    }

    private static func optionalCount(
        _ object: JSONObject, _ key: String, minimum: Int64, nullable: Bool = true
    ) throws(ValidationError) -> Int64? {
        guard let value = object[key] else {
            if nullable && minimum >= 1 && (key == "first_seq" || key == "last_seq") {
                throw fault(key, "\(key) is required (null when nothing was appended)")
            }
            return nil
        }
        if value == .null && nullable { return nil }
        guard case .integer(let number) = value, number >= minimum else {
            throw fault(key, "\(key) must be an integer of at least \(minimum)")
        }
        return number
    }

    private static func hash(_ object: JSONObject, _ key: String) throws(ValidationError) -> String {
        guard case .string(let text)? = object[key], text.utf8.count == 64, text == text.lowercased(), Hex.bytes(text) != nil else {
            throw fault(key, "\(key) must be 64 lower-case hex digits")
        }
        return text
    }

    private static func fault(_ field: String, _ message: String) -> ValidationError {
        ValidationError(.invalidValue, field: field, message)
    }
}
