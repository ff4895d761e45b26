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
        #expect(try client.append(DaemonProtocolTests.example).int("appended") == 24)
        #expect(daemon.stop() == 0)

        // Event 24, the newest, is the promise to track the Morgan recommendations: reword it
        // behind the ledger's back.
        try StoreTampering.edit(store: daemon.stateDirectory, seq: 24, replacing: "via MORGAN", with: "via MORGEN")
        try daemon.start()
        let reader = try daemon.connect()
        #expect(try reader.call(#"{"op":"ping"}"#)["pong"] == .bool(true))
        let at = try reader.call(#"{"op":"at","date":"2025-04-15"}"#)
        #expect(try AtResultDecoder.decode(at["result"] ?? .null).pledged == Pence(3_450_000_000))

        let refused = try reader.append([Events.event("delivered", "morgan-recommendation-tracking", on: "2025-04-15")])
        #expect(refused.errorCode == "chain_broken")
        let error = try #require(refused["error"]?.objectValue)
        #expect(error.int("seq") == 24)
        #expect(error["message"]?.stringValue?.contains("the chain is broken at seq 24: its bytes do not match its chain hash") == true)
        #expect(daemon.log.contains("the hash chain is broken: serving reads only"))
        // Nothing was appended, and verify names the same seq.
        let verify = try reader.call(#"{"op":"verify"}"#)
        #expect(verify.errorCode == "chain_broken")
        #expect(verify["error"]?.objectValue?.int("seq") == 24)
        #expect(try reader.call(#"{"op":"stats"}"#).int("events") == 24)
        #expect(daemon.stop() == 0)
    }
}
