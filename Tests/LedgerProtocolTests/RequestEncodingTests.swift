import LedgerCore
import LedgerProtocol
import LedgerTestSupport
import Testing

/// Every request a client sends is written by `Request.line` and read by `RequestDecoder`, the
/// daemon's own reading of a line: the two agree on every kind of request.
@Suite struct RequestEncodingTests {
    static let date = CivilDate(year: 2025, month: 4, day: 15) ?? .latest

    /// One or more requests of every kind, with and without their optional fields.
    static let requests: [Request] = [
        .append((try? Events.batch([
            Events.announced("plan", amount: 1_000),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "f-1"),
        ])) ?? []),
        .at(date: date, department: nil, knownAt: nil, knownAtText: nil),
        .at(date: date, department: "home-office", knownAt: nil, knownAtText: nil),
        .at(date: date, department: nil, knownAt: Timestamp(cutoff: "2025-04-15"), knownAtText: "2025-04-15"),
        .at(
            date: date, department: "home-office", knownAt: Timestamp(cutoff: "2025-04-15T23:59:59.999+01:00"),
            knownAtText: "2025-04-15T23:59:59.999+01:00"
        ),
        .history(line: "hillsborough-law"),
        .export(fromSeq: 1),
        .export(fromSeq: 20),
        .subscribe(fromSeq: 1),
        .subscribe(fromSeq: 3),
        .verify,
        .stats,
        .ping,
    ]

    @Test func everyKindOfRequestIsCovered() {
        #expect(Set(Self.requests.map(\.op)) == ["append", "at", "history", "export", "subscribe", "verify", "stats", "ping"])
    }

    @Test(arguments: requests)
    func everyRequestReadsBackAsItself(_ request: Request) throws {
        let line = request.line
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1, "a request is one line")
        #expect(line.starts(with: Array(#"{"op":"\#(request.op)""#.utf8)), "op comes first")
        #expect(try RequestDecoder.decode(line: Array(line.dropLast())) == request)
    }

    @Test func theLinesAreThoseOfTheProtocolDocument() {
        #expect(String(decoding: Request.ping.line, as: UTF8.self) == #"{"op":"ping"}"# + "\n")
        #expect(String(decoding: Request.export(fromSeq: 20).line, as: UTF8.self) == #"{"op":"export","from_seq":20}"# + "\n")
        let at = Request.at(date: Self.date, department: "home-office", knownAt: Timestamp(cutoff: "2025-04-15"), knownAtText: "2025-04-15")
        #expect(String(decoding: at.line, as: UTF8.self) == #"{"op":"at","date":"2025-04-15","department":"home-office","known_at":"2025-04-15"}"# + "\n")
    }

    /// A cutoff given only as an instant is sent as RFC 3339, and read back as the same instant.
    @Test func aCutoffWithoutItsTextIsSentAsRFC3339() throws {
        let cutoff = try #require(Timestamp(cutoff: "2025-04-15"))
        let request = Request.at(date: Self.date, department: nil, knownAt: cutoff, knownAtText: nil)
        guard case .at(_, _, let knownAt, let text) = try RequestDecoder.decode(line: Array(request.line.dropLast())) else {
            Issue.record("not read back as at")
            return
        }
        #expect(knownAt == cutoff)
        #expect(text == cutoff.rfc3339)
    }

    /// A line is read as the daemon reads it: a fault of the JSON gets the parser's code and the
    /// byte it is at, a fault of the request `invalid_request` and the field.
    @Test(arguments: [
        ("{nope", "invalid_json", nil),
        (#"{"op":"ping","#, "invalid_json", nil),
        (#"{"op":"ping","op":"stats"}"#, "duplicate_key", nil),
        (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "too_deep", nil),
        ("[1,2,3]", "invalid_request", nil),
        (#"{"op":"fly"}"#, "invalid_request", "op"),
        (#"{"op":"ping","extra":1}"#, "invalid_request", "extra"),
        (#"{"op":"at","date":"15/04/2025"}"#, "invalid_request", "date"),
        (#"{"op":"export","from_seq":0}"#, "invalid_request", "from_seq"),
    ] as [(String, String, String?)])
    func aBadLineIsRefusedWithTheDaemonsCode(_ line: String, _ code: String, _ field: String?) {
        do {
            _ = try RequestDecoder.decode(line: Array(line.utf8))
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.code == code)
            #expect(error.field == field)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func invalidUTF8IsRefusedAtItsByte() {
        do {
            _ = try RequestDecoder.decode(line: Array(#"{"op":"ping","x":""#.utf8) + [0xFF, 0xFE] + Array("\"}".utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.code == "invalid_utf8")
            #expect(error.message.hasSuffix("at byte 19"), "\(error.message)")
        }
    }

    @Test func aLineTooLongIsAnsweredWithItsLengthAndTheLimit() {
        let error = RequestDecoder.tooLong(length: 5000, limit: 4096)
        #expect(error.code == "line_too_long")
        #expect(error.message == "the request line is 5000 bytes, over the limit of 4096")
    }
}
