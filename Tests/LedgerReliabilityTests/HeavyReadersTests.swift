import LedgerTestSupport
import Testing

/// `ledger-stress readers` on a small scale: verify and export loops from another user while a
/// client pings and a writer appends; the figures are printed, never judged here.
@Suite struct HeavyReadersTests {
    @Test func pingsAndAppendsAreAnsweredWhileReadersLoop() async throws {
        let result = try await CommandRunner.run("ledger-stress", [
            "readers", "--events", "3000", "--samples", "30", "--interval-ms", "2", "--no-target",
        ])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        let lines = result.output.split(separator: "\n").map(String.init)
        /// The printed line starting with `prefix`.
        func line(_ prefix: String) -> String {
            lines.first { $0.hasPrefix(prefix) } ?? "missing: \(prefix)"
        }
        #expect(line("ledger: ").hasPrefix("ledger: 3000 events"))
        #expect(line("PASS no readers: answered") == "PASS no readers: answered: 30 pings and 30 appends of 30 each")
        #expect(line("PASS with readers: answered") == "PASS with readers: answered: 30 pings and 30 appends of 30 each")
        #expect(line("INFO with readers: ping").contains("p99 "))
        #expect(line("INFO with readers: single-event append").contains("p99 "))
        #expect(line("readers: ").hasPrefix("readers: 4 verify and 4 export loops as "))
        #expect(line("INFO readers").hasSuffix("; 0 failed"))
        #expect(line("PASS readers served").hasPrefix("PASS readers served"))
        #expect(lines.last == "all checks passed")
    }

    @Test func badFiguresAreRefusedByName() async throws {
        let result = try await CommandRunner.run("ledger-stress", ["readers", "--events", "10"])
        #expect(result.status == 64)
        #expect(result.errors.contains("--events must be at least 1000"))
    }
}
