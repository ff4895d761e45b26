import Foundation
import LedgerClient
import LedgerCore
import LedgerProtocol
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
        try client.ping()
        #expect(try client.append(Self.example) == AppendReport(appended: 24, duplicates: 0, firstSeq: 1, lastSeq: 24))
        let again = try client.append(Array(Self.example.prefix(3)))
        #expect(again == AppendReport(appended: 0, duplicates: 3, firstSeq: nil, lastSeq: nil))

        let date = try CivilDate.iso("2025-04-15")
        #expect(try client.at(date: date).pledged == Pence(3_450_000_000))
        #expect(try client.at(date: date, department: "telford-and-wrekin-council").departments.count == 1)
        #expect(try client.at(date: date, knownAt: "2000-01-01T00:00:00Z").departments.isEmpty)

        #expect(try client.history(line: "hillsborough-law").count == 1)

        var export = try client.export(from: 20)
        var seqs: [Int64] = []
        while let event = try export.next() { seqs.append(event.int("seq")) }
        #expect(seqs == [20, 21, 22, 23, 24])
        #expect(export.count == 5)

        guard case .intact(let count, let head) = try client.verify() else {
            Issue.record("the chain is not intact")
            return
        }
        #expect(count == 24)
        let stats = try client.stats()
        #expect(stats.events == 24)
        #expect(stats.headSeq == 24)
        #expect(stats.headHash == head)
        #expect(stats.connections == 1)
        #expect(stats.appends == 2)
        #expect(stats.storeBytes > 0)
        #expect(daemon.stop() == 0)
    }

    /// What the daemon writes is, byte for byte, what LedgerProtocol writes for the response it
    /// reads as: one encoder of the wire, whichever side writes it.
    @Test func everyResponseIsTheProtocolsLineForIt() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        let date = try CivilDate.iso("2025-04-15")
        var kinds: Set<String> = []
        /// Sends `request` and checks every line of its answer; returns the number of lines.
        @discardableResult
        func exchange(_ request: Request, lines: Int = 1) throws -> Int {
            try client.send(request)
            for _ in 0..<lines {
                let line = try #require(try client.receiveLine())
                let response = try ResponseDecoder.decode(line: line)
                #expect(response.line == line + [UInt8(ascii: "\n")], "\(request.op): \(String(decoding: line.prefix(300), as: UTF8.self))")
                kinds.insert(Self.kind(response))
            }
            return lines
        }
        try exchange(.ping)
        try exchange(.append(Events.batch(Self.example)))
        try exchange(.append(Events.batch(Array(Self.example.prefix(2)))))
        try exchange(.at(date: date, department: nil, knownAt: nil, knownAtText: nil))
        try exchange(.at(date: date, department: "home-office", knownAt: Timestamp(cutoff: "2025-02-01"), knownAtText: "2025-02-01"))
        try exchange(.history(line: "hillsborough-law"))
        try exchange(.history(line: "no-such-line"))
        try exchange(.export(fromSeq: 1), lines: 25)
        try exchange(.verify)
        try exchange(.stats)
        try exchange(.history(line: "Not A Slug"))
        try exchange(.append(Events.batch([Events.event("funded", "nowhere", on: "2025-02-01", #""amount_pence":1"#)])))
        try exchange(.subscribe(fromSeq: 23), lines: 2)
        #expect(kinds == ["pong", "appended", "at", "history", "event", "done", "verified", "stats", "error"])
        #expect(daemon.stop() == 0)
    }

    /// The kind of a response, for counting the kinds seen.
    static func kind(_ response: Response) -> String {
        switch response {
        case .appended: "appended"
        case .at: "at"
        case .history: "history"
        case .event: "event"
        case .exportDone: "done"
        case .verified: "verified"
        case .stats: "stats"
        case .pong: "pong"
        case .error: "error"
        }
    }

    @Test func badLinesGetErrorsAndTheConnectionGoesOn() async throws {
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
            #expect(try client.answer(raw: line).refusal?.code == code, "\(line)")
        }
        // Invalid UTF-8 on the wire.
        try client.send(raw: Array(#"{"op":"ping","x":""#.utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8))
        #expect(try client.receive()?.refusal?.code == "invalid_utf8")
        try client.ping()
        let refused = try refusalOf {
            try client.append([Events.announced("plan", amount: 5), Events.event("funded", "nowhere", on: "2025-02-01", #""amount_pence":1"#)])
        }
        #expect(refused?.code == "unknown_line")
        #expect(refused?.index == 1)
        #expect(try client.stats().events == 0)
        #expect(daemon.stop() == 0)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        var requests: [Request] = [.append(try Events.batch(Self.example))]
        for day in 1...28 {
            requests.append(.at(date: try #require(CivilDate(year: 2025, month: 2, day: day)), department: nil, knownAt: nil, knownAtText: nil))
        }
        requests.append(.ping)
        for request in requests { try client.send(request) }
        guard case .appended(let report)? = try client.receive() else {
            Issue.record("the append was not answered first")
            return
        }
        #expect(report.appended == 24)
        for day in 1...28 {
            guard case .at(let result)? = try client.receive() else {
                Issue.record("day \(day) was not answered in its turn")
                return
            }
            #expect(result.at.day == day)
        }
        #expect(try client.receive() == .pong)
        #expect(daemon.stop() == 0)
    }

    /// Appends sent without waiting are handed to the writer while the one before commits: each
    /// must still be checked against everything sent before it, answered in its turn, and seen by
    /// a read sent after it.
    @Test func pipelinedAppendsAreCommittedAndAnsweredInOrder() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        func append(_ event: String) -> String { #"{"op":"append","events":["# + event + "]}\n" }
        let rounds = 150, refusedAfter = 75
        var text = ""
        for round in 0..<rounds {
            // Each funding needs the announcement sent just before it to be committed first.
            text += append(Events.announced("line-\(round)"))
            text += append(Events.event("funded", "line-\(round)", on: "2025-02-01", "\"amount_pence\":\(round + 1)"))
            if round == refusedAfter {
                text += append(Events.event("funded", "nowhere", on: "2025-02-01", #""amount_pence":1"#))
            }
        }
        text += #"{"op":"stats"}"# + "\n"
        try client.send(raw: Array(text.utf8))
        var seq: UInt64 = 0
        for round in 0..<rounds {
            for _ in 0..<2 {
                seq += 1
                guard case .appended(let report)? = try client.receive() else {
                    Issue.record("round \(round): an append was not acknowledged in its turn")
                    return
                }
                #expect(report.firstSeq == seq, "round \(round)")
            }
            if round == refusedAfter {
                #expect(try client.receive()?.refusal?.code == "unknown_line")
            }
        }
        guard case .stats(let stats)? = try client.receive() else {
            Issue.record("stats was not answered last")
            return
        }
        #expect(stats.events == 2 * rounds)
        // 1 + 2 + … + 150 pence: every funding stored once, none from the refused append.
        #expect(try client.at(date: try #require(CivilDate(year: 2025, month: 3, day: 1))).funded == Pence(Int64(rounds * (rounds + 1) / 2)))
        #expect(daemon.stop() == 0)
    }

    @Test func sixteenConcurrentWritersEachAcknowledgedEventIsStoredOnce() async throws {
        let daemon = try DaemonProcess()
        let setup = try daemon.connect()
        #expect(try setup.append([Events.announced("plan", amount: 1_000_000_000)]).appended == 1)
        let socket = daemon.socket
        // Each writer on a thread of its own: all sixteen wait on the daemon at once.
        let writers = try await Threads.run(16, name: "writer") { writer in
            let client = try LedgerConnection(path: socket, timeout: .seconds(60))
            var seqs: [Int64] = []
            for number in 0..<25 {
                let report = try client.append([Events.event(
                    "funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "w\(writer)-\(number)"
                )])
                seqs.append(Int64(report.firstSeq ?? 0))
            }
            return seqs
        }
        #expect(writers.peak == 16, "only \(writers.peak) writers ran at once")
        let acknowledged = writers.values.flatMap { $0 }
        #expect(acknowledged.count == 400)
        #expect(Set(acknowledged).count == 400)
        #expect(acknowledged.sorted() == Array(2...401))
        let export = try daemon.connect()
        let events = try export.exportedEvents()
        #expect(events.map { $0.int("seq") } == Array(1...401))
        #expect(Set(events.compactMap { $0["id"]?.stringValue }).count == 401)
        #expect(try export.at(date: CivilDate.iso("2025-03-01")).funded == Pence(400))
        #expect(daemon.stop() == 0)
    }

    @Test func aSubscriberGetsEveryEventOnceAcrossCatchUpAndLive() async throws {
        let daemon = try DaemonProcess()
        let writer = try daemon.connect()
        _ = try writer.append([Events.announced("plan", amount: 1_000)] + (0..<9).map {
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "early-\($0)")
        })
        // The subscriber reads on a thread of its own; the writer appends on another once the
        // subscriber has its first event, so the later ones reach it live.
        let socket = daemon.socket
        let subscribed = DispatchSemaphore(value: 0)
        let run = try await Threads.run(2) { role in
            if role == 0 {
                let subscriber = try LedgerConnection(path: socket, timeout: .seconds(60))
                var stream = try subscriber.subscribe(from: 3)
                var seqs: [Int64] = []
                while seqs.count < 38, let event = try stream.next() {
                    seqs.append(event.int("seq"))
                    if seqs.count == 1 { subscribed.signal() }
                }
                return seqs
            }
            guard subscribed.wait(timeout: .now() + 60) == .success else { throw DaemonFailure(message: "the subscriber got nothing") }
            let writer = try LedgerConnection(path: socket, timeout: .seconds(60))
            for batch in 0..<10 {
                _ = try writer.append((0..<3).map {
                    Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "live-\(batch)-\($0)")
                })
            }
            return []
        }
        #expect(run.values[0] == Array(3...40))
        #expect(run.peak == 2)
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
        var stream = try subscriber.subscribe(from: 1)
        var seqs: [Int64] = []
        while seqs.count < 60, let event = try stream.next() {
            seqs.append(event.int("seq"))
        }
        #expect(seqs == Array(1...60))
        #expect(daemon.stop() == 0)
    }

    // Runs `ledger` as nobody: needs root and setpriv.
    @Test(.enabled(if: Host.canSwitchUser, "running ledger as nobody needs root, setpriv and the users nobody and nogroup"))
    func aClientWithoutWriteRightsIsRefusedWritesAndServedReads() async throws {
        let daemon = try DaemonProcess(arguments: ["--writers-group", "no-such-group-for-ledger"])
        let root = try daemon.connect()
        _ = try root.append(Self.example)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: daemon.directory)
        let nobody = try await CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Paths.products + "/ledger", "append", "-", "--socket", daemon.socket,
        ], input: Events.announced("sneaky", amount: 5), absolute: true)
        #expect(nobody.status == 1)
        #expect(nobody.errors.contains("forbidden"), "\(nobody.errors)")
        #expect(nobody.errors.contains("may only read"))
        let read = try await CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Paths.products + "/ledger", "at", "2025-04-15", "--format", "json", "--socket", daemon.socket,
        ], absolute: true)
        #expect(read.status == 0, "\(read.errors)")
        #expect(read.output.contains(#""pledged_pence":3450000000"#))
        #expect(try root.stats().events == 24)
        #expect(daemon.stop() == 0)
    }

    // Runs `ledger` as nobody with group 100 ("users" on Debian): needs root and setpriv.
    @Test(.enabled(if: Host.canSwitchUser && getgrgid(100) != nil, "running ledger as nobody in group 100 needs root, setpriv and that group"))
    func aMemberOfTheWritersGroupMayAppend() async throws {
        // "users" (gid 100 on Debian) stands in for the ledger group; the client is nobody with it as a
        // supplementary group only, so the daemon can know it only through SO_PEERGROUPS.
        let daemon = try DaemonProcess(arguments: ["--writers-group", "users"])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: daemon.directory)
        let member = try await CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--groups=100",
            Paths.products + "/ledger", "append", "-", "--socket", daemon.socket,
        ], input: Events.announced("plan", amount: 5), absolute: true)
        #expect(member.status == 0, "\(member.errors)")
        #expect(member.output == "appended 1, duplicates 0, seq 1\n")
        let stranger = try await CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Paths.products + "/ledger", "append", "-", "--socket", daemon.socket,
        ], input: Events.announced("other", amount: 5), absolute: true)
        #expect(stranger.status == 1)
        #expect(stranger.errors.contains("forbidden"))
        #expect(daemon.log.contains("user=nobody"))
        #expect(daemon.stop() == 0)
    }
}
