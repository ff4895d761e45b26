import LedgerClient
import LedgerCore
import LedgerProtocol

/// Small conveniences over the real client, for talking to a test daemon.
extension LedgerConnection {
    /// Appends events given as NDJSON lines, as one batch.
    public func append(_ lines: [String]) throws -> AppendReport {
        try append(Events.batch(lines))
    }

    /// Sends `line` as it is (a newline is added) and returns the response, decoded: for lines
    /// that are deliberately not what a client writes.
    public func answer(raw line: String) throws -> Response {
        try send(raw: Array((line + "\n").utf8))
        guard let response = try receive() else { throw DaemonFailure(message: "no response to \(line)") }
        return response
    }

    /// Every stored event from `seq` on, as `export` sends them.
    public func exportedEvents(from seq: UInt64 = 1) throws -> [JSONObject] {
        var stream = try export(from: seq)
        var events: [JSONObject] = []
        while let event = try stream.next() { events.append(event) }
        return events
    }
}

/// The daemon's refusal of what `body` asks of it; nil when it was not refused. Other failures are thrown.
public func refusalOf<Value>(_ body: () throws -> Value) throws -> ProtocolError? {
    do {
        _ = try body()
        return nil
    } catch let error as ClientError {
        guard let refusal = error.refusal else { throw error }
        return refusal
    }
}

extension Response {
    /// The error it carries, when it is an error.
    public var refusal: ProtocolError? {
        if case .error(let error) = self { return error }
        return nil
    }
}

extension JSONObject {
    /// The integer under `key`, or -1.
    public func int(_ key: String) -> Int64 { self[key]?.integerValue ?? -1 }
}

extension CivilDate {
    /// The date written YYYY-MM-DD; a malformed literal in a test is thrown.
    public static func iso(_ text: String) throws -> CivilDate {
        guard let date = CivilDate(iso: text) else { throw DaemonFailure(message: "\(text) is not a date") }
        return date
    }
}
