import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

@testable import ledger_stress

/// `ledger-stress crash` run for a few kills against the real ledgerd: it must find every
/// acknowledged event stored once and say so.
@Suite struct CrashHarnessTests {
    @Test func aFewKillsUnderWritersLoseNothing() async throws {
        let result = try await CommandRunner.run(
            "ledger-stress", ["crash", "--kills", "5", "--writers", "4", "--seed", "7", "--min-ms", "30", "--max-ms", "90"]
        )
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("kills: 5, restarts: 5"), "\(result.output)")
        #expect(result.output.contains("lost 0, duplicates 0, misplaced 0, partial batches 0, never sent 0"), "\(result.output)")
        #expect(result.output.contains("projections: `at` agrees with the stored events on all 12 lines"), "\(result.output)")
        #expect(result.output.contains("PASS"), "\(result.output)")
        let acknowledged = try #require(Self.figure(after: "events: ", in: result.output))
        #expect(acknowledged > 0)
        let midWrite = try #require(Self.figure(after: "kills with requests in flight: ", in: result.output))
        #expect(midWrite >= 1, "no kill landed while a request was in flight: \(result.output)")
    }

    /// The number that follows `label` in the summary.
    static func figure(after label: String, in output: String) -> Int? {
        guard let range = output.range(of: label) else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }
}

/// The crash run's check, fed made-up histories: each rule it enforces must be able to fail.
@Suite struct CrashCheckTests {
    /// An event as a writer sends it.
    static func event(_ id: String) -> JSONObject {
        JSONObject([("id", .string(id)), ("type", .string("funded")), ("line", .string("a")), ("amount_pence", .integer(5))])
    }

    /// The event as the export shows it at `seq`.
    static func stored(_ id: String, at seq: Int64) -> JSONObject {
        var object = event(id)
        object["seq"] = .integer(seq)
        object["recorded"] = .string("2025-02-03T10:00:00.000Z")
        object["hash"] = .string(String(repeating: "0", count: 64))
        return object
    }

    /// A request answered with every event appended from `first` on.
    static func acknowledged(_ ids: [String], first: Int64) -> RequestRecord {
        RequestRecord(
            writer: 1, events: ids.map(event),
            outcome: .acknowledged(firstSeq: first, lastSeq: first + Int64(ids.count) - 1, appended: ids.count, duplicates: 0)
        )
    }

    @Test func aConsistentHistoryPasses() {
        let records = [
            Self.acknowledged(["a", "b"], first: 1),
            RequestRecord(writer: 2, events: [Self.event("c"), Self.event("d")], outcome: .unknown),
            RequestRecord(writer: 2, events: [Self.event("e")], outcome: .unknown),
            Self.acknowledged(["f"], first: 5),
        ]
        let check = CrashCheck(records: records, stored: [
            Self.stored("a", at: 1), Self.stored("b", at: 2), Self.stored("c", at: 3), Self.stored("d", at: 4), Self.stored("f", at: 5),
        ])
        #expect(check.passed, "\(check.violations)")
        #expect(check.eventsAcknowledged == 3)
        #expect(check.eventsStored == 5)
        #expect(check.unknownStored == 1)
        #expect(check.unknownAbsent == 1)
    }

    @Test func aLostAcknowledgedEventFails() {
        let check = CrashCheck(records: [Self.acknowledged(["a", "b"], first: 1)], stored: [Self.stored("a", at: 1)])
        #expect(!check.passed)
        #expect(check.eventsLost == 1)
        #expect(check.violations.first?.hasPrefix("lost: acknowledged event b") == true, "\(check.violations)")
    }

    @Test func aPartlyStoredBatchFails() {
        let records = [RequestRecord(writer: 3, events: [Self.event("a"), Self.event("b"), Self.event("c")], outcome: .unknown)]
        let check = CrashCheck(records: records, stored: [Self.stored("a", at: 1), Self.stored("b", at: 2)])
        #expect(check.partialBatches == 1)
        #expect(check.violations == ["partial batch: writer 3's unacknowledged batch of 3 (first a) has 2 of its events stored"])
    }

    @Test func aDuplicateAGapAndAStrangerFail() {
        let check = CrashCheck(records: [Self.acknowledged(["a"], first: 1)], stored: [
            Self.stored("a", at: 1), Self.stored("a", at: 3), Self.stored("z", at: 4),
        ])
        #expect(check.duplicates == 1)
        #expect(!check.seqDense)
        #expect(check.foreignEvents == 1)
        #expect(check.violationCount == 3)
    }

    @Test func anEventAtAnotherSeqThanAcknowledgedFails() {
        let check = CrashCheck(records: [Self.acknowledged(["a"], first: 2), Self.acknowledged(["b"], first: 1)], stored: [
            Self.stored("a", at: 1), Self.stored("b", at: 2),
        ])
        #expect(check.misplaced == 2)
    }

    @Test func aRefusedValidRequestFails() {
        let check = CrashCheck(records: [RequestRecord(writer: 4, events: [Self.event("a")], outcome: .refused(code: "chain_broken"))], stored: [])
        #expect(check.requestsRefused == 1)
        #expect(check.violations == ["refused: writer 4's request of 1 event (first a) was refused with chain_broken"])
    }

    @Test func alteredContentFails() {
        var altered = Self.stored("a", at: 1)
        altered["amount_pence"] = .integer(6)
        let check = CrashCheck(records: [Self.acknowledged(["a"], first: 1)], stored: [altered])
        #expect(check.violations == ["stored event a at seq 1 differs from what was sent"])
    }
}

/// The crash run's comparison of the daemon's projections with the stored events.
@Suite struct LineTotalsTests {
    static let stored = [
        #"{"seq":1,"id":"x","type":"announced","line":"a","amount_pence":100}"#,
        #"{"seq":2,"id":"y","type":"funded","line":"a","amount_pence":30}"#,
        #"{"seq":3,"id":"z","type":"amended","line":"a","amount_pence":80}"#,
        #"{"seq":4,"id":"w","type":"funded","line":"a","amount_pence":5}"#,
    ]

    /// An `at` result holding one line with these figures.
    static func at(pledged: Int, funded: Int) throws -> JSONObject {
        try #require(Events.json(#"{"departments":[{"lines":[{"line":"a","pledged_pence":\#(pledged),"funded_pence":\#(funded)}]}]}"#).objectValue)
    }

    @Test func totalsFollowAmendmentsAndSumFunding() throws {
        let totals = LineTotals.of(try Self.stored.map { try #require(Events.json($0).objectValue) })
        #expect(totals == ["a": LineTotals(pledged: 80, funded: 35)])
        #expect(LineTotals.differences(expected: totals, at: try Self.at(pledged: 80, funded: 35)).isEmpty)
        #expect(LineTotals.differences(expected: totals, at: try Self.at(pledged: 80, funded: 30)) == [
            "projection: `at` gives line a pledged 80, funded 30, but its stored events make pledged 80, funded 35",
        ])
    }
}
