import LedgerCore

/// An error answered on the socket: `{"ok":false,"error":{"code","message","index"?,"field"?,"seq"?}}`.
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The codes of the protocol itself; event rules use `ValidationError`'s codes.
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case forbidden
        case tooManyConnections = "too_many_connections"
        case connectionEvicted = "connection_evicted"
        case subscriberLagging = "subscriber_lagging"
        case chainBroken = "chain_broken"
        case shuttingDown = "shutting_down"
        case `internal`
    }

    /// The stable code, as sent.
    public var code: String
    /// What is wrong, for people.
    public var message: String
    /// The position of the bad event in an append.
    public var index: Int?
    /// The field at fault.
    public var field: String?
    /// The seq concerned (a broken chain).
    public var seq: UInt64?

    /// An error of the protocol.
    public init(_ code: Code, _ message: String, field: String? = nil, seq: UInt64? = nil) {
        self.code = code.rawValue
        self.message = message
        self.field = field
        self.seq = seq
    }

    /// A refused event or a malformed line.
    public init(_ error: ValidationError) {
        code = error.code.rawValue
        message = error.message
        index = error.index
        field = error.field
    }

    /// An error with any code, as read off the wire: a code written as the daemon writes them.
    public init(code: String, message: String, index: Int? = nil, field: String? = nil, seq: UInt64? = nil) {
        self.code = code
        self.message = message
        self.index = index
        self.field = field
        self.seq = seq
    }

    /// The response line.
    public var json: JSONValue {
        var detail = JSONObject([("code", .string(code)), ("message", .string(message))])
        if let index { detail["index"] = .integer(Int64(index)) }
        if let field { detail["field"] = .string(field) }
        if let seq { detail["seq"] = .integer(Int64(seq)) }
        return .object(JSONObject([("ok", .bool(false)), ("error", .object(detail))]))
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
