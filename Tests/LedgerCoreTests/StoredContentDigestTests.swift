import Testing

import LedgerCore

/// A stored event's content digest, read back from its stored bytes, is the one append computed.
@Suite("Stored content digest")
struct StoredContentDigestTests {
    /// Texts that stress a scan of canonical bytes: escapes, quotes, braces, commas, colons,
    /// keys' names inside values, control characters and characters beyond the BMP.
    static let awkward = [
        "plain", #"a "quoted" word"#, #"back\slash"#, "line\nbreak\ttab\r\u{08}\u{0C}", "\u{01}\u{1F}\u{7F}",
        #"{"seq":1,"recorded":"x"}"#, "[a, b], {c}: d", "£2.5m for the Home Office", "𝄞 clef", "emoji 👍🏽",
        "seq", "recorded", "\\\"", "ends with a backslash \\",
    ]

    /// Many valid events of every type, with and without ids and optional fields.
    static func events() -> [JSONObject] {
        var random: UInt64 = 0x2545_F491_4F6C_DD1D
        func pick(_ count: Int) -> Int {
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            return Int(random % UInt64(count))
        }
        func text() -> JSONValue { .string(awkward[pick(awkward.count)]) }
        let types = ["announced", "funded", "amended", "legislated", "slipped", "delivered", "withdrawn", "corrected"]
        var events: [JSONObject] = []
        for serial in 0..<2_000 {
            var source = JSONObject([("title", text())])
            if pick(2) == 0 { source["url"] = .string("https://example.org/\(serial)?a=1,b={2}") }
            if pick(2) == 0 { source["publisher"] = text() }
            if pick(2) == 0 { source["published"] = .string("2025-01") }
            if pick(2) == 0 { source["quote"] = text() }
            var object = JSONObject([
                ("type", .string(types[serial % types.count])), ("line", .string("line-\(pick(50))")),
                ("effective", .string("2025-0\(1 + pick(9))-1\(pick(10))")), ("source", .object(source)),
            ])
            if pick(3) > 0 { object["id"] = .string("event-\(serial)") }
            switch serial % types.count {
            case 0:
                object["department"] = .string("home-office")
                object["title"] = text()
                object["kind"] = .string("funding")
                if pick(2) == 0 { object["amount_pence"] = .integer(Int64(pick(1_000_000_000))) }
                if pick(2) == 0 { object["due"] = .string("2026-04") }
                if pick(2) == 0 { object["department_name"] = text() }
            case 1: object["amount_pence"] = .integer(1 + Int64(pick(1_000_000_000_000)))
            case 2: object["title"] = text()
            case 3:
                object["stage"] = .string("committee")
                object["bill"] = text()
            case 4:
                object["due"] = .string("2027")
                object["reason"] = text()
            case 5: if pick(2) == 0 { object["note"] = text() }
            case 6: object["reason"] = text()
            default:
                object["retracts"] = .string("event-\(pick(serial))")
                object["reason"] = text()
            }
            events.append(object)
        }
        return events
    }

    @Test("the digest read from stored bytes equals append's, for every way the bytes are made")
    func digestFromStoredBytesMatchesAppend() throws {
        for (serial, object) in Self.events().enumerated() {
            let event = try EventDecoder(today: nil).decode(.object(object))
            let seq = UInt64(serial + 1) * 7_919
            let recorded = Timestamp(millisecondsSinceEpoch: 1_736_000_000_000 + Int64(serial) * 86_399_999)
            let appended = EventRecord.contentDigest(input: object, id: event.id)
            let encoding = try #require(CanonicalEvent(input: object))
            #expect(EventRecord.digest(encoding.content(id: event.id)) == appended)
            for stored in [
                EventRecord.canonicalBytes(input: object, id: event.id, seq: seq, recorded: recorded),
                encoding.stored(id: event.id, seq: seq, recorded: recorded),
            ] {
                let decoded = try EventRecord.decodeWithContentDigest(stored)
                #expect(decoded.contentDigest == appended, "event \(serial)")
                #expect(decoded.stored == StoredEvent(seq: seq, recorded: recorded, event: event))
            }
        }
    }
}
