import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// The real `ledgerd` on a temporary socket, spoken to as clients do (docs/protocol.md).
@Suite(.serialized) struct DaemonProtocolTests {
    static let example: [String] = {
        (try? String(contentsOfFile: Paths.exampleLedger, encoding: .utf8))?
            .split(separator: "\n").map(String.init) ?? []
    }()

    @Test func everyOperation() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        #expect(try client.call(#"{"op":"ping"}"#)["pong"] == .bool(true))
        let appended = try client.append(Self.example)
        #expect(appended.int("appended") == 24)
        #expect(appended.int("first_seq") == 1)
        #expect(appended.int("last_seq") == 24)
        let again = try client.append(Array(Self.example.prefix(3)))
        #expect(again.int("duplicates") == 3)
        #expect(again["first_seq"] == .null)

        let at = try client.call(#"{"op":"at","date":"2025-04-15"}"#)
        let result = try AtResultDecoder.decode(at["result"] ?? .null)
        #expect(result.pledged == Pence(3_450_000_000))
        let department = try client.call(#"{"op":"at","date":"2025-04-15","department":"telford-and-wrekin-council"}"#)
        #expect(try AtResultDecoder.decode(department["result"] ?? .null).departments.count == 1)
        let before = try client.call(#"{"op":"at","date":"2025-04-15","known_at":"2000-01-01T00:00:00Z"}"#)
        #expect(try AtResultDecoder.decode(before["result"] ?? .null).departments.isEmpty)

        let history = try client.call(#"{"op":"history","line":"hillsborough-law"}"#)
        #expect(history["events"]?.arrayValue?.count == 1)

        try client.send(JSONParser.parse(#"{"op":"export","from_seq":20}"#))
        var seqs: [Int64] = []
        while let line = try client.receive()?.objectValue {
            if let event = line["event"]?.objectValue { seqs.append(event.int("seq")); continue }
            #expect(line.int("count") == 5)
            break
        }
        #expect(seqs == [20, 21, 22, 23, 24])

        let verify = try client.call(#"{"op":"verify"}"#)
        #expect(verify["intact"] == .bool(true))
        #expect(verify.int("count") == 24)
        let stats = try client.call(#"{"op":"stats"}"#)
        #expect(stats.int("events") == 24)
        #expect(stats.int("head_seq") == 24)
        #expect(stats["head_hash"] == verify["head"])
        #expect(stats.int("connections") == 1)
        #expect(stats.int("appends") == 2)
        #expect(stats.int("store_bytes") > 0)
        #expect(daemon.stop() == 0)
    }

    @Test func badLinesGetErrorsAndTheConnectionGoesOn() throws {
        let daemon = try DaemonProcess(arguments: ["--max-line-bytes", "4096"])
        let client = try daemon.connect()
        let cases: [(String, String)] = [
            ("{nope", "invalid_json"),
            (#"{"op":"fly"}"#, "invalid_request"),
            (#"{"op":"ping","extra":1}"#, "invalid_request"),
            (#"{"op":"at","date":"15/04/2025"}"#, "invalid_request"),
            (#"{"op":"append","events":[{"type":"funded","line":"x","effective":"2025-01-01","source":{"title":"t"},"amount_pence":1}]}"#, "unknown_line"),
            (#"{"op":"append","events":[{"type":"funded"}]}"#, "missing_field"),
            ("[1,2,3]", "invalid_request"),
            (#"{"op":"ping","#, "invalid_json"),
            (#"{"op":"history","line":"\#(String(repeating: "a", count: 5000))"}"#, "line_too_long"),
        ]
        for (line, code) in cases {
            let response = try client.call(line)
            #expect(response["ok"] == .bool(false), "\(line)")
            #expect(response.errorCode == code, "\(line) → \(response)")
        }
        // Invalid UTF-8 on the wire.
        try client.send(raw: Array(#"{"op":"ping","x":""#.utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8))
        #expect(try client.receive()?.objectValue?.errorCode == "invalid_utf8")
        #expect(try client.call(#"{"op":"ping"}"#)["pong"] == .bool(true))
        let index = try client.append([
            Events.announced("plan", amount: 5),
            Events.event("funded", "nowhere", on: "2025-02-01", #""amount_pence":1"#),
        ])
        #expect(index.errorCode == "unknown_line")
        #expect(index["error"]?.objectValue?.int("index") == 1)
        #expect(try client.call(#"{"op":"stats"}"#).int("events") == 0)
        #expect(daemon.stop() == 0)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        var lines = [#"{"op":"append","events":[\#(Self.example.joined(separator: ","))]}"#]
        for day in 1...28 { lines.append(#"{"op":"at","date":"2025-02-\#(day < 10 ? "0" : "")\#(day)"}"#) }
        lines.append(#"{"op":"ping"}"#)
        for line in lines { try client.send(JSONParser.parse(line)) }
        #expect(try client.receive()?.objectValue?.int("appended") == 24)
        for day in 1...28 {
            let response = try #require(try client.receive()?.objectValue)
            let result = try AtResultDecoder.decode(response["result"] ?? .null)
            #expect(result.at.day == day)
        }
        #expect(try client.receive()?.objectValue?["pong"] == .bool(true))
        #expect(daemon.stop() == 0)
    }

    @Test func sixteenConcurrentWritersEachAcknowledgedEventIsStoredOnce() async throws {
        let daemon = try DaemonProcess()
        let setup = try daemon.connect()
        #expect(try setup.append([Events.announced("plan", amount: 1_000_000_000)]).int("appended") == 1)
        let socket = daemon.socket
        let acknowledged = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<16 {
                group.addTask {
                    let client = try LedgerConnection(path: socket, timeout: .seconds(60))
                    var seqs: [Int64] = []
                    for number in 0..<25 {
                        let response = try client.append([Events.event(
                            "funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "w\(writer)-\(number)"
                        )])
                        seqs.append(response.int("first_seq"))
                    }
                    return seqs
                }
            }
            var all: [Int64] = []
            for try await seqs in group { all += seqs }
            return all
        }
        #expect(acknowledged.count == 400)
        #expect(Set(acknowledged).count == 400)
        #expect(acknowledged.sorted() == Array(2...401))
        let export = try daemon.connect()
        try export.send(JSONParser.parse(#"{"op":"export"}"#))
        var ids = Set<String>()
        var seqs: [Int64] = []
        while let line = try export.receive()?.objectValue, let event = line["event"]?.objectValue {
            seqs.append(event.int("seq"))
            if let id = event["id"]?.stringValue { ids.insert(id) }
        }
        #expect(seqs == Array(1...401))
        #expect(ids.count == 401)
        let at = try export.call(#"{"op":"at","date":"2025-03-01"}"#)
        #expect(try AtResultDecoder.decode(at["result"] ?? .null).funded == Pence(400))
        #expect(daemon.stop() == 0)
    }

    @Test func aSubscriberGetsEveryEventOnceAcrossCatchUpAndLive() async throws {
        let daemon = try DaemonProcess()
        let writer = try daemon.connect()
        _ = try writer.append([Events.announced("plan", amount: 1_000)] + (0..<9).map {
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "early-\($0)")
        })
        let subscriber = try daemon.connect()
        try subscriber.send(JSONParser.parse(#"{"op":"subscribe","from_seq":3}"#))
        let reading = Task.detached { () throws -> [Int64] in
            var seqs: [Int64] = []
            while seqs.count < 38, let line = try subscriber.receive()?.objectValue {
                guard let event = line["event"]?.objectValue else { break }
                seqs.append(event.int("seq"))
            }
            return seqs
        }
        for batch in 0..<10 {
            _ = try writer.append((0..<3).map {
                Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "live-\(batch)-\($0)")
            })
        }
        let seqs = try await reading.value
        #expect(seqs == Array(3...40))
        #expect(daemon.stop() == 0)
    }

    @Test func aSubscriptionStartingFarBehindCatchesUp() throws {
        let daemon = try DaemonProcess(arguments: ["--max-subscriber-lag", "10"])
        let writer = try daemon.connect()
        _ = try writer.append([Events.announced("plan", amount: 1_000)] + (0..<59).map {
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "early-\($0)")
        })
        // Sixty events behind, six times the lag allowed: it catches up all the same.
        let subscriber = try daemon.connect()
        try subscriber.send(JSONParser.parse(#"{"op":"subscribe","from_seq":1}"#))
        var seqs: [Int64] = []
        while seqs.count < 60, let event = try subscriber.receive()?.objectValue?["event"]?.objectValue {
            seqs.append(event.int("seq"))
        }
        #expect(seqs == Array(1...60))
        #expect(daemon.stop() == 0)
    }

    @Test func aClientWithoutWriteRightsIsRefusedWritesAndServedReads() throws {
        let daemon = try DaemonProcess(arguments: ["--writers-group", "no-such-group-for-ledger"])
        let root = try daemon.connect()
        _ = try root.append(Self.example)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: daemon.directory.path)
        let nobody = try CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Paths.products + "/ledger", "append", "-", "--socket", daemon.socket,
        ], input: Events.announced("sneaky", amount: 5), absolute: true)
        #expect(nobody.status == 1)
        #expect(nobody.errors.contains("forbidden"), "\(nobody.errors)")
        #expect(nobody.errors.contains("may only read"))
        let read = try CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Paths.products + "/ledger", "at", "2025-04-15", "--format", "json", "--socket", daemon.socket,
        ], absolute: true)
        #expect(read.status == 0, "\(read.errors)")
        #expect(read.output.contains(#""pledged_pence":3450000000"#))
        #expect(try root.call(#"{"op":"stats"}"#).int("events") == 24)
        #expect(daemon.stop() == 0)
    }

    @Test func aMemberOfTheWritersGroupMayAppend() throws {
        // "users" (gid 100 on Debian) stands in for the ledger group; the client is nobody with it as a
        // supplementary group only, so the daemon can know it only through SO_PEERGROUPS.
        let daemon = try DaemonProcess(arguments: ["--writers-group", "users"])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: daemon.directory.path)
        let member = try CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--groups=100",
            Paths.products + "/ledger", "append", "-", "--socket", daemon.socket,
        ], input: Events.announced("plan", amount: 5), absolute: true)
        #expect(member.status == 0, "\(member.errors)")
        #expect(member.output == "appended 1, duplicates 0, seq 1\n")
        let stranger = try CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Paths.products + "/ledger", "append", "-", "--socket", daemon.socket,
        ], input: Events.announced("other", amount: 5), absolute: true)
        #expect(stranger.status == 1)
        #expect(stranger.errors.contains("forbidden"))
        #expect(daemon.log.contains("user=nobody"))
        #expect(daemon.stop() == 0)
    }
}
