import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// The version is written in one place, `LedgerVersion.current`; both commands print it, the
/// Debian package carries it, and the changelog's newest release is it.
@Suite struct VersionTests {
    @Test(arguments: ["ledger", "ledgerd"])
    func theCommandPrintsTheVersion(program: String) async throws {
        let result = try await CommandRunner.run(program, ["--version"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output == LedgerVersion.current + "\n")
    }

    @Test func theVersionIsMajorMinorPatch() {
        let parts = LedgerVersion.current.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) })
    }

    @Test func theChangelogsNewestReleaseIsTheVersion() throws {
        let changelog = try String(contentsOfFile: Paths.packageRoot + "/CHANGELOG.md", encoding: .utf8)
        let headings = changelog.split(separator: "\n").filter { $0.hasPrefix("## ") }
        #expect(headings.first == "## [Unreleased]")
        let release = try #require(headings.dropFirst().first)
        let prefix = "## [\(LedgerVersion.current)] - "
        #expect(release.hasPrefix(prefix), "the newest release in CHANGELOG.md is \(release)")
        let date = String(release.dropFirst(prefix.count))
        #expect(CivilDate(iso: date) != nil, "\(date) is not a date")
    }

    @Test func thePackageCarriesTheVersion() async throws {
        let script = Paths.packageRoot + "/deploy/package.sh"
        let plain = try await CommandRunner.run("/bin/bash", [script, "--print-version"], absolute: true)
        #expect(plain.status == 0, "\(plain.errors)")
        #expect(plain.output == LedgerVersion.current + "\n")
        let rebuild = try await CommandRunner.run("/bin/bash", [script, "--print-version", "--version-suffix", "1"], absolute: true)
        #expect(rebuild.output == LedgerVersion.current + "+1\n")
        let bad = try await CommandRunner.run("/bin/bash", [script, "--print-version", "--version-suffix", "a b"], absolute: true)
        #expect(bad.status == 2)
        #expect(bad.errors.contains("--version-suffix may contain only"))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
