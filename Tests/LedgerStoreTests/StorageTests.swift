import Foundation
import LMDB
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// Map growth, the size limit, tamper evidence and backups, on real LMDB files.
@Suite struct StorageTests {
    static func fundingBatch(_ range: Range<Int>) -> [String] {
        range.map { Events.event("funded", "action-plan", on: "2025-02-01", #""amount_pence":\#($0 + 1)"#, id: "f\($0)") }
    }

    @Test func theMapGrowsWhenItFillsUp() throws {
        var options = EventLog.Options()
        options.mapSize = 256 << 10
        let fixture = try StoreFixture(options: options)
        try fixture.append([Events.announced("action-plan", amount: 1_000_000_000)])
        for start in stride(from: 0, to: 3000, by: 500) {
            try fixture.append(Self.fundingBatch(start..<(start + 500)))
        }
        #expect(try fixture.log.eventCount() == 3001)
        #expect(try fixture.log.storeBytes() > 256 << 10)
        // 1 + 2 + … + 3000 pence.
        #expect(try fixture.at("2025-03-01").line("action-plan")?.state.funded == Pence(4_501_500))
    }

    @Test func atTheLimitAppendsFailWithStorageFullAndNothingIsLost() throws {
        var options = EventLog.Options()
        options.mapSize = 256 << 10
        options.maximumMapSize = 512 << 10
        let fixture = try StoreFixture(options: options)
        try fixture.append([Events.announced("action-plan", amount: 1_000_000_000)])
        var stored = 0
        var failure: StoreError?
        for start in stride(from: 0, to: 20_000, by: 200) {
            do {
                stored += try fixture.append(Self.fundingBatch(start..<(start + 200))).appended
            } catch let error as StoreError {
                failure = error
                break
            }
        }
        #expect(failure?.code == .storageFull)
        let before = try fixture.export()
        #expect(before.count == stored + 1)
        // Reads go on, and a larger limit lets appends resume.
        #expect(try fixture.at("2025-03-01").line("action-plan") != nil)
        options.maximumMapSize = 64 << 20
        try fixture.reopen(options: options)
        #expect(try fixture.append(Self.fundingBatch(50_000..<50_200)).appended == 200)
        #expect(try Array(fixture.export().prefix(before.count)) == before)
        guard case .intact = try fixture.log.verify() else {
            Issue.record("chain broken after storage_full")
            return
        }
    }

    @Test func editingAStoredEventIsCaughtByVerifyAtItsSeq() throws {
        let fixture = try StoreFixture()
        try fixture.append([Events.announced("action-plan", amount: 1_000_000_000)] + Self.fundingBatch(0..<5))
        let path = fixture.directory.path
        fixture.log = try EventLog(path: try TemporaryDirectory().path)
        // Rewrite event 3's amount in place, as someone with the file could.
        try StoreTampering.edit(store: path, seq: 3, replacing: #""amount_pence":2,"#, with: #""amount_pence":9,"#)
        let reopened = try EventLog(path: path)
        guard case .broken(let seq, _) = try reopened.verify() else {
            Issue.record("tampering not detected")
            return
        }
        #expect(seq == 3)
    }

    @Test func aBackupIsACompleteVerifiedCopy() throws {
        let fixture = try StoreFixture()
        try fixture.append([Events.announced("action-plan", amount: 1_000_000_000)] + Self.fundingBatch(0..<20))
        let target = try TemporaryDirectory("ledger-backup")
        try fixture.log.backup(to: target.path)
        let copy = try EventLog(path: target.path)
        #expect(try copy.eventCount() == 21)
        var original: [String] = []
        try fixture.log.export { original.append(String(decoding: $0, as: UTF8.self)) }
        var copied: [String] = []
        try copy.export { copied.append(String(decoding: $0, as: UTF8.self)) }
        #expect(copied == original)
        guard case .intact(let count, _) = try copy.verify() else {
            Issue.record("backup does not verify")
            return
        }
        #expect(count == 21)
    }

    @Test(.enabled(if: Host.has("/usr/bin/mdb_stat"), "needs mdb_stat (lmdb-utils)"))
    func lmdbsOwnToolsReadTheStore() async throws {
        let fixture = try StoreFixture()
        try fixture.append([Events.announced("action-plan", amount: 1_000_000_000)])
        let stat = try await CommandRunner.run("/usr/bin/mdb_stat", ["-a", fixture.directory.path], absolute: true)
        #expect(stat.status == 0, "\(stat.errors)")
        let output = stat.output
        for name in ["events", "ids", "line_index", "lines", "department_lines", "retractions", "meta"] {
            #expect(output.contains("Status of \(name)"), "mdb_stat does not list \(name)")
        }
    }
}
