import Foundation
import LedgerTestSupport
import Testing

/// A short run of both libFuzzer targets through Tests/Reliability/fuzz.sh: they build (debug)
/// with the fuzzing sanitizer beside the ordinary build, run their seeds and mutate for a while,
/// and find nothing.
@Suite struct FuzzSmokeTests {
    /// Seconds each target fuzzes for; the two together stay well under a minute.
    static let secondsPerTarget = 10

    /// Runs the script to the end (building the fuzzers the first time takes minutes, so within
    /// an hour rather than the two minutes a command gets), its output then its errors.
    static func runScript(_ arguments: [String], work: String) async throws -> (status: Int32, output: String) {
        // A debug build of the fuzzers takes a quarter less processor time to build than a
        // release one, and still runs thousands of inputs a second.
        let run = try await CommandRunner.run(
            "/usr/bin/env", ["bash", Paths.packageRoot + "/Tests/Reliability/fuzz.sh"] + arguments,
            environment: ["FUZZ_WORK": work, "FUZZ_ADDRESS": nil, "FUZZ_CONFIGURATION": "debug"], absolute: true, within: .seconds(3600)
        )
        return (run.status, run.output + run.errors)
    }

    /// The figures of one target's summary line: `fuzz: NAME: N runs in S s, …, seeds K, …, findings F, exit E`.
    static func summary(of target: String, in output: String) -> (runs: Int, seeds: Int, findings: Int, exit: Int)? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("fuzz: \(target): ") }) else { return nil }
        /// The whole number written right after `label`.
        func number(after label: String) -> Int? {
            guard let range = line.range(of: label) else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        guard let runs = number(after: "\(target): "), let seeds = number(after: "seeds "),
              let findings = number(after: "findings "), let exit = number(after: "exit ")
        else { return nil }
        return (runs, seeds, findings, exit)
    }

    /// Both targets build, run every seed and more, and find nothing.
    @Test func bothTargetsRunAndFindNothing() async throws {
        let work = try TemporaryDirectory("ledger-fuzz")
        let result = try await Self.runScript(["\(Self.secondsPerTarget)"], work: work.path)
        #expect(result.status == 0, "\(result.output)")
        for target in ["fuzz-request-line", "fuzz-canonical-json"] {
            let figures = try #require(Self.summary(of: target, in: result.output), "no summary for \(target) in \(result.output)")
            // libFuzzer runs every seed once before it mutates; no seed may be skipped.
            #expect(figures.seeds > 100)
            #expect(figures.runs >= figures.seeds, "\(target) ran \(figures.runs) inputs, fewer than its \(figures.seeds) seeds")
            #expect(figures.findings == 0, "\(target) found inputs that break an invariant: \(result.output)")
            #expect(figures.exit == 0)
        }
        #expect(result.output.contains("fuzz: no findings"))
    }
}
