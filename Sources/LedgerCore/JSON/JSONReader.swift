/// The parsing state over one buffer of valid UTF-8; iterative, so nesting never grows the stack.
struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let end: Int
    private let maxDepth: Int
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = maxDepth
    }

    /// What kind of container each open level is.
    private enum Level {
        case array
        case object
    }

    /// Reads the whole input as one value with only white space around it.
    mutating func document() throws(JSONParseError) -> JSONValue {
        var levels: [Level] = []
        var arrays: [[JSONValue]] = []
        var objects: [JSONObject] = []
        var keys: [String] = []

        parsing: while true {
            skipWhitespace()
            guard index < end else {
                throw error("unexpected end of input, expected a value")
            }
            var value: JSONValue
            switch bytes[index] {
            case UInt8(ascii: "{"):
                try checkDepth(levels.count + 1)
                index += 1
                skipWhitespace()
                if index < end && bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    value = .object(JSONObject())
                } else {
                    levels.append(.object)
                    // Room for a typical event's members, so most objects never grow.
                    objects.append(JSONObject(reservingCapacity: 12))
                    keys.append(try memberKey(in: JSONObject(), expecting: "a string key or '}'"))
                    continue parsing
                }
            case UInt8(ascii: "["):
                try checkDepth(levels.count + 1)
                index += 1
                skipWhitespace()
                if index < end && bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    value = .array([])
                } else {
                    levels.append(.array)
                    arrays.append([])
                    continue parsing
                }
            case UInt8(ascii: "\""):
                value = .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = try number()
            default:
                throw error("\(unexpected()), expected a value")
            }

            // Hand the finished value to the container it is in, closing containers as they end.
            while true {
                guard let level = levels.last else {
                    skipWhitespace()
                    if index < end {
                        throw error("\(unexpected()) after the JSON value: only one value is allowed")
                    }
                    return value
                }
                switch level {
                case .array:
                    arrays[arrays.count - 1].append(value)
                    skipWhitespace()
                    guard index < end else {
                        throw error("unexpected end of input, expected ',' or ']' after array element")
                    }
                    switch bytes[index] {
                    case UInt8(ascii: ","):
                        index += 1
                        continue parsing
                    case UInt8(ascii: "]"):
                        index += 1
                        levels.removeLast()
                        value = .array(arrays.removeLast())
                    default:
                        throw error("\(unexpected()), expected ',' or ']' after array element")
                    }
                case .object:
                    objects[objects.count - 1].appendNew(key: keys.removeLast(), value: value)
                    skipWhitespace()
                    guard index < end else {
                        throw error("unexpected end of input, expected ',' or '}' after object member")
                    }
                    switch bytes[index] {
                    case UInt8(ascii: ","):
                        index += 1
                        keys.append(try memberKey(in: objects[objects.count - 1], expecting: "a string key"))
                        continue parsing
                    case UInt8(ascii: "}"):
                        index += 1
                        levels.removeLast()
                        value = .object(objects.removeLast())
                    default:
                        throw error("\(unexpected()), expected ',' or '}' after object member")
                    }
                }
            }
        }
    }

    // MARK: - Pieces

    private mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func checkDepth(_ depth: Int) throws(JSONParseError) {
        if depth > maxDepth {
            throw JSONParseError(
                .tooDeep, "arrays and objects are nested more than \(maxDepth) deep", offset: index)
        }
    }

    /// Reads `"key" :` for a member of `object`, refusing a key it already has.
    private mutating func memberKey(in object: JSONObject, expecting: String) throws(JSONParseError) -> String {
        skipWhitespace()
        guard index < end else {
            throw error("unexpected end of input, expected \(expecting)")
        }
        guard bytes[index] == UInt8(ascii: "\"") else {
            throw error("\(unexpected()), expected \(expecting)")
        }
        let keyOffset = index
        let key = try string()
        if object.contains(key) {
            throw JSONParseError(.duplicateKey, "duplicate key \(Self.quoted(key))", offset: keyOffset)
        }
        skipWhitespace()
        guard index < end else {
            throw error("unexpected end of input, expected ':' after object key")
        }
        guard bytes[index] == UInt8(ascii: ":") else {
            throw error("\(unexpected()), expected ':' after object key")
        }
        index += 1
        return key
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let start = index
        let length = word.utf8CodeUnitCount
        let expected = word.utf8Start
        for offset in 0..<length {
            guard start + offset < end, bytes[start + offset] == expected[offset] else {
                throw JSONParseError(.invalidJSON, "invalid literal, expected '\(word)'", offset: start)
            }
        }
        index = start + length
    }

    /// Reads `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: an `Int64` when it is a
    /// plain integer that fits, otherwise the literal text.
    private mutating func number() throws(JSONParseError) -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative {
            index += 1
        }
        guard index < end, Self.isDigit(bytes[index]) else {
            throw error(index < end ? "\(unexpected()), expected a digit after '-'" : "unexpected end of input, expected a digit after '-'")
        }
        // Accumulate negatively so that Int64.min fits.
        var accumulated: Int64 = 0
        var fits = true
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < end && Self.isDigit(bytes[index]) {
                throw JSONParseError(.invalidJSON, "a number cannot have a leading zero", offset: start)
            }
        } else {
            while index < end && Self.isDigit(bytes[index]) {
                if fits {
                    let digit = Int64(bytes[index] &- UInt8(ascii: "0"))
                    let (times10, overflow1) = accumulated.multipliedReportingOverflow(by: 10)
                    let (next, overflow2) = times10.subtractingReportingOverflow(digit)
                    if overflow1 || overflow2 {
                        fits = false
                    } else {
                        accumulated = next
                    }
                }
                index += 1
            }
        }
        var integral = true
        if index < end && bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard index < end, Self.isDigit(bytes[index]) else {
                throw error("expected a digit after the decimal point")
            }
            while index < end && Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            integral = false
            index += 1
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < end, Self.isDigit(bytes[index]) else {
                throw error("expected a digit in the exponent")
            }
            while index < end && Self.isDigit(bytes[index]) { index += 1 }
        }
        if integral && fits {
            if negative { return .integer(accumulated) }
            if accumulated != Int64.min { return .integer(-accumulated) }
        }
        return .number(text(from: start, to: index))
    }

    /// Reads a string starting at its opening quote; the input is already known to be valid UTF-8.
    private mutating func string() throws(JSONParseError) -> String {
        index += 1
        var runStart = index
        // Most strings have no escapes: they become one slice of the input.
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let result = text(from: runStart, to: index)
                index += 1
                return result
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw controlCharacter(byte) }
            index += 1
        }
        guard index < end else {
            throw error("unexpected end of input inside a string")
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(index - runStart + 16)
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                try escape(into: &decoded)
                runStart = index
                continue
            }
            if byte < 0x20 { throw controlCharacter(byte) }
            index += 1
        }
        throw error("unexpected end of input inside a string")
    }

    /// Decodes one escape starting at its backslash.
    private mutating func escape(into decoded: inout [UInt8]) throws(JSONParseError) {
        let start = index
        index += 1
        guard index < end else {
            throw error("unexpected end of input inside a string")
        }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""): decoded.append(0x22)
        case UInt8(ascii: "\\"): decoded.append(0x5C)
        case UInt8(ascii: "/"): decoded.append(0x2F)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hexQuad(escapeStart: start)
            var scalar: UInt32
            switch unit {
            case 0xD800...0xDBFF:
                let lowStart = index
                guard index + 1 < end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(
                        .invalidJSON, "lone high surrogate \\u\(Self.hex4(unit)) not followed by a low surrogate",
                        offset: start)
                }
                index += 2
                let low = try hexQuad(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONParseError(
                        .invalidJSON, "lone high surrogate \\u\(Self.hex4(unit)) not followed by a low surrogate",
                        offset: start)
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            case 0xDC00...0xDFFF:
                throw JSONParseError(
                    .invalidJSON, "lone low surrogate \\u\(Self.hex4(unit)) with no high surrogate before it",
                    offset: start)
            default:
                scalar = unit
            }
            Self.appendUTF8(scalar, to: &decoded)
        default:
            throw JSONParseError(
                .invalidJSON, "invalid escape \(Self.describeEscape(letter)) in string", offset: start)
        }
    }

    /// Reads the four hex digits of a `\u` escape, the index being just after the `u`.
    private mutating func hexQuad(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard index < end else {
                throw JSONParseError(.invalidJSON, "\\u escape needs four hex digits", offset: escapeStart)
            }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default:
                throw JSONParseError(.invalidJSON, "\\u escape needs four hex digits", offset: escapeStart)
            }
            unit = unit << 4 | UInt32(digit)
            index += 1
        }
        return unit
    }

    // MARK: - Helpers

    private func text(from start: Int, to stop: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
    }

    private func error(_ message: String) -> JSONParseError {
        JSONParseError(.invalidJSON, message, offset: index)
    }

    private func controlCharacter(_ byte: UInt8) -> JSONParseError {
        JSONParseError(
            .invalidJSON, "unescaped control character U+\(Self.hex4(UInt32(byte))) in string", offset: index)
    }

    /// Names the character at `index` for a message: `unexpected character 'x'`.
    private func unexpected() -> String {
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F {
            return "unexpected character '\(Character(Unicode.Scalar(byte)))'"
        }
        if byte < 0x80 {
            return "unexpected character U+\(Self.hex4(UInt32(byte)))"
        }
        // The input is valid UTF-8, so the scalar here decodes.
        let tail = UnsafeBufferPointer(rebasing: bytes[index..<Swift.min(end, index + 4)])
        let scalar = String(decoding: tail, as: UTF8.self).unicodeScalars.first?.value ?? UInt32(byte)
        return "unexpected character U+\(Self.hex4(scalar))"
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// At least four upper-case hex digits: `00E9`, `1F600`.
    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }

    private static func describeEscape(_ letter: UInt8) -> String {
        if letter >= 0x21 && letter < 0x7F {
            return "'\\\(Character(Unicode.Scalar(letter)))'"
        }
        return "'\\' followed by byte \(UTF8Validator.hexByte(letter))"
    }

    /// `"key"`, cut short when long so a message stays readable.
    private static func quoted(_ key: String) -> String {
        let scalars = key.unicodeScalars
        if scalars.count > 80 {
            return "\"" + String(String.UnicodeScalarView(scalars.prefix(80))) + "…\""
        }
        return "\"" + key + "\""
    }

    private static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
