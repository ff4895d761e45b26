import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// A daemon serving a ledger that an earlier version wrote with escape sequences in it: what
/// `ledger` prints for people through the socket, `tail --format text` included, shows them escaped.
@Suite(.serialized) struct EscapedTextThroughDaemonTests {
    @Test func tailAndTheReportsShowStoredControlCharactersEscaped() async throws {
        let directory = try TemporaryDirectory("ledgerd-escaped")
        let state = directory.appending("state")
        let event = #"{"type":"announced","line":"terminal-test","effective":"2025-01-16","department":"home-office","title":"Hello MARK","kind":"policy","source":{"title":"Statement"}}"#
        let withdrawn = #"{"type":"withdrawn","line":"terminal-test","effective":"2025-02-01","reason":"Dropped REASON","source":{"title":"Statement"}}"#
        let appended = try await CommandRunner.run("ledger", ["append", "-", "--db", state], input: event + "\n" + withdrawn + "\n")
        #expect(appended.status == 0, "\(appended.errors)")
        try StoreTampering.rewrite(store: state, seq: 1, replacing: "MARK", with: #"\u001b[31mRED\u001b]0;owned\u0007 \u009b2J"#)
        try StoreTampering.rewrite(store: state, seq: 2, replacing: "REASON", with: #"\u001b[2J\nnext\u0007"#)
        #expect(try await CommandRunner.run("ledger", ["rebuild", "--db", state]).status == 0)

        let daemon = try DaemonProcess(in: directory.path, keeping: directory)
        let shown = #"Hello \u{1B}[31mRED\u{1B}]0;owned\u{7} \u{9B}2J"#
        let line = try await CommandRunner.firstLine(of: "ledger", ["tail", "--from-seq", "2", "--format", "text", "--socket", daemon.socket]) {}
        #expect(line == #"#2 2025-02-01 terminal-test withdrawn Dropped \u{1B}[2J\u{A}next\u{7}"#, "\(line ?? "nothing")")
        for command in [["at", "2025-04-15"], ["history", "terminal-test"], ["diff", "2025-01-01", "2025-04-15"]] {
            let result = try await CommandRunner.run("ledger", command + ["--socket", daemon.socket])
            #expect(result.status == 0, "\(command): \(result.errors)")
            #expect(result.output.contains(shown), "\(command): \(result.output)")
            let controls = result.output.unicodeScalars.filter { TerminalText.isControl($0) && $0 != "\n" }
            #expect(controls.isEmpty, "\(command) lets \(controls.map(TerminalText.codePoint)) through")
        }
        #expect(daemon.stop() == 0)
    }
}
