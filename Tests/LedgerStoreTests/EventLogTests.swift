import Foundation
import LMDB
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// The store against a real LMDB environment in a temporary directory.
@Suite struct EventLogTests {
    static let plan = [
        Events.announced("action-plan", amount: 1_000_000_000, due: "2025-07", id: "plan"),
        Events.announced("police", amount: 250_000_000, parent: "action-plan", id: "police"),
        Events.event("funded", "police", on: "2025-02-01", #""amount_pence":250000000"#, id: "police-funded"),
    ]

    @Test func appendAssignsDenseSeqsAndReportsThem() throws {
        let fixture = try StoreFixture()
        let report = try fixture.append(Self.plan)
        #expect(report == AppendReport(appended: 3, duplicates: 0, firstSeq: 1, lastSeq: 3))
        let next = try fixture.append([Events.event("funded", "action-plan", on: "2025-03-01", #""amount_pence":1"#)])
        #expect(next == AppendReport(appended: 1, duplicates: 0, firstSeq: 4, lastSeq: 4))
    }

    @Test func reopeningKeepsEverything() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.plan)
        let before = try fixture.export()
        let stateBefore = try fixture.at("2025-04-15")
        try fixture.reopen()
        #expect(try fixture.export() == before)
        #expect(try fixture.at("2025-04-15") == stateBefore)
        #expect(try fixture.log.head().seq == 3)
    }

    @Test func anIdenticalReSendIsADuplicateAndChangesNothing() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.plan)
        let before = try fixture.export()
        let again = try fixture.append(Self.plan)
        #expect(again == AppendReport(appended: 0, duplicates: 3, firstSeq: nil, lastSeq: nil))
        #expect(try fixture.export() == before)
    }

    @Test func anEventWithoutIdIsIdempotentToo() throws {
        let fixture = try StoreFixture()
        let line = Events.event("funded", "action-plan", on: "2025-03-01", #""amount_pence":7"#)
        try fixture.append([Events.announced("action-plan", amount: 10), line])
        #expect(try fixture.append([line]) == AppendReport(appended: 0, duplicates: 1, firstSeq: nil, lastSeq: nil))
        #expect(try fixture.at("2025-04-01").line("action-plan")?.state.funded == Pence(7))
    }

    @Test func aRefusedBatchLeavesTheStoreByteForByteTheSame() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.plan)
        let before = try fixture.export()
        let error = try fixture.refusal([
            Events.event("funded", "action-plan", on: "2025-03-01", #""amount_pence":5"#),
            Events.announced("undercover", amount: 1_100_000_000),
            Events.event("funded", "nowhere", on: "2025-03-01", #""amount_pence":5"#),
        ])
        #expect(error?.code == .unknownLine)
        #expect(error?.index == 2)
        #expect(try fixture.export() == before)
        #expect(try fixture.at("2025-04-15").line("undercover") == nil)
        #expect(try fixture.log.head().seq == 3)
    }

    /// Batches as the writer hands them to one group commit.
    private func pending(_ fixture: StoreFixture, _ lines: [String]) throws -> [PendingEvent] {
        try PendingEvent.batch(Events.batch(lines), today: fixture.now.londonDate)
    }

    @Test func aGroupCommitUndoesOnlyTheBatchThatBreaksARule() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.plan)
        let first = try pending(fixture, [Events.event("funded", "action-plan", on: "2025-03-01", #""amount_pence":5"#, id: "first")])
        let broken = try pending(fixture, [
            Events.event("funded", "action-plan", on: "2025-03-02", #""amount_pence":6"#, id: "undone"),
            Events.event("funded", "nowhere", on: "2025-03-02", #""amount_pence":6"#),
        ])
        let last = try pending(fixture, [Events.event("funded", "action-plan", on: "2025-03-03", #""amount_pence":7"#, id: "last")])
        let results = try fixture.log.appendGroup([first, broken, last], now: fixture.now)
        #expect(results.count == 3)
        #expect(try results[0].get() == AppendReport(appended: 1, duplicates: 0, firstSeq: 4, lastSeq: 4))
        guard case .failure(let error) = results[1] else {
            Issue.record("the broken batch was stored")
            return
        }
        #expect(error.code == .unknownLine)
        #expect(error.index == 1)
        #expect(try results[2].get() == AppendReport(appended: 1, duplicates: 0, firstSeq: 5, lastSeq: 5))
        #expect(try fixture.export().count == 5)
        #expect(try fixture.at("2025-04-15").line("action-plan")?.state.funded == Pence(12))
    }

    @Test func aGroupOfOneBatchThatBreaksARuleStoresNothing() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.plan)
        let before = try fixture.export()
        let broken = try pending(fixture, [
            Events.event("funded", "action-plan", on: "2025-03-02", #""amount_pence":6"#, id: "undone"),
            Events.event("funded", "nowhere", on: "2025-03-02", #""amount_pence":6"#),
        ])
        let results = try fixture.log.appendGroup([broken], now: fixture.now)
        guard results.count == 1, case .failure(let error) = results[0] else {
            Issue.record("expected one refusal, got \(results)")
            return
        }
        #expect(error.index == 1)
        #expect(try fixture.export() == before)
        #expect(try fixture.log.head().seq == 3)
        let alone = try pending(fixture, [Events.event("funded", "action-plan", on: "2025-03-02", #""amount_pence":6"#, id: "kept")])
        #expect(try fixture.log.appendGroup([alone], now: fixture.now)[0].get() == AppendReport(appended: 1, duplicates: 0, firstSeq: 4, lastSeq: 4))
    }

    @Test func theExportIsCanonicalAndItsHashChainChecksOut() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.plan)
        let lines = try fixture.export()
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix(#"{"amount_pence":1000000000,"department":"home-office","due":"2025-07","effective":"2025-01-16","hash":""#))
        #expect(lines[0].contains(#""recorded":"2025-06-30T12:00:00.000Z","seq":1,"#))
        // Recompute the chain from the export as any reader would: drop "hash", JCS, SHA-256.
        var previous = EventRecord.genesisHash
        for line in lines {
            guard case .object(var object) = try JSONParser.parse(line), case .string(let hash)? = object["hash"] else {
                Issue.record("export line without hash")
                return
            }
            object["hash"] = nil
            previous = EventRecord.chainHash(previous: previous, canonical: CanonicalJSON.encode(.object(object)))
            #expect(Hex.string(previous) == hash)
        }
        guard case .intact(let count, let head) = try fixture.log.verify() else {
            Issue.record("chain not intact")
            return
        }
        #expect(count == 3)
        #expect(head == previous)
    }

    @Test func exportFromASeqStartsThere() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.plan)
        var seqs: [String] = []
        try fixture.log.export(fromSeq: 2) { line in
            if case .object(let object) = try JSONParser.parse(line), case .integer(let seq)? = object["seq"] { seqs.append("\(seq)") }
        }
        #expect(seqs == ["2", "3"])
    }

    @Test func recordedTimesNeverGoBackwards() throws {
        let fixture = try StoreFixture()
        try fixture.append([Self.plan[0]])
        fixture.now = Timestamp(millisecondsSinceEpoch: fixture.now.millisecondsSinceEpoch - 60_000)
        try fixture.append([Self.plan[1]])
        let history = try fixture.log.history(of: "police")
        #expect(history.first?.stored.recorded.rfc3339 == "2025-06-30T12:00:00.000Z")
    }
}
