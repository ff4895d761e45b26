import LedgerCore
import LedgerProtocol
import LedgerTestSupport
import Testing

/// Every response the daemon sends is written by `Response.line` and read by `ResponseDecoder`,
/// which refuses anything not exactly of the protocol: the two agree on every kind of response.
@Suite struct ResponseEncodingTests {
    static let example: [String] = {
        (try? String(contentsOfFile: Paths.exampleLedger, encoding: .utf8))?
            .split(separator: "\n").map(String.init) ?? []
    }()

    /// The example's events as the store exports them: canonical JSON with seq, recorded and hash.
    static let exported: [JSONObject] = {
        var previous = EventRecord.genesisHash
        return example.enumerated().compactMap { position, text in
            guard case .object(let input)? = try? Events.json(text) else { return nil }
            let id = input["id"]?.stringValue ?? EventDecoder.derivedID(of: .object(input))
            let canonical = EventRecord.canonicalBytes(
                input: input, id: id, seq: UInt64(position + 1), recorded: Timestamp(millisecondsSinceEpoch: 1_737_000_000_000)
            )
            previous = EventRecord.chainHash(previous: previous, canonical: canonical)
            return (try? JSONParser.parse(EventRecord.exportBytes(canonical: canonical, hash: previous)))?.objectValue
        }
    }()

    /// History entries: exported events with `retracted_by`, one of them retracted.
    static var history: [JSONObject] {
        exported.prefix(3).enumerated().map { position, event in
            var entry = event
            entry["retracted_by"] = position == 1 ? exported[2]["id"] ?? .null : .null
            return entry
        }
    }

    static let head = String(repeating: "0123456789abcdef", count: 4)

    /// One or more responses of every kind.
    static var responses: [Response] {
        let date = CivilDate(year: 2025, month: 4, day: 15) ?? .latest
        let whole = (try? Events.result(example, at: date)) ?? AtReport.build(at: date, knownAt: nil, states: [], department: nil)
        return [
            .appended(AppendReport(appended: 24, duplicates: 0, firstSeq: 1, lastSeq: 24)),
            .appended(AppendReport(appended: 2, duplicates: 1, firstSeq: 25, lastSeq: 26)),
            .appended(AppendReport(appended: 0, duplicates: 3, firstSeq: nil, lastSeq: nil)),
            .at(whole),
            .at(AtReport.build(at: date, knownAt: "2000-01-01T00:00:00Z", states: [], department: "home-office")),
            .history(history),
            .history([]),
            .event(exported[0]),
            .event(exported[exported.count - 1]),
            .exportDone(count: 5),
            .exportDone(count: 0),
            .verified(count: 24, head: head),
            .stats(DaemonStats(events: 24, headSeq: 24, headHash: head, connections: 1, appends: 2, uptimeSeconds: 7, storeBytes: 65_536)),
            .pong,
            .error(ProtocolError(.invalidRequest, "unknown op \"fly\"", field: "op")),
            .error(ProtocolError(ValidationError(.unknownLine, field: "line", "no line \"nowhere\" has been announced", index: 1))),
            .error(ProtocolError(.chainBroken, "the chain is broken at seq 24: its bytes do not match its chain hash", seq: 24)),
            .error(ProtocolError(code: "storage_full", message: "storage is full")),
        ]
    }

    @Test func theExampleIsExported() {
        #expect(Self.exported.count == 24)
    }

    @Test(arguments: responses)
    func everyResponseReadsBackAsItself(_ response: Response) throws {
        let line = response.line
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1, "a response is one line")
        let back = try ResponseDecoder.decode(line: Array(line.dropLast()))
        if case .at(let result) = response, case .at(let read) = back {
            // An `at` result on the wire carries what a reader needs, not the fold's every field
            // (when a line was announced, say): it reads back as the same document.
            #expect(AtJSON.value(read) == AtJSON.value(result))
        } else {
            #expect(back == response)
        }
    }

    /// Read back and written again, a line is the same bytes: what the daemon writes is what these write.
    @Test(arguments: responses)
    func everyLineIsWrittenAgainByteForByte(_ response: Response) throws {
        let line = response.line
        #expect(try ResponseDecoder.decode(line: Array(line.dropLast())).line == line)
    }

    @Test func theLinesAreThoseOfTheProtocolDocument() {
        func text(_ response: Response) -> String { String(decoding: response.line, as: UTF8.self) }
        #expect(text(.pong) == #"{"ok":true,"pong":true}"# + "\n")
        #expect(text(.appended(AppendReport(appended: 0, duplicates: 3, firstSeq: nil, lastSeq: nil)))
            == #"{"ok":true,"first_seq":null,"last_seq":null,"appended":0,"duplicates":3}"# + "\n")
        #expect(text(.exportDone(count: 5)) == #"{"ok":true,"done":true,"count":5}"# + "\n")
        #expect(text(.verified(count: 24, head: Self.head)) == #"{"ok":true,"intact":true,"count":24,"head":"\#(Self.head)"}"# + "\n")
        #expect(text(.error(ProtocolError(.chainBroken, "broken", seq: 24)))
            == #"{"ok":false,"error":{"code":"chain_broken","message":"broken","seq":24}}"# + "\n")
        #expect(text(.stats(DaemonStats(events: 1, headSeq: 1, headHash: Self.head, connections: 2, appends: 3, uptimeSeconds: 4, storeBytes: 5)))
            == #"{"ok":true,"events":1,"head_seq":1,"head_hash":"\#(Self.head)","connections":2,"appends":3,"uptime_seconds":4,"store_bytes":5}"# + "\n")
    }

    /// The answer to `at` carries the result's bytes exactly as `AtJSON` writes them.
    @Test func anAtAnswerHoldsTheResultAsAtJSONWritesIt() throws {
        let date = try #require(CivilDate(iso: "2025-04-15"))
        let result = try Events.result(Self.example, at: date)
        var expected = Array(#"{"ok":true,"result":"#.utf8)
        AtJSON.encode(result, into: &expected)
        expected += Array("}\n".utf8)
        #expect(Response.at(result).line == expected)
    }

    /// An event line wraps the export bytes as given, unparsed.
    @Test func anEventLineWrapsTheExportBytes() {
        var line: [UInt8] = []
        Response.encodeEvent(exportLine: Array(#"{"a":1}"#.utf8), into: &line)
        #expect(String(decoding: line, as: UTF8.self) == #"{"event":{"a":1}}"# + "\n")
        #expect(Response.event(Self.exported[0]).line == Array(#"{"event":"#.utf8) + CanonicalJSON.encode(.object(Self.exported[0])) + Array("}\n".utf8))
    }

    @Test func aLineThatIsNotJSONIsRefused() {
        #expect(throws: ValidationError.self) { try ResponseDecoder.decode(line: Array("{nope".utf8)) }
    }
}
