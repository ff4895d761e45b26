import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// No string of an appended event may hold a terminal control character (docs/events.md): the
/// batch is refused whole with `control_character`, naming the event, the field and the character.
@Suite struct ControlCharacterTests {
    static let good = Events.announced("plan", amount: 1_000, due: "2025-07")

    static func source(_ members: String) -> String {
        #"{"type":"delivered","line":"plan","effective":"2025-01-16","source":{\#(members)}}"#
    }

    static func announced(_ extra: String) -> String {
        #"{"type":"announced","line":"other","effective":"2025-01-16","source":\#(Events.source),"department":"home-office","kind":"policy",\#(extra)}"#
    }

    /// (the bad event, the field named, the character named)
    static let refused: [(String, String, String)] = [
        (announced(#""title":"Hello \u001b[31mRED\u001b]0;owned\u0007""#), "title", "U+001B"),
        (announced(#""title":"bell \u0007""#), "title", "U+0007"),
        (announced(#""title":"\u0000nul""#), "title", "U+0000"),
        (announced(#""title":"two\nlines""#), "title", "U+000A"),
        (announced(#""title":"a\ttab""#), "title", "U+0009"),
        (announced(#""title":"carriage\rreturn""#), "title", "U+000D"),
        (announced(#""title":"delete \u007f""#), "title", "U+007F"),
        (announced(#""title":"raw delete "# + "\u{7F}" + #"""#), "title", "U+007F"),
        (announced(#""title":"CSI \u009b31m""#), "title", "U+009B"),
        (announced(#""title":"raw CSI "# + "\u{9B}" + #"31m""#), "title", "U+009B"),
        (announced(#""title":"next line \u0085""#), "title", "U+0085"),
        (announced(#""title":"Plan","department_name":"Home \u001b[2J Office""#), "department_name", "U+001B"),
        (source(#""title":"Statement \u001b]0;owned\u0007""#), "source.title", "U+001B"),
        (source(#""title":"Statement","publisher":"Home\u0007Office""#), "source.publisher", "U+0007"),
        (source(#""title":"Statement","url":"https://www.gov.uk/\u001b[31m""#), "source.url", "U+001B"),
        (source(#""title":"Statement","quote":"We will \u001b[8mhide this""#), "source.quote", "U+001B"),
        (source(#""title":"Statement","quote":"one\r\ntwo""#), "source.quote", "U+000D"),
        (source(#""title":"Statement","quote":"C1 \u0090 string""#), "source.quote", "U+0090"),
        (Events.event("slipped", "plan", on: "2025-02-01", #""due":"2026","reason":"late\u0007""#), "reason", "U+0007"),
        (Events.event("withdrawn", "plan", on: "2025-02-01", #""reason":"\u009b2J""#), "reason", "U+009B"),
        (Events.event("corrected", "plan", on: "2025-02-01", #""retracts":"x","reason":"oops\u001b""#), "reason", "U+001B"),
        (Events.event("delivered", "plan", on: "2025-02-01", #""note":"done \u001b[5mblink""#), "note", "U+001B"),
        (Events.event("legislated", "plan", on: "2025-02-01", #""stage":"introduced","bill":"Bill\u001b""#), "bill", "U+001B"),
        (Events.event("amended", "plan", on: "2025-02-01", #""title":"New\u001b[31m""#), "title", "U+001B"),
    ]

    @Test(arguments: refused)
    func aControlCharacterRefusesTheWholeBatch(_ bad: String, _ field: String, _ character: String) throws {
        let fixture = try StoreFixture()
        let error = try #require(try fixture.refusal([Self.good, bad]))
        #expect(error.code == .controlCharacter, "\(error)")
        #expect(error.code.rawValue == "control_character")
        #expect(error.index == 1, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.message.contains(character), "\(error.message)")
        #expect(!TerminalText.containsControl(error.message), "the message echoes a control character")
        #expect(try fixture.export().isEmpty)
    }

    @Test func newlinesAndTabsAreWrittenInFreeText() throws {
        let fixture = try StoreFixture()
        let report = try fixture.append([
            Self.good,
            Events.event("slipped", "plan", on: "2025-02-01", #""due":"2026","reason":"first,\nthen\tsecond""#),
            #"{"type":"funded","line":"plan","effective":"2025-02-02","amount_pence":5,"source":{"title":"T","quote":"para one\n\npara\ttwo"}}"#,
            Events.event("delivered", "plan", on: "2025-03-01", #""note":"done:\n\t- all of it""#),
            Events.event("withdrawn", "plan", on: "2025-03-02", #""reason":"line\nbreak""#),
        ])
        #expect(report.appended == 5)
    }

    @Test func theMessageSaysWhereAndWhy() throws {
        let fixture = try StoreFixture()
        let error = try #require(try fixture.refusal([Self.announced(#""title":"Hello \u001b[31mRED""#)]))
        #expect(error.index == 0)
        #expect(error.message == "title holds the control character U+001B at character 7: control characters are refused here (line feeds and tabs only in note, reason and source.quote)")
        let quote = try #require(try fixture.refusal([Self.source(#""title":"T","quote":"ab\u0007""#)]))
        #expect(quote.message == "source.quote holds the control character U+0007 at character 3: control characters other than a line feed (U+000A) or a tab (U+0009) are refused in free text")
    }

    @Test func otherRulesOfShapeComeFirst() throws {
        // A slug is checked as a slug before any string is looked at for control characters.
        let fixture = try StoreFixture()
        let slug = try #require(try fixture.refusal([Events.event("funded", #"plan\n"#, on: "2025-02-01", #""amount_pence":1"#)]))
        #expect(slug.code == .invalidValue && slug.field == "line")
        let type = try #require(try fixture.refusal([#"{"type":"announced\u001b[31m","line":"plan"}"#]))
        #expect(type.code == .unknownType)
        #expect(!TerminalText.containsControl(type.message) && type.message.contains(#"\u{1B}[31m"#), "\(type.message)")
    }

    @Test func storedEventsAreReadAsTheyAre() throws {
        // An older ledger may hold them: reading never refuses what is stored.
        let event = try Events.json(Self.announced(#""title":"Hello \u001b[31mRED""#))
        let stored = try EventDecoder(today: nil).decode(event)
        guard case .announced(let announcement) = stored.body else {
            Issue.record("not an announcement")
            return
        }
        #expect(announcement.title == "Hello \u{1B}[31mRED")
        #expect(throws: ValidationError.self) { try EventDecoder(today: nil, refusingControlCharacters: true).decode(event) }
    }
}
