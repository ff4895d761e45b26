import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// The constant-time check of the chain's newest link, which decides whether a daemon may write.
@Suite struct ChainHeadTests {
    func ledger() throws -> StoreFixture {
        let fixture = try StoreFixture()
        try fixture.append([Events.announced("action-plan", amount: 1_000_000_000)] + StorageTests.fundingBatch(0..<5))
        return fixture
    }

    /// Closes the fixture's store, edits event `seq`, and opens it again.
    func tamper(_ fixture: StoreFixture, seq: UInt64, _ original: String, _ replacement: String) throws {
        fixture.log = try EventLog(path: try TemporaryDirectory().path)
        try StoreTampering.edit(store: fixture.directory.path, seq: seq, replacing: original, with: replacement)
        try fixture.reopen()
    }

    @Test func anIntactOrEmptyChainPasses() throws {
        #expect(try StoreFixture().log.verifyHead() == .intact(count: 0, head: EventRecord.genesisHash))
        let fixture = try ledger()
        guard case .intact(let count, let head) = try fixture.log.verifyHead() else {
            Issue.record("an intact chain failed its head check")
            return
        }
        #expect(count == 6)
        #expect(head == (try fixture.log.head().hash))
    }

    @Test func anEditedNewestEventIsCaughtAtItsSeq() throws {
        let fixture = try ledger()
        try tamper(fixture, seq: 6, #""amount_pence":5,"#, #""amount_pence":9,"#)
        guard case .broken(let seq, let reason) = try fixture.log.verifyHead() else {
            Issue.record("the edit was not noticed")
            return
        }
        #expect(seq == 6)
        #expect(reason == "its bytes do not match its chain hash")
    }

    @Test func anOlderEditIsLeftToVerify() throws {
        let fixture = try ledger()
        try tamper(fixture, seq: 3, #""amount_pence":2,"#, #""amount_pence":9,"#)
        // The head check looks at the newest link only; the full walk finds the older damage.
        guard case .intact = try fixture.log.verifyHead() else {
            Issue.record("the newest link is intact and should pass")
            return
        }
        #expect(try fixture.log.verify() == .broken(seq: 3, reason: "its bytes do not match its chain hash"))
    }
}
