import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// A ledger written before appends refused control characters may hold them: what `ledger`
/// prints for people shows them escaped and never lets a sequence through to the terminal.
@Suite struct TerminalOutputTests {
    /// The bundled example and a line whose texts an older ledger stored with escape sequences.
    final class OlderLedger: Sendable {
        let directory: TemporaryDirectory
        let db: String

        static let extra = [
            #"{"type":"announced","line":"terminal-test","effective":"2025-01-16","department":"hostile-office","department_name":"NAME-MARK","title":"Hello TITLE-MARK","kind":"policy","amount_pence":100,"source":{"title":"SOURCE-MARK","url":"https://example.org/URL-MARK","quote":"QUOTE-MARK"}}"#,
            #"{"type":"delivered","line":"terminal-test","effective":"2025-03-01","note":"first line\nsecond\tline NOTE-MARK","source":{"title":"Statement"}}"#,
        ]

        /// What each mark became in the stored bytes: JSON escapes, and a raw C1 character.
        static let stored = [
            (25 as UInt64, "TITLE-MARK", #"\u001b[31mRED\u001b]0;owned\u0007"#),
            (25, "NAME-MARK", "Hostile \u{9B}2J Office"),
            (25, "SOURCE-MARK", #"Statement\u001b[2J"#),
            (25, "URL-MARK", #"\u001b[8m"#),
            (25, "QUOTE-MARK", #"We will\u0007 \u001b[5mact\r"#),
            (26, "NOTE-MARK", #"\u001b[31m"#),
        ]

        init() async throws {
            directory = try TemporaryDirectory("ledger-terminal")
            db = directory.appending("db")
            let example = try String(contentsOfFile: Paths.exampleLedger, encoding: .utf8)
            let input = example + (example.hasSuffix("\n") ? "" : "\n") + Self.extra.joined(separator: "\n") + "\n"
            let appended = try await CommandRunner.run("ledger", ["append", "-", "--db", db], input: input)
            guard appended.status == 0, appended.output == "appended 26, duplicates 0, seq 1–26\n" else {
                throw CommandFailure(message: appended.output + appended.errors)
            }
            for (seq, mark, text) in Self.stored {
                try StoreTampering.rewrite(store: db, seq: seq, replacing: mark, with: text)
            }
            let rebuilt = try await CommandRunner.run("ledger", ["rebuild", "--db", db])
            guard rebuilt.status == 0 else { throw CommandFailure(message: rebuilt.errors) }
        }

        func run(_ arguments: [String]) async throws -> CommandResult {
            try await CommandRunner.run("ledger", arguments + ["--db", db])
        }
    }

    /// No ESC, BEL, CR, CSI (C1) or other control character but the line feeds between lines.
    static func expectNoControls(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        #expect(!bytes.contains(0x1B) && !bytes.contains(0x07) && !bytes.contains(0x0D), "\(what) lets a control byte through", sourceLocation: sourceLocation)
        let controls = text.unicodeScalars.filter { TerminalText.isControl($0) && $0 != "\n" }
        #expect(controls.isEmpty, "\(what) holds \(controls.map(TerminalText.codePoint))", sourceLocation: sourceLocation)
    }

    @Test func theStoreHoldsTheSequencesAndItsChainIsIntact() async throws {
        let ledger = try await OlderLedger()
        #expect(try await ledger.run(["verify"]).status == 0)
        let export = try await ledger.run(["export", "--from-seq", "25"]).output
        #expect(export.contains(#"Hello \u001b[31mRED"#))
        #expect(export.contains("\u{9B}2J"))
    }

    @Test func atShowsThemEscaped() async throws {
        let ledger = try await OlderLedger()
        let table = try await ledger.run(["at", "2025-04-15"])
        #expect(table.status == 0, "\(table.errors)")
        Self.expectNoControls(table.output, "at")
        #expect(table.output.contains(#"Hello \u{1B}[31mRED\u{1B}]0;owned\u{7}"#), "\(table.output)")
        #expect(table.output.contains(#"Hostile \u{9B}2J Office (hostile-office)"#))
        // The escaped title is measured as it is shown: the columns before it stay aligned.
        let lines = table.output.split(separator: "\n").map(String.init)
        let rowIndex = try #require(lines.firstIndex { $0.contains("terminal-test") })
        let row = lines[rowIndex]
        let header = try #require(lines[..<rowIndex].last { $0.hasPrefix("  LINE") })
        let status = try #require(row.firstRange(of: "delivered"))
        let statusTitle = try #require(header.firstRange(of: "STATUS"))
        #expect(TerminalText.width(String(row[..<status.lowerBound])) == TerminalText.width(String(header[..<statusTitle.lowerBound])))
    }

    @Test func historyShowsThemEscapedAndFreeTextOnLinesOfItsOwn() async throws {
        let ledger = try await OlderLedger()
        let history = try await ledger.run(["history", "terminal-test"])
        #expect(history.status == 0, "\(history.errors)")
        Self.expectNoControls(history.output, "history")
        let text = history.output
        #expect(text.hasPrefix(#"terminal-test: Hello \u{1B}[31mRED\u{1B}]0;owned\u{7}"#), "\(text)")
        #expect(text.contains(#"policy by Hostile \u{9B}2J Office, pledged £1"#))
        #expect(text.contains(#"    source: Statement\u{1B}[2J"#))
        #expect(text.contains(#"    https://example.org/\u{1B}[8m"#))
        #expect(text.contains(#"    “We will\u{7} \u{1B}[5mact\u{D}”"#))
        // A line feed in a note starts an indented line; a tab reads as a space.
        #expect(text.contains("2025-03-01  delivered  first line\n            second line \\u{1B}[31m\n"), "\(text)")
    }

    @Test func diffAndTheCSVShowThemEscaped() async throws {
        let ledger = try await OlderLedger()
        let diff = try await ledger.run(["diff", "2025-01-01", "2025-04-15"])
        #expect(diff.status == 0, "\(diff.errors)")
        Self.expectNoControls(diff.output, "diff")
        #expect(diff.output.contains(#"terminal-test: announced: Hello \u{1B}[31mRED\u{1B}]0;owned\u{7}, pledged £1"#))
        let csv = try await ledger.run(["at", "2025-04-15", "--format", "csv"])
        Self.expectNoControls(csv.output.replacingOccurrences(of: "\r\n", with: "\n"), "csv")
        #expect(csv.output.contains(#",Hello \u{1B}[31mRED\u{1B}]0;owned\u{7},policy,"#))
        // JSON is for programs: it stays as stored, C0 escaped as JSON escapes it.
        let json = try await ledger.run(["at", "2025-04-15", "--format", "json"])
        #expect(json.output.contains(#""title":"Hello \u001b[31mRED\u001b]0;owned\u0007""#))
    }

    @Test func aRefusedFileIsEchoedEscaped() async throws {
        let ledger = try await OlderLedger()
        let bad = #"{"type":"announced\u001b[2J","line":"x","effective":"2025-01-16","source":{"title":"T"}}"#
        let result = try await CommandRunner.run("ledger", ["append", "-", "--db", ledger.db], input: bad + "\n")
        #expect(result.status == 1)
        Self.expectNoControls(result.errors, "the error")
        #expect(result.errors.contains(#"unknown_type: type "announced\u{1B}[2J" is not one of"#), "\(result.errors)")
        let badDate = try await ledger.run(["at", "2025\u{1B}[2J"])
        Self.expectNoControls(badDate.errors, "the usage error")
    }
}
