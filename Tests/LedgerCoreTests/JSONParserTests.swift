import Testing

import LedgerCore

/// A JSON text the parser must refuse, with the code and byte offset it must report.
private struct BadJSON: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let code: JSONParseError.Code
    let offset: Int

    init(_ name: String, _ text: String, _ code: JSONParseError.Code, at offset: Int) {
        self.name = name
        self.bytes = Array(text.utf8)
        self.code = code
        self.offset = offset
    }

    init(_ name: String, bytes: [UInt8], _ code: JSONParseError.Code, at offset: Int) {
        self.name = name
        self.bytes = bytes
        self.code = code
        self.offset = offset
    }

    var testDescription: String { name }
}

@Suite("JSONParser")
struct JSONParserTests {
    // MARK: Values

    @Test(
        "integers that fit Int64 are exact",
        arguments: [
            ("0", Int64(0)), ("-0", 0), ("7", 7), ("-5", -5), ("150000000000", 150_000_000_000),
            ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
        ])
    func integers(text: String, expected: Int64) throws {
        #expect(try JSONParser.parse(text) == .integer(expected))
    }

    @Test(
        "other numbers keep their literal text",
        arguments: [
            "1.5", "-0.0", "1e3", "1E+3", "2e-3", "0.000000000000000000000000001", "1.0",
            "9223372036854775808", "-9223372036854775809", "100000000000000000000000",
        ])
    func numbers(text: String) throws {
        #expect(try JSONParser.parse(text) == .number(text))
        #expect(try JSONParser.parse(" \(text) ") == .number(text))
    }

    @Test("literals and surrounding white space")
    func literals() throws {
        #expect(try JSONParser.parse("true") == .bool(true))
        #expect(try JSONParser.parse("false") == .bool(false))
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse(" \t\r\n null \t\r\n") == .null)
        #expect(try JSONParser.parse("[]") == .array([]))
        #expect(try JSONParser.parse("{}") == .object(JSONObject()))
        #expect(try JSONParser.parse("[ 1 , true , null ]") == .array([.integer(1), .bool(true), .null]))
    }

    @Test(
        "string escapes decode",
        arguments: [
            (#""plain""#, "plain"),
            (#""""#, ""),
            (#""a\"b\\c\/d""#, "a\"b\\c/d"),
            (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
            (#""\u0041\u00e9\u20AC""#, "Aé€"),
            (#""\u0000""#, "\u{0}"),
            (#""\ud83d\ude00""#, "😀"),
            (#""x\uD834\uDD1Ey""#, "x𝄞y"),
            (#""é€😀 raw""#, "é€😀 raw"),
            (#""\u2028\u007f""#, "\u{2028}\u{7F}"),
            (#""tab\there and a very long run of plain text after it""#, "tab\there and a very long run of plain text after it"),
        ])
    func strings(text: String, expected: String) throws {
        #expect(try JSONParser.parse(text) == .string(expected))
    }

    @Test("objects keep key order and look keys up")
    func objects() throws {
        let value = try JSONParser.parse(#"{"type":"funded","line":"nhs","amount_pence":500,"source":{"title":"T"}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["type", "line", "amount_pence", "source"])
        #expect(object.count == 4)
        #expect(object["line"] == .string("nhs"))
        #expect(object["amount_pence"]?.integerValue == 500)
        #expect(object["source"]?.objectValue?["title"]?.stringValue == "T")
        #expect(object["missing"] == nil)
        #expect(object.map(\.key) == ["type", "line", "amount_pence", "source"])
    }

    @Test("keys that differ in bytes are different keys, even if canonically equivalent")
    func canonicallyEquivalentKeys() throws {
        let value = try JSONParser.parse(#"{"\u00e9":1,"e\u0301":2}"#)
        let object = try #require(value.objectValue)
        #expect(object.count == 2)
        #expect(object["\u{E9}"] == .integer(1))
        #expect(object["e\u{301}"] == .integer(2))
        #expect(JSONValue.string("\u{E9}") != .string("e\u{301}"))
    }

    @Test("a large object is indexed and still finds every key")
    func largeObject() throws {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let object = try #require(try JSONParser.parse("{\(members)}").objectValue)
        #expect(object.count == 40)
        for number in 0..<40 {
            #expect(object["k\(number)"] == .integer(Int64(number)))
        }
        let duplicate = "{\(members),\"k17\":0}"
        #expect(throws: JSONParseError(.duplicateKey, "duplicate key \"k17\"", offset: duplicate.utf8.count - 8)) {
            try JSONParser.parse(duplicate)
        }
    }

    @Test("JSONObject keeps first position, replaces, removes and compares regardless of order")
    func objectEditing() {
        var object = JSONObject([("a", .integer(1)), ("b", .integer(2)), ("a", .integer(3))])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .integer(3))
        object["c"] = .string("x")
        object["a"] = nil
        object["missing"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object.count == 2)
        #expect(object == JSONObject([("c", .string("x")), ("b", .integer(2))]))
        #expect(object != JSONObject([("c", .string("x")), ("b", .integer(3))]))
        #expect(object != JSONObject([("c", .string("x"))]))
        #expect(object != JSONObject([("c", .string("x")), ("d", .integer(2))]))
    }

    @Test("a large JSONObject stays consistent after removals")
    func largeObjectEditing() {
        var object = JSONObject((0..<30).map { ("k\($0)", JSONValue.integer(Int64($0))) })
        for number in stride(from: 0, to: 30, by: 3) {
            object["k\(number)"] = nil
        }
        #expect(object.count == 20)
        #expect(object["k3"] == nil)
        #expect(object["k29"] == .integer(29))
        #expect(object.keys.first == "k1")
        object["k3"] = .null
        #expect(object.keys.last == "k3")
        #expect(object["k3"] == .null)
    }

    @Test("bytes and string input agree")
    func bytesAndString() throws {
        let text = #"{"a":[1,-2,3.5,"x\n",{"b":null}],"é":"😀"}"#
        #expect(try JSONParser.parse(Array(text.utf8)) == JSONParser.parse(text))
    }

    @Test("typeName names each kind")
    func typeNames() {
        let values: [JSONValue] = [.null, .bool(true), .integer(1), .number("1.5"), .string(""), .array([]), .object(JSONObject())]
        #expect(values.map(\.typeName) == ["null", "boolean", "integer", "number", "string", "array", "object"])
    }

    // MARK: Refusals

    private static let badSyntax: [BadJSON] = [
        BadJSON("empty input", "", .invalidJSON, at: 0),
        BadJSON("only white space", "  \n", .invalidJSON, at: 3),
        BadJSON("two values", "1 2", .invalidJSON, at: 2),
        BadJSON("trailing data after object", #"{"a":1}x"#, .invalidJSON, at: 7),
        BadJSON("trailing comma in array", "[1,]", .invalidJSON, at: 3),
        BadJSON("trailing comma in object", #"{"a":1,}"#, .invalidJSON, at: 7),
        BadJSON("missing comma", "[1 2]", .invalidJSON, at: 3),
        BadJSON("missing colon", #"{"a" 1}"#, .invalidJSON, at: 5),
        BadJSON("unquoted key", "{a:1}", .invalidJSON, at: 1),
        BadJSON("single-quoted string", "'a'", .invalidJSON, at: 0),
        BadJSON("line comment", "[1] // c", .invalidJSON, at: 4),
        BadJSON("block comment", "/* c */ 1", .invalidJSON, at: 0),
        BadJSON("unclosed array", "[1", .invalidJSON, at: 2),
        BadJSON("unclosed object", #"{"a":1"#, .invalidJSON, at: 6),
        BadJSON("unterminated string", #""abc"#, .invalidJSON, at: 4),
        BadJSON("leading zero", "01", .invalidJSON, at: 0),
        BadJSON("negative leading zero", "-01", .invalidJSON, at: 0),
        BadJSON("plus sign", "+1", .invalidJSON, at: 0),
        BadJSON("bare fraction", ".5", .invalidJSON, at: 0),
        BadJSON("no fraction digits", "1.", .invalidJSON, at: 2),
        BadJSON("no exponent digits", "1e", .invalidJSON, at: 2),
        BadJSON("signed exponent without digits", "1e+", .invalidJSON, at: 3),
        BadJSON("lone minus", "-", .invalidJSON, at: 1),
        BadJSON("minus letter", "-a", .invalidJSON, at: 1),
        BadJSON("hex number", "0x10", .invalidJSON, at: 1),
        BadJSON("NaN", "NaN", .invalidJSON, at: 0),
        BadJSON("Infinity", "Infinity", .invalidJSON, at: 0),
        BadJSON("negative Infinity", "-Infinity", .invalidJSON, at: 1),
        BadJSON("misspelt true", "tru", .invalidJSON, at: 0),
        BadJSON("capital True", "True", .invalidJSON, at: 0),
        BadJSON("nul after literal", "nulll", .invalidJSON, at: 4),
        BadJSON("raw newline in string", "\"a\nb\"", .invalidJSON, at: 2),
        BadJSON("raw tab in string", "\"a\tb\"", .invalidJSON, at: 2),
        BadJSON("NUL in string", "\"a\u{0}b\"", .invalidJSON, at: 2),
        BadJSON("NUL outside string", "[1,\u{0}]", .invalidJSON, at: 3),
        BadJSON("NUL after value", "1\u{0}", .invalidJSON, at: 1),
        BadJSON("unknown escape", #""\x41""#, .invalidJSON, at: 1),
        BadJSON("escaped single quote", #""\'""#, .invalidJSON, at: 1),
        BadJSON("short unicode escape", #""\u12""#, .invalidJSON, at: 1),
        BadJSON("non-hex unicode escape", #""\u12G4""#, .invalidJSON, at: 1),
        BadJSON("lone high surrogate", #""\ud83d""#, .invalidJSON, at: 1),
        BadJSON("high surrogate then text", #""\ud83dx""#, .invalidJSON, at: 1),
        BadJSON("high surrogate then BMP escape", #""\ud83d\u0041""#, .invalidJSON, at: 1),
        BadJSON("two high surrogates", #""\ud83d\ud83d""#, .invalidJSON, at: 1),
        BadJSON("lone low surrogate", #""a\ude00""#, .invalidJSON, at: 2),
        BadJSON("byte order mark", "\u{FEFF}1", .invalidJSON, at: 0),
        BadJSON("non-breaking space as white space", "\u{A0}1", .invalidJSON, at: 0),
        BadJSON("form feed as white space", "\u{C}1", .invalidJSON, at: 0),
        BadJSON("duplicate key", #"{"line":"a","line":"b"}"#, .duplicateKey, at: 12),
        BadJSON("nested duplicate key", #"{"s":{"t":1, "t":2}}"#, .duplicateKey, at: 13),
        BadJSON("duplicate key by escape", #"{"a":1,"\u0061":2}"#, .duplicateKey, at: 7),
    ]

    @Test("malformed JSON is refused with its code and offset", arguments: badSyntax)
    private func refusesBadSyntax(bad: BadJSON) {
        #expect {
            try JSONParser.parse(bad.bytes)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.code == bad.code && error.offset == bad.offset
        }
    }

    private static let badUTF8: [BadJSON] = [
        BadJSON("0xFF byte", bytes: [0x22, 0xFF, 0x22], .invalidUTF8, at: 1),
        BadJSON("0xFE byte outside a string", bytes: [0x5B, 0xFE, 0x5D], .invalidUTF8, at: 1),
        BadJSON("stray continuation byte", bytes: [0x22, 0x80, 0x22], .invalidUTF8, at: 1),
        BadJSON("overlong slash C0 AF", bytes: [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8, at: 1),
        BadJSON("overlong C1 BF", bytes: [0x22, 0xC1, 0xBF, 0x22], .invalidUTF8, at: 1),
        BadJSON("overlong three-byte NUL", bytes: [0x22, 0xE0, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
        BadJSON("overlong four-byte", bytes: [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], .invalidUTF8, at: 1),
        BadJSON("encoded high surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, at: 1),
        BadJSON("encoded low surrogate", bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], .invalidUTF8, at: 1),
        BadJSON("above U+10FFFF", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
        BadJSON("F5 lead byte", bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
        BadJSON("truncated at end", bytes: [0x22, 0x61, 0xE2, 0x82], .invalidUTF8, at: 2),
        BadJSON("truncated before quote", bytes: [0x22, 0xE2, 0x82, 0x22], .invalidUTF8, at: 3),
        BadJSON("missing continuation", bytes: [0x22, 0xC3, 0x41, 0x22], .invalidUTF8, at: 2),
        BadJSON("after a long ASCII run", bytes: Array(#"{"title":"abcdefghijklmnop"#.utf8) + [0xFF, 0x22, 0x7D], .invalidUTF8, at: 26),
        BadJSON("after trailing garbage", bytes: [0x31, 0x20, 0x78, 0xFF], .invalidUTF8, at: 3),
    ]

    @Test("invalid UTF-8 anywhere is refused as invalid_utf8", arguments: badUTF8)
    private func refusesBadUTF8(bad: BadJSON) {
        #expect {
            try JSONParser.parse(bad.bytes)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.code == bad.code && error.offset == bad.offset
        }
    }

    @Test("valid multi-byte UTF-8 of every length is accepted")
    func acceptsValidUTF8() throws {
        let bytes: [UInt8] = [0x22, 0x7F, 0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80,
                              0xEF, 0xBF, 0xBF, 0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]
        #expect(try JSONParser.parse(bytes) == .string("\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"))
    }

    @Test("messages say what is wrong")
    func messages() {
        #expect(throws: JSONParseError(.invalidJSON, "unexpected character 'x', expected ',' or '}' after object member", offset: 7)) {
            try JSONParser.parse(#"{"a":1 x}"#)
        }
        #expect(throws: JSONParseError(.duplicateKey, "duplicate key \"line\"", offset: 12)) {
            try JSONParser.parse(#"{"line":"a","line":"b"}"#)
        }
        #expect(throws: JSONParseError(.invalidUTF8, "invalid UTF-8 byte 0xFF", offset: 1)) {
            try JSONParser.parse([0x22, 0xFF, 0x22])
        }
        #expect(throws: JSONParseError(.invalidJSON, "a number cannot have a leading zero", offset: 1)) {
            try JSONParser.parse("[01]")
        }
        #expect(throws: JSONParseError(.invalidJSON, "unescaped control character U+000A in string", offset: 2)) {
            try JSONParser.parse("\"a\nb\"")
        }
        #expect(throws: JSONParseError(.invalidJSON, "unexpected character U+FEFF, expected a value", offset: 0)) {
            try JSONParser.parse("\u{FEFF}{}")
        }
        #expect(throws: JSONParseError(.invalidJSON, "unexpected character '2' after the JSON value: only one value is allowed", offset: 2)) {
            try JSONParser.parse("1 2")
        }
        #expect(throws: JSONParseError(.invalidJSON, "lone high surrogate \\uD83D not followed by a low surrogate", offset: 1)) {
            try JSONParser.parse(#""\ud83d""#)
        }
    }

    // MARK: Depth

    @Test("nesting up to maxDepth is accepted, one more is too deep")
    func depthLimit() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONParser.parse(deepest) != .null)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError(.tooDeep, "arrays and objects are nested more than 64 deep", offset: 64)) {
            try JSONParser.parse(tooDeep)
        }
    }

    @Test("objects and arrays both count towards depth")
    func mixedDepth() throws {
        #expect(try JSONParser.parse(#"{"a":[{"b":[]}]}"#, maxDepth: 4) != .null)
        #expect {
            try JSONParser.parse(#"{"a":[{"b":[]}]}"#, maxDepth: 3)
        } throws: { error in
            (error as? JSONParseError)?.code == .tooDeep && (error as? JSONParseError)?.offset == 11
        }
        #expect(try JSONParser.parse("1", maxDepth: 0) == .integer(1))
        #expect((try? JSONParser.parse("[]", maxDepth: 0)) == nil)
    }

    @Test("a hundred thousand open brackets fail cleanly")
    func hugeNesting() {
        let brackets = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect {
            try JSONParser.parse(brackets)
        } throws: { error in
            (error as? JSONParseError)?.code == .tooDeep
        }
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect {
            try JSONParser.parse(objects)
        } throws: { error in
            (error as? JSONParseError)?.code == .tooDeep
        }
    }

    @Test("a raised maxDepth allows deeper nesting")
    func raisedDepth() throws {
        let depth = 500
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(text, maxDepth: depth)
        var levels = 1
        while case .array(let elements) = value, let first = elements.first {
            levels += 1
            value = first
        }
        #expect(levels == depth)
        #expect((try? JSONParser.parse(text, maxDepth: depth - 1)) == nil)
    }
}
