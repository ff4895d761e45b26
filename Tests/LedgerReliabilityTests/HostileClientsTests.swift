import LedgerTestSupport
import Testing

/// `ledger-stress clients` on a small scale: idle connections, a slow sender, a subscriber that
/// never reads and one connection beyond the limit, all against the real ledgerd at once.
@Suite struct HostileClientsTests {
    static let small = [
        "clients", "--idle", "200", "--max-connections", "220", "--slow-interval-ms", "20", "--subscriber-timeout", "1",
        "--events", "2000", "--append-interval-ms", "20", "--pings", "200", "--ping-interval-ms", "2", "--no-latency-target",
    ]

    @Test func theDaemonHoldsEveryClientWithinItsLimits() async throws {
        let result = try await CommandRunner.run("ledger-stress", Self.small)
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        let lines = result.output.split(separator: "\n").map(String.init)
        /// The printed line starting with `prefix`.
        func line(_ prefix: String) -> String {
            lines.first { $0.hasPrefix(prefix) } ?? "missing: \(prefix)"
        }
        #expect(line("ledger: ").hasPrefix("ledger: 2024 events"))
        #expect(line("PASS beyond the limit").contains("with 220 connections open (the limit is 220) one more was served; the connection idle longest was told connection_evicted and closed"))
        #expect(line("PASS pings answered").contains("200 on new connections and 200 on a kept one, of 200 each; 0 failed"))
        #expect(line("PASS slow client").contains("its 59-byte `at` line took"))
        #expect(line("PASS slow client").contains("answered as a prompt client is"))
        #expect(line("PASS subscriber that never reads").contains("timeout 1 s"))
        #expect(line("PASS writer").contains("appends acknowledged while the clients held"))
        #expect(line("PASS idle connections held") == "PASS idle connections held: 199/199 still open at the end (the first made way), 199/199 answered a ping then")
        #expect(line("PASS connections released") == "PASS connections released: 1 open once the clients left (this one)")
        #expect(line("PASS daemon memory").contains("limit 256.0 MiB"))
        #expect(line("PASS descriptors").hasPrefix("PASS descriptors: peak "))
        #expect(line("PASS daemon stop") == "PASS daemon stop: ledgerd exited 0 on SIGTERM")
        #expect(line("INFO ping, new connection each").contains("over 200 pings (not judged)"))
        #expect(!result.output.contains("FAIL"))
        #expect(lines.last == "all checks passed")
    }

    @Test func aLimitTooCloseToTheIdleCountIsRefused() async throws {
        let result = try await CommandRunner.run("ledger-stress", ["clients", "--idle", "100", "--max-connections", "105"])
        #expect(result.status == 64)
        #expect(result.errors.contains("--max-connections must leave room for at least 10 connections beyond the idle ones and the subscribers"))
    }
}
