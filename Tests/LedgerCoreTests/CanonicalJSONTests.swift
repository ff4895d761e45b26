import Testing

import LedgerCore

@Suite("CanonicalJSON")
struct CanonicalJSONTests {
    private func canonical(_ text: String) throws -> String {
        CanonicalJSON.string(try JSONParser.parse(text))
    }

    @Test("objects are sorted, with no white space")
    func sortsAndCompacts() throws {
        let text = #"{ "type" : "funded", "line": "nhs", "amount_pence": 500, "source": {"url": "u", "title": "T"} }"#
        #expect(try canonical(text) == #"{"amount_pence":500,"line":"nhs","source":{"title":"T","url":"u"},"type":"funded"}"#)
        #expect(CanonicalJSON.encode(try JSONParser.parse(text)) == Array(
            #"{"amount_pence":500,"line":"nhs","source":{"title":"T","url":"u"},"type":"funded"}"#.utf8))
    }

    @Test("scalars and containers")
    func scalars() throws {
        #expect(CanonicalJSON.string(.null) == "null")
        #expect(CanonicalJSON.string(.bool(true)) == "true")
        #expect(CanonicalJSON.string(.bool(false)) == "false")
        #expect(CanonicalJSON.string(.array([])) == "[]")
        #expect(CanonicalJSON.string(.object(JSONObject())) == "{}")
        #expect(try canonical("[ 1 , [ ] , { } , null ]") == "[1,[],{},null]")
        #expect(try canonical(#"[3,1,2]"#) == "[3,1,2]")
    }

    @Test(
        "integers are plain decimal",
        arguments: [
            (Int64(0), "0"), (-5, "-5"), (7, "7"), (150_000_000_000, "150000000000"),
            (Int64.max, "9223372036854775807"), (Int64.min, "-9223372036854775808"),
        ])
    func integers(value: Int64, expected: String) {
        #expect(CanonicalJSON.encode(.integer(value)) == Array(expected.utf8))
    }

    @Test("-0 is the integer 0")
    func negativeZero() throws {
        #expect(try canonical("-0") == "0")
    }

    @Test("a non-integer number is written as its literal")
    func numberLiteral() {
        #expect(CanonicalJSON.string(.number("1.5")) == "1.5")
        #expect(CanonicalJSON.string(.number("99999999999999999999")) == "99999999999999999999")
    }

    @Test(
        "control characters are escaped as JSON.stringify does",
        arguments: 0..<0x20)
    func controlCharacters(code: Int) throws {
        let scalar = try #require(Unicode.Scalar(code))
        let named: [Int: String] = [0x08: #"\b"#, 0x09: #"\t"#, 0x0A: #"\n"#, 0x0C: #"\f"#, 0x0D: #"\r"#]
        let hex = String(code, radix: 16)
        let expected = named[code] ?? "\\u00" + String(repeating: "0", count: 2 - hex.count) + hex
        #expect(CanonicalJSON.string(.string(String(Character(scalar)))) == "\"\(expected)\"")
    }

    @Test("escapes exactly quote and backslash; everything else is literal UTF-8")
    func escaping() {
        #expect(CanonicalJSON.encode(.string("a\"b\\c")) == Array(#""a\"b\\c""#.utf8))
        #expect(CanonicalJSON.encode(.string("/\u{7F}é\u{2028}\u{2029}😀")) ==
            [0x22, 0x2F, 0x7F, 0xC3, 0xA9, 0xE2, 0x80, 0xA8, 0xE2, 0x80, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0x22])
        #expect(CanonicalJSON.encode(.string("\u{1F}\u{0}")) == Array(#""\u001f\u0000""#.utf8))
    }

    /// RFC 8785 section 3.2.2: the string and literal parts of its sample.
    @Test("RFC 8785 serialization example, strings and literals")
    func rfcStringExample() throws {
        let input = #"""
            {
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        #expect(try canonical(input) == #"{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    /// RFC 8785 section 3.2.3: keys sorted by UTF-16 code units.
    @Test("RFC 8785 sorting example")
    func rfcSortingExample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let expected =
            #"{"\r":"Carriage Return","1":"One","\#u{80}":"Control","ö":"Latin Small Letter O With Diaeresis","#
            + #""€":"Euro Sign","😀":"Emoji: Grinning Face","\#u{FB33}":"Hebrew Letter Dalet With Dagesh"}"#
        let bytes = CanonicalJSON.encode(try JSONParser.parse(input))
        #expect(bytes == Array(expected.utf8))
        // U+FB33 must be written as itself, not decomposed.
        #expect(bytes.suffix(40).prefix(5) == [0x22, 0xEF, 0xAC, 0xB3, 0x22])
    }

    @Test("a key beyond U+FFFF sorts before one in U+E000...U+FFFF, unlike Swift's <")
    func utf16OrderNotScalarOrder() throws {
        #expect("\u{E000}" < "\u{1F600}")  // Swift orders by scalar...
        let object = JSONObject([
            ("\u{FFFD}", .integer(1)), ("\u{E000}", .integer(2)), ("\u{1F600}", .integer(3)),
            ("\u{10000}", .integer(4)), ("\u{D7FF}", .integer(5)), ("z", .integer(6)),
        ])
        // ...JCS by UTF-16 code unit: D7FF < D800 DC00 (U+10000) < D83D DE00 (U+1F600) < E000 < FFFD.
        #expect(CanonicalJSON.string(.object(object)) ==
            "{\"z\":6,\"\u{D7FF}\":5,\"\u{10000}\":4,\"\u{1F600}\":3,\"\u{E000}\":2,\"\u{FFFD}\":1}")
    }

    @Test("a key that is a prefix of another sorts first; shared long prefixes still order")
    func prefixOrdering() {
        let object = JSONObject([
            ("source_url_long_b", .integer(1)), ("source", .integer(2)), ("source_url_long_a", .integer(3)),
            ("", .integer(4)), ("sourc", .integer(5)), ("source\u{1F600}", .integer(6)), ("source\u{E000}", .integer(7)),
        ])
        #expect(CanonicalJSON.string(.object(object)) ==
            "{\"\":4,\"sourc\":5,\"source\":2,\"source_url_long_a\":3,\"source_url_long_b\":1,\"source\u{1F600}\":6,\"source\u{E000}\":7}")
    }

    @Test("encode(into:) appends")
    func appends() {
        var bytes = Array("x".utf8)
        CanonicalJSON.encode(.array([.integer(1), .string("a")]), into: &bytes)
        #expect(bytes == Array(#"x[1,"a"]"#.utf8))
    }

    // MARK: Properties

    static let samples: [String] = [
        #"{"id":"e1","type":"announced","line":"nhs-elective","effective":"2025-07-01","department":"dhsc","title":"Elective recovery","amount_pence":150000000000,"kind":"funding","source":{"title":"Spending Review","url":"https://www.gov.uk/sr"}}"#,
        #"{"b":[1,{"d":null,"c":true}],"a":"\u00e9\n\u2028","\u00e9":-9223372036854775808}"#,
        #"[{"z":{"y":{"x":[[],{}]}}},"\ud83d\ude00\t",false,0]"#,
        #"{"\ufb33":1,"\u05d3\u05bc":2,"e\u0301":3,"\u00e9":4}"#,
        #""just a string \"with\" escapes\\""#,
    ]

    @Test("decode, encode, decode gives the same value, and encoding is idempotent", arguments: samples)
    func roundTrip(text: String) throws {
        let value = try JSONParser.parse(text)
        let encoded = CanonicalJSON.encode(value)
        let decoded = try JSONParser.parse(encoded)
        #expect(decoded == value)
        #expect(CanonicalJSON.encode(decoded) == encoded)
    }

    @Test("the round-trip properties hold for generated values")
    func generatedRoundTrip() throws {
        var generator = ValueGenerator(seed: 0x1ED6E5)
        for _ in 0..<300 {
            let value = generator.value(depth: 0)
            let encoded = CanonicalJSON.encode(value)
            let decoded = try JSONParser.parse(encoded)
            #expect(decoded == value)
            #expect(CanonicalJSON.encode(decoded) == encoded)
            let reordered = generator.reordered(value)
            #expect(CanonicalJSON.encode(reordered) == encoded)
        }
    }
}

/// Deterministic random JSON values (SplitMix64), with awkward strings and keys.
private struct ValueGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func below(_ limit: Int) -> Int {
        Int(next() % UInt64(limit))
    }

    private static let pieces: [String] = [
        "a", "line", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "e\u{301}", "€",
        "\u{2028}", "\u{D7FF}", "\u{E000}", "\u{FB33}", "\u{FFFD}", "\u{FFFF}", "😀", "\u{10000}", "\u{10FFFF}",
    ]

    mutating func string() -> String {
        (0..<below(6)).map { _ in Self.pieces[below(Self.pieces.count)] }.joined()
    }

    mutating func value(depth: Int) -> JSONValue {
        switch below(depth < 4 ? 8 : 5) {
        case 0: return .null
        case 1: return .bool(below(2) == 0)
        case 2: return .integer(Int64(bitPattern: next()) >> UInt64(below(64)))
        case 3, 4: return .string(string())
        case 5: return .array((0..<below(4)).map { _ in value(depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<below(6) {
                object[string()] = value(depth: depth + 1)
            }
            return .object(object)
        }
    }

    /// The same value with every object's members in a shuffled order.
    mutating func reordered(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map { reordered($0) })
        case .object(let object):
            var members = Array(object)
            for position in members.indices.reversed() {
                members.swapAt(position, below(position + 1))
            }
            return .object(JSONObject(members.map { ($0.key, reordered($0.value)) }))
        default:
            return value
        }
    }
}
