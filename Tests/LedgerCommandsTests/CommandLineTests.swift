import LedgerTestSupport
import Testing

/// The `ledger` command line as a built binary, run as a user would.
@Suite struct CommandLineTests {
    @Test func printsHelp() throws {
        let result = try CommandRunner.run("ledger", ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("at"))
    }
}
