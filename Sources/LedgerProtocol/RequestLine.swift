import LedgerCore

extension RequestDecoder {
    /// Decodes one request line as the daemon reads it, without its newline: first as JSON, a
    /// fault there answered with the parser's own code (`invalid_json`, `invalid_utf8`,
    /// `too_deep`, `duplicate_key`), then as a request (`invalid_request`).
    public static func decode(line: [UInt8]) throws(ProtocolError) -> Request {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw ProtocolError(ValidationError(parsing: error))
        }
        return try decode(value)
    }

    /// Decodes one request line held in any collection of bytes (a network buffer, say).
    public static func decode(line: some Collection<UInt8>) throws(ProtocolError) -> Request {
        try decode(line: Array(line))
    }

    /// The answer to a line longer than the daemon reads (`line_too_long`): `length` bytes
    /// came before the daemon gave up on it, over `limit`.
    public static func tooLong(length: Int, limit: Int) -> ProtocolError {
        ProtocolError(ValidationError(.lineTooLong, "the request line is \(length) bytes, over the limit of \(limit)"))
    }
}

extension ValidationError {
    /// A line that is not JSON, with the parser's code and the byte (counted from 1) it failed at.
    init(parsing error: JSONParseError) {
        let code: ValidationError.Code = switch error.code {
        case .invalidUTF8: .invalidUTF8
        case .tooDeep: .tooDeep
        case .duplicateKey: .duplicateKey
        case .invalidJSON: .invalidJSON
        }
        self.init(code, "\(error.message) at byte \(error.offset + 1)")
    }
}
