import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// `ledger at`, `diff` and `history` fit a terminal's width (`COLUMNS` overriding it), print
/// everything when their output is not a terminal or with `--wide`, and fit `--width N` anywhere.
@Suite struct TerminalWidthTests {
    static let fullTable = Paths.packageRoot + "/Tests/LedgerCoreTests/Resources/at-2025-04-15.txt"

    /// The fitted table the library renders from the example, folded in memory.
    static func fitted(width: Int) throws -> String {
        let lines = try String(contentsOfFile: Paths.exampleLedger, encoding: .utf8).split(separator: "\n").map(String.init)
        return AtTable.render(try Events.result(lines, at: try #require(CivilDate(iso: "2025-04-15"))), width: width)
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Runs `ledger` with standard output on a pseudo-terminal (util-linux `script`), and gives
    /// back what it printed, the terminal's CR LF made LF again.
    static func onATerminal(_ arguments: [String], before: String = "", environment: [String: String?]) async throws -> CommandResult {
        let command = before + ([Paths.products + "/ledger"] + arguments).map(quoted).joined(separator: " ")
        var result = try await CommandRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment, absolute: true)
        result.output = result.output.replacingOccurrences(of: "\r\n", with: "\n")
        return result
    }

    static let hasScript = Host.has("/usr/bin/script")

    @Test func notATerminalGetsTheFullTextWhateverCOLUMNSSays() async throws {
        let ledger = try await CommandLineTests.ExampleLedger()
        let result = try await CommandRunner.run("ledger", ["at", "2025-04-15", "--db", ledger.db], environment: ["COLUMNS": "80"])
        #expect(result.status == 0)
        #expect(result.output == (try String(contentsOfFile: Self.fullTable, encoding: .utf8)))
    }

    @Test func widthFitsTheTextWhereverItGoes() async throws {
        let ledger = try await CommandLineTests.ExampleLedger()
        let table = try await ledger.run(["at", "2025-04-15", "--width", "80"])
        #expect(table.status == 0)
        #expect(table.output == (try Self.fitted(width: 80)))
        #expect(table.output.split(separator: "\n").allSatisfy { TerminalText.width(String($0)) <= 80 })
        let diff = try await ledger.run(["diff", "2025-01-15", "2025-04-15", "--width", "72"])
        #expect(diff.output.split(separator: "\n").allSatisfy { TerminalText.width(String($0)) <= 72 }, "\(diff.output)")
        #expect(diff.output.contains("…"))
        let both = try await ledger.run(["at", "2025-04-15", "--wide", "--width", "80"])
        #expect(both.status == 64)
        #expect(both.errors.contains("give one of them"))
        #expect(try await ledger.run(["at", "2025-04-15", "--width", "0"]).status == 64)
    }

    @Test func historyWrapsQuotesAtTheWidthAndLeavesAddressesWhole() async throws {
        let ledger = try await CommandLineTests.ExampleLedger()
        let full = try await ledger.run(["history", "grooming-gangs-action-plan"]).output
        let wrapped = try await ledger.run(["history", "grooming-gangs-action-plan", "--width", "60"]).output
        for line in wrapped.split(separator: "\n").map(String.init) where !line.hasPrefix("    http") {
            #expect(TerminalText.width(line) <= 60, "\(line)")
        }
        #expect(wrapped.contains("\n     "), "no quote went on to a second line")
        // Wrapping moves words to new lines and leaves every one of them.
        let words = { (text: String) in text.split(whereSeparator: \.isWhitespace) }
        #expect(words(wrapped) == words(full))
        #expect(!wrapped.contains("…"))
    }

    @Test(.enabled(if: hasScript, "needs script (util-linux) for a pseudo-terminal"))
    func onATerminalCOLUMNSSetsTheWidth() async throws {
        let ledger = try await CommandLineTests.ExampleLedger()
        let table = try await Self.onATerminal(["at", "2025-04-15", "--db", ledger.db], environment: ["COLUMNS": "80"])
        #expect(table.status == 0, "\(table.errors)")
        #expect(table.output == (try Self.fitted(width: 80)))
        let wide = try await Self.onATerminal(["at", "2025-04-15", "--wide", "--db", ledger.db], environment: ["COLUMNS": "80"])
        #expect(wide.output == (try String(contentsOfFile: Self.fullTable, encoding: .utf8)))
        let diff = try await Self.onATerminal(["diff", "2025-01-15", "2025-04-15", "--db", ledger.db], environment: ["COLUMNS": "80"])
        #expect(diff.output.split(separator: "\n").allSatisfy { TerminalText.width(String($0)) <= 80 } && diff.output.contains("…"))
    }

    @Test(.enabled(if: hasScript, "needs script (util-linux) for a pseudo-terminal"))
    func onATerminalWithoutCOLUMNSItsOwnWidthCounts() async throws {
        let ledger = try await CommandLineTests.ExampleLedger()
        let table = try await Self.onATerminal(
            ["at", "2025-04-15", "--db", ledger.db], before: "stty cols 100 && ", environment: ["COLUMNS": nil]
        )
        #expect(table.status == 0, "\(table.errors)")
        #expect(table.output == (try Self.fitted(width: 100)))
        // COLUMNS that is not a number is not a width: the terminal's own counts.
        let garbled = try await Self.onATerminal(
            ["at", "2025-04-15", "--db", ledger.db], before: "stty cols 100 && ", environment: ["COLUMNS": "wide"]
        )
        #expect(garbled.output == table.output)
    }
}
