@testable import LedgerCore
import LedgerTestSupport
import Testing

/// Text for a terminal: control characters escaped, widths in columns, lines cut and wrapped.
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain £10m – …", "plain £10m – …"),
        ("Hello \u{1B}[31mRED\u{1B}]0;owned\u{7}", #"Hello \u{1B}[31mRED\u{1B}]0;owned\u{7}"#),
        ("nul \u{0} del \u{7F}", #"nul \u{0} del \u{7F}"#),
        ("csi \u{9B}2J nel \u{85} apc \u{9F}", #"csi \u{9B}2J nel \u{85} apc \u{9F}"#),
        ("line\nbreak\ttab\r", #"line\u{A}break\u{9}tab\u{D}"#),
        ("crlf\r\n", #"crlf\u{D}\u{A}"#),
        ("no C1 in é, ě, ÿ or \u{A0}", "no C1 in é, ě, ÿ or \u{A0}"),
    ])
    func everyControlCharacterIsEscaped(_ text: String, _ shown: String) {
        #expect(TerminalText.escaped(text) == shown)
        #expect(!TerminalText.containsControl(TerminalText.escaped(text)))
    }

    @Test func controlCharactersAreC0DelAndC1() {
        let controls = (0...0x10FF).compactMap(Unicode.Scalar.init).filter(TerminalText.isControl)
        #expect(controls.map(\.value) == Array(0...0x1F) + Array(0x7F...0x9F))
        for scalar in (0...0x2FF).compactMap(Unicode.Scalar.init) {
            #expect(TerminalText.containsControl(String(scalar)) == TerminalText.isControl(scalar), "\(TerminalText.codePoint(scalar))")
        }
        #expect(TerminalText.codePoint("\u{1B}") == "U+001B")
        #expect(TerminalText.codePoint("\u{1F600}") == "U+1F600")
    }

    @Test func freeTextIsReadInParagraphs() {
        #expect(TerminalText.paragraphs("one line") == ["one line"])
        #expect(TerminalText.paragraphs("first\n\tsecond\r\nthird\u{1B}[2J") == ["first", " second\\u{D}", "third\\u{1B}[2J"])
    }

    @Test(arguments: [
        ("", 0), ("abc", 3), ("£34.5m – … ├─ └─ │ · × → ⚠", 26), ("e\u{301}", 1), ("日本語", 6), ("ｆｕｌｌ", 8),
        ("한국", 4), ("😀", 2), ("👩‍👩‍👧", 2), ("🇬🇧", 2), ("zero\u{200B}width", 9), ("soft\u{AD}hyphen", 10),
    ])
    func widthIsCountedInColumns(_ text: String, _ columns: Int) {
        #expect(TerminalText.width(text) == columns)
    }

    @Test func truncatingEndsInAnEllipsisAndNeverSplitsACharacter() {
        #expect(TerminalText.truncated("short", toWidth: 10) == "short")
        #expect(TerminalText.truncated("exactly10!", toWidth: 10) == "exactly10!")
        #expect(TerminalText.truncated("eleven char", toWidth: 10) == "eleven ch…")
        #expect(TerminalText.truncated("a word cut", toWidth: 7) == "a word…")
        #expect(TerminalText.truncated("日本語です", toWidth: 6) == "日本…")
        #expect(TerminalText.truncated("abc", toWidth: 1) == "…")
        #expect(TerminalText.truncated("abc", toWidth: 0) == "")
        for columns in 1...20 {
            #expect(TerminalText.width(TerminalText.truncated("£2.5m for the rapid national audit 日本", toWidth: columns)) <= columns)
        }
    }

    @Test func wrappingBreaksAtSpacesAndIndentsWhatFollows() {
        let text = "The Government is also working to tackle online predators of child sexual abuse"
        let lines = TerminalText.wrapped(text, toWidth: 30, lead: "    “", continuation: "     ")
        #expect(lines == [
            "    “The Government is also",
            "     working to tackle online",
            "     predators of child sexual",
            "     abuse",
        ])
        #expect(TerminalText.wrapped("fits", toWidth: 30, lead: "  ") == ["  fits"])
        let long = TerminalText.wrapped("see https://www.gov.uk/government/news/a-long-address", toWidth: 20, lead: "    ", continuation: "    ")
        #expect(long == ["    see", "    https://www.gov.", "    uk/government/ne", "    ws/a-long-addres", "    s"])
        let whole = TerminalText.wrapped(
            "https://www.gov.uk/government/news/a-long-address", toWidth: 20, lead: "    ", continuation: "    ", breakingLongWords: false
        )
        #expect(whole == ["    https://www.gov.uk/government/news/a-long-address"])
    }

    @Test func csvEscapesControlsButKeepsLineBreaksQuoted() {
        #expect(AtCSV.field("Hello \u{1B}[31mRED") == #"Hello \u{1B}[31mRED"#)
        #expect(AtCSV.field("two\nlines\u{7}") == "\"two\nlines\\u{7}\"")
        #expect(AtCSV.field("carriage\r\nreturn") == "\"carriage\\u{D}\nreturn\"")
    }
}
