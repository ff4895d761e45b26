import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// The reports for people fitted to a terminal's width (docs/command-line.md): the `at` table
/// keeps every column whole but WHAT, cut with `…`; `diff` cuts each change; and without a
/// width both are exactly what they were.
@Suite struct FittedTableTests {
    static let resources = Paths.packageRoot + "/Tests/LedgerCoreTests/Resources"

    static func example(at date: String) throws -> AtResult {
        let lines = try String(contentsOfFile: Paths.exampleLedger, encoding: .utf8).split(separator: "\n").map(String.init)
        return try Events.result(lines, at: try #require(CivilDate(iso: date)))
    }

    static func golden(_ name: String) throws -> String {
        try String(contentsOfFile: "\(resources)/\(name)", encoding: .utf8)
    }

    /// A table row as LINE (with the tree drawn before it), PLEDGED, FUNDED, DUE, STATUS and WHAT.
    static func cells(_ row: String) -> [String] {
        var words = row.split(separator: " ").map(String.init)
        var line = ""
        while let first = words.first, first.allSatisfy({ "├└│─".contains($0) }) {
            line += first + " "
            words.removeFirst()
        }
        guard words.count >= 5 else { return [row] }
        return [line + words[0], words[1], words[2], words[3], words[4], words.dropFirst(5).joined(separator: " ")]
    }

    /// The table rows of a rendering: the lines after a header, up to the blank line ending the table.
    static func rows(_ text: String) -> [String] {
        var inTable = false
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("  LINE ") {
                inTable = true
            } else if line.isEmpty {
                inTable = false
            } else if inTable {
                out.append(line)
            }
        }
        return out
    }

    @Test func withoutAWidthTheTableIsWhatItWasByteForByte() throws {
        let result = try Self.example(at: "2025-04-15")
        #expect(AtTable.render(result) == (try Self.golden("at-2025-04-15.txt")))
        // A width the table fits in changes nothing.
        #expect(AtTable.render(result, width: 250) == AtTable.render(result))
    }

    @Test(arguments: [80, 100, 120])
    func atAWidthNoLineIsWiderAndOnlyWhatIsCut(_ width: Int) throws {
        let result = try Self.example(at: "2025-04-15")
        let full = AtTable.render(result)
        let fitted = AtTable.render(result, width: width)
        for line in fitted.split(separator: "\n").map(String.init) {
            #expect(TerminalText.width(line) <= width, "\(TerminalText.width(line)) columns: \(line)")
        }
        let fullRows = Self.rows(full)
        let fittedRows = Self.rows(fitted)
        #expect(fittedRows.count == 24 && fullRows.count == 24, "rows: \(fittedRows.count)")
        var cut = 0
        for (fullRow, fittedRow) in zip(fullRows, fittedRows) {
            let whole = Self.cells(fullRow)
            let shown = Self.cells(fittedRow)
            // LINE, PLEDGED, FUNDED, DUE and STATUS are whole.
            #expect(shown.count == 6 && Array(shown.prefix(5)) == Array(whole.prefix(5)), "\(fittedRow)")
            guard let what = shown.last, let wholeWhat = whole.last, what != wholeWhat else { continue }
            cut += 1
            #expect(what.hasSuffix("…"), "\(fittedRow)")
            #expect(wholeWhat.hasPrefix(String(what.dropLast())), "\(what) is not the start of \(wholeWhat)")
        }
        #expect(cut > 0)
        // The sentences are wrapped, not cut: every word is still there, in order.
        let words = fitted.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("Commitments at the end of 15 April 2025 (Europe/London), as known now Home Office (home-office)"))
        #expect(words.contains("Pledged £34.5m, funded £0. 23 lines: 23 active, 0 delivered, 0 withdrawn; 1 overdue, 0 slipped."))
    }

    @Test func at80ColumnsTheColumnsAreSetOneSpaceApart() throws {
        let fitted = AtTable.render(try Self.example(at: "2025-04-15"), width: 80)
        #expect(fitted.contains("\n  LINE                                   PLEDGED FUNDED DUE        STATUS  WHAT\n"), "\(fitted)")
        #expect(fitted.contains("\n  iicsa-inter-ministerial-group                –      – 2025-02    OVERDUE Home…\n"))
        #expect(fitted.contains("\n  ├─ national-audit-and-victims-panel      £2.5m      – –          active  £2.5…\n"))
    }

    @Test func aTableNarrowerThanItsOtherColumnsIsCutLineByLine() throws {
        let fitted = AtTable.render(try Self.example(at: "2025-04-15"), width: 40)
        for line in fitted.split(separator: "\n").map(String.init) {
            #expect(TerminalText.width(line) <= 40, "\(line)")
        }
        #expect(fitted.contains("\n  national-centre-vawg-public-protectio…\n"), "\(fitted)")
    }

    @Test func wideCharactersCountTwoColumns() throws {
        let lines = [
            #"{"type":"announced","line":"wide","effective":"2025-01-16","department":"d","title":"日本語のタイトルはとても長いのでこの表の幅に収まりません","kind":"policy","source":{"title":"T"}}"#,
            #"{"type":"announced","line":"narrow","effective":"2025-01-16","department":"d","title":"A title in Latin letters that is also long enough to be cut","kind":"policy","source":{"title":"T"}}"#,
        ]
        let result = try Events.result(lines, at: try #require(CivilDate(iso: "2025-02-01")))
        let fitted = AtTable.render(result, width: 60)
        for line in fitted.split(separator: "\n").map(String.init) {
            #expect(TerminalText.width(line) <= 60, "\(line)")
        }
        #expect(fitted.contains("日本語"))
    }

    @Test func diffWithoutAWidthIsWhatItWasAndAtAWidthEachChangeIsCut() throws {
        let diff = AtDiff(from: try Self.example(at: "2025-01-15"), to: try Self.example(at: "2025-04-15"))
        #expect(diff.render() == (try Self.golden("diff-2025-01-15-2025-04-15.txt")))
        #expect(diff.render(width: 400) == diff.render())
        let fitted = diff.render(width: 80)
        let full = diff.render().split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") }
        let shown = fitted.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") }
        #expect(shown.count == full.count)
        for (whole, line) in zip(full, shown) {
            #expect(TerminalText.width(line) <= 80, "\(line)")
            #expect(line == whole || (line.hasSuffix("…") && whole.hasPrefix(String(line.dropLast()))), "\(line)")
        }
        #expect(fitted.hasPrefix("Changes from the end of 15 January 2025 to the end of 15 April 2025\n(Europe/London), as known now\n"))
    }
}
