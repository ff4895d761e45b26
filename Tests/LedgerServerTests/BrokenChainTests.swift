import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// A daemon that finds the newest link of its chain damaged serves reads and refuses appends,
/// saying why: extending the chain would seal the damage in.
@Suite(.serialized) struct BrokenChainTests {
    @Test func aTamperedHeadMakesTheDaemonReadOnly() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        #expect(try client.append(DaemonProtocolTests.example).appended == 24)
        #expect(daemon.stop() == 0)

        // Event 24, the newest, is the promise to track the Morgan recommendations: reword it
        // behind the ledger's back.
        try StoreTampering.edit(store: daemon.stateDirectory, seq: 24, replacing: "via MORGAN", with: "via MORGEN")
        try daemon.start()
        let reader = try daemon.connect()
        try reader.ping()
        #expect(try reader.at(date: CivilDate.iso("2025-04-15")).pledged == Pence(3_450_000_000))

        let error = try #require(try refusalOf {
            try reader.append([Events.event("delivered", "morgan-recommendation-tracking", on: "2025-04-15")])
        })
        #expect(error.code == "chain_broken")
        #expect(error.seq == 24)
        #expect(error.message.contains("the chain is broken at seq 24: its bytes do not match its chain hash"))
        #expect(daemon.log.contains("the hash chain is broken: serving reads only"))
        // Nothing was appended, and verify names the same seq.
        guard case .broken(let seq, let message) = try reader.verify() else {
            Issue.record("verify found the chain intact")
            return
        }
        #expect(seq == 24)
        #expect(message.hasPrefix("the chain is broken at seq 24: its bytes do not match its chain hash"))
        #expect(try reader.stats().events == 24)
        #expect(daemon.stop() == 0)
    }
}
