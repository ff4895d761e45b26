/// Why bytes are not one strict RFC 8259 JSON value: a stable code, a message and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable machine codes, matching the wire error codes.
    public enum Code: String, Sendable, CaseIterable {
        /// The bytes are not valid UTF-8.
        case invalidUTF8 = "invalid_utf8"
        /// The text is not JSON: bad syntax, trailing data, a bad escape or number.
        case invalidJSON = "invalid_json"
        /// Arrays and objects are nested deeper than allowed.
        case tooDeep = "too_deep"
        /// An object has the same key twice.
        case duplicateKey = "duplicate_key"
    }

    /// What kind of problem it is.
    public let code: Code
    /// What is wrong, for people.
    public let message: String
    /// The byte offset in the input where the problem was found.
    public let offset: Int

    /// An error with the given code, message and byte offset.
    public init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// `code at byte N: message`.
    public var description: String {
        "\(code.rawValue) at byte \(offset): \(message)"
    }
}
