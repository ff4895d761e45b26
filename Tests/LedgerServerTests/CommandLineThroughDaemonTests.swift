import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// `ledger` talking to a real `ledgerd`, and the daemon's limits.
@Suite(.serialized) struct CommandLineThroughDaemonTests {
    @Test func everyCommandAnswersAsTheEmbeddedLedgerDoes() async throws {
        let daemon = try DaemonProcess()
        let socket = ["--socket", daemon.socket]
        let append = try await CommandRunner.run("ledger", ["append", Paths.exampleLedger] + socket)
        #expect(append.output == "appended 24, duplicates 0, seq 1–24\n", "\(append.errors)")
        // LMDB lets a reader process open the environment beside the daemon.
        let direct = ["--db", daemon.stateDirectory]
        for command in [
            ["at", "2025-04-15"], ["at", "2025-04-15", "--format", "json"], ["at", "2025-04-15", "--format", "csv"],
            ["at", "2025-04-15", "--department", "home-office"], ["history", "grooming-gangs-action-plan"],
            ["history", "hillsborough-law", "--format", "json"], ["diff", "2025-01-15", "2025-03-01"],
            ["export"], ["export", "--from-seq", "20"], ["verify"],
        ] {
            let viaDaemon = try await CommandRunner.run("ledger", command + socket)
            let embedded = try await CommandRunner.run("ledger", command + direct)
            #expect(viaDaemon.status == 0, "\(command): \(viaDaemon.errors)")
            #expect(viaDaemon.output == embedded.output, "\(command)")
            #expect(!viaDaemon.output.isEmpty)
        }
        let stats = try await CommandRunner.run("ledger", ["stats"] + socket)
        #expect(stats.output.contains("events: 24\n"))
        #expect(daemon.stop() == 0)
    }

    @Test func aLargeFileGoesInBatches() async throws {
        let daemon = try DaemonProcess()
        let file = daemon.directory + "/large.ndjson"
        var lines = [Events.announced("plan", amount: 1_000_000_000)]
        lines += (0..<12_000).map { Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "f\($0)") }
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await CommandRunner.run("ledger", ["append", file, "--socket", daemon.socket])
        #expect(result.output == "appended 12001, duplicates 0, seq 1–12001\n", "\(result.errors)")
        let stats = try daemon.connect().stats()
        #expect(stats.events == 12_001)
        #expect(stats.appends > 1)
        // A refusal in a later batch names its line and says what went in before it.
        let bad = daemon.directory + "/bad.ndjson"
        var more = (0..<10_000).map { Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":2"#, id: "g\($0)") }
        more.append(Events.event("funded", "nowhere", on: "2025-02-01", #""amount_pence":2"#))
        try more.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await CommandRunner.run("ledger", ["append", bad, "--socket", daemon.socket])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("line 10001 (field line): unknown_line"), "\(refused.errors)")
        #expect(refused.errors.contains(", duplicates 0, seq 12002–"))
        #expect(refused.errors.contains("before it (lines up to "))
        #expect(refused.errors.contains("sending the file again skips those as duplicates"))
        #expect(daemon.stop() == 0)
    }

    @Test func tailFollowsTheLiveStream() async throws {
        let daemon = try DaemonProcess()
        _ = try daemon.connect().append([Events.announced("plan", amount: 1_000)])
        // What tail prints first, once the event is appended while it runs (at most 30 s).
        let line = try await CommandRunner.firstLine(of: "ledger", ["tail", "--from-seq", "2", "--format", "text", "--socket", daemon.socket]) {
            _ = try daemon.connect().append([Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":250000000"#)])
        }
        #expect(line == "#2 2025-02-01 plan funded +£2.5m")
        #expect(daemon.stop() == 0)
    }

    @Test func withoutADaemonTheMessageSaysHowToStartOne() async throws {
        let result = try await CommandRunner.run("ledger", ["at", "2025-04-15", "--socket", "/nonexistent/ledger.sock"])
        #expect(result.status == 1)
        #expect(result.errors.split(separator: "\n").count == 1)
        #expect(result.errors.contains("cannot reach ledgerd at /nonexistent/ledger.sock"))
        #expect(result.errors.contains("ledgerd --socket /nonexistent/ledger.sock --state-dir DIR"))
        #expect(result.errors.contains("--db DIR"))
    }

    static let announcement = #"{"type":"announced","line":"limits","effective":"2025-01-06","department":"home-office","title":"A line","kind":"policy","source":{"title":"A source","publisher":"Home Office"}}"#

    @Test func atTheLimitTheConnectionIdleLongestMakesWay() throws {
        let daemon = try DaemonProcess(arguments: ["--max-connections", "2"])
        let first = try daemon.connect()
        #expect(try first.stats().connections == 1)
        // The daemon marks a connection quiet once its answer is written, a moment after the
        // client has it: a pause makes "first is idle longest" true however loaded the machine.
        usleep(200_000)
        let second = try daemon.connect()
        try second.ping()
        usleep(200_000)
        let third = try daemon.connect()
        try third.ping()
        #expect(try first.receive()?.refusal?.code == "connection_evicted")
        #expect(try first.receive() == nil)
        try second.ping()
        #expect(daemon.log.contains("connection evicted to make room"))
        #expect(daemon.stop() == 0)
    }

    @Test func whenNoConnectionCanMakeWayTheNewOneIsToldSo() throws {
        let daemon = try DaemonProcess(arguments: ["--max-connections", "2"])
        // Subscribers are never idle: neither can make way. Each has its first event before the test goes on.
        let subscribers = try (0..<2).map { _ in try daemon.connect() }
        #expect(try subscribers[0].append([Self.announcement]).appended == 1)
        for subscriber in subscribers {
            var stream = try subscriber.subscribe(from: 1)
            #expect(try stream.next() != nil)
        }
        let writer = try daemon.connect()
        #expect(try writer.receive()?.refusal?.code == "too_many_connections")
        #expect(try writer.receive() == nil)
        #expect(daemon.log.contains("connection refused"))
        #expect(daemon.stop() == 0)
    }

    @Test func anIdleConnectionIsClosed() throws {
        let daemon = try DaemonProcess(arguments: ["--idle-timeout", "1"])
        let client = try daemon.connect()
        try client.ping()
        usleep(1_600_000)
        #expect(try client.receive() == nil)
        #expect(daemon.stop() == 0)
    }
}

/// A subscriber that never reads is dropped, and never holds the writers back.
@Suite struct SlowSubscriberTests {
    @Test func aSubscriberThatNeverReadsIsDroppedAndWritersGoOn() throws {
        let daemon = try DaemonProcess(arguments: ["--subscriber-timeout", "1"])
        let writer = try daemon.connect()
        _ = try writer.append([Events.announced("plan", amount: 1_000)])
        let idle = try daemon.connect()
        _ = try idle.subscribe(from: 1)
        // Enough events to fill the subscriber's socket many times over; none of it is read.
        let started = Date()
        for batch in 0..<20 {
            let events = (0..<500).map {
                Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "b\(batch)-\($0)")
            }
            #expect(try writer.append(events).appended == 500)
        }
        #expect(Date().timeIntervalSince(started) < 60)
        let deadline = Date().addingTimeInterval(30)
        while !daemon.log.contains("subscriber dropped") && Date() < deadline { usleep(50_000) }
        #expect(daemon.log.contains("subscriber dropped"), "\(daemon.log)")
        #expect(try writer.stats().events == 10_001)
        #expect(daemon.stop() == 0)
    }
}
