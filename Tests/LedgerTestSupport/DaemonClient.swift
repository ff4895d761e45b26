import LedgerClient
import LedgerCore

/// Small conveniences over the real client, for talking to a test daemon.
extension LedgerConnection {
    /// Sends a request written as JSON text and returns the parsed response.
    public func call(_ json: String) throws -> JSONObject {
        try send(raw: Array((json + "\n").utf8))
        guard let response = try receive(), case .object(let object) = response else {
            throw DaemonFailure(message: "no response to \(json)")
        }
        return object
    }

    /// Appends events given as NDJSON lines.
    public func append(_ lines: [String]) throws -> JSONObject {
        try call(#"{"op":"append","events":[\#(lines.joined(separator: ","))]}"#)
    }
}

extension JSONObject {
    /// The integer under `key`, or -1.
    public func int(_ key: String) -> Int64 { self[key]?.integerValue ?? -1 }

    /// The error code of an error response.
    public var errorCode: String? { self["error"]?.objectValue?["code"]?.stringValue }
}
