import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness
import LedgerStore
import LedgerTestSupport
import Testing

/// The web interface served by a real `ledgerd --http`, beside its socket.
@Suite struct DaemonWebTests {
    @Test func atOverHTTPIsTheSocketsAnswer() throws {
        let served = try WebDaemon()
        let (port, daemon, connection) = (served.port, served.daemon, served.connection)
        let result = try connection.at(date: try CivilDate.iso("2025-04-15"))
        let expected = atBytes(result)

        let answer = try PlainHTTP.get(port: port, "/api/at/2025-04-15")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/json")
        #expect(answer.body == expected)
        #expect(try PlainHTTP.get(port: port, "/api/at/2025-04-15", method: "POST").status == 405)
        // A graceful stop ends the web interface with the daemon.
        #expect(daemon.stop() == 0)
    }

    @Test func servesOnAUnixSocketForAReverseProxy() throws {
        let directory = try TemporaryDirectory("ledgerd-http")
        let socket = directory.appending("http.sock")
        let daemon = try DaemonProcess(arguments: ["--http", socket], directory: directory)
        defer { _ = daemon.stop() }
        let answer = try PlainHTTP.get(unixSocket: socket, "/api/at/2025-04-15")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/json")
        #expect(try PlainHTTP.get(unixSocket: socket, "/verify").status == 200)
        let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
        #expect(mode == 0o666)
        #expect(daemon.stop() == 0)
    }

    @Test(.enabled(if: Host.has("/usr/bin/systemd-socket-activate"), "needs systemd-socket-activate (the systemd package)"))
    func servesOnTheSocketSystemdHandsOverNamedHTTP() throws {
        try servesOnHandedOverSockets(around: [])
    }

    @Test(
        .enabled(if: Host.has("/usr/bin/systemd-socket-activate"), "needs systemd-socket-activate (the systemd package)"),
        .enabled(if: Host.canUnshareNetwork, "needs unshare --net (root, or user namespaces)")
    )
    func servesTheHandedOverSocketFromAPrivateNetwork() throws {
        // As the unit's PrivateNetwork=yes: ledgerd runs in a network namespace of its own, with
        // only a loopback of its own, and still serves the TCP socket opened on the host's.
        try servesOnHandedOverSockets(around: ["/usr/bin/unshare", "--net", "--map-root-user", "--"])
    }

    /// ledgerd run by `launcher` (and systemd-socket-activate around it) serves the web on the
    /// socket named http and the ledger on the other.
    private func servesOnHandedOverSockets(around launcher: [String]) throws {
        // As ledgerd.socket and ledgerd-http.socket hand theirs to the one service: the ledger's
        // Unix socket first, then a TCP socket named http. systemd-socket-activate execs ledgerd on
        // the first connection to either.
        let directory = try TemporaryDirectory("ledgerd-http-activate")
        let socket = directory.appending("activated.sock")
        let port = try PlainHTTP.freePort()
        let daemon = try DaemonProcess(
            wrapper: [
                "/usr/bin/systemd-socket-activate", "-l", socket, "-l", "127.0.0.1:\(port)", "--fdname=ledgerd.socket:http",
            ] + launcher,
            readiness: .accepting(socket), in: directory.path, keeping: directory
        )
        defer { _ = daemon.stop() }
        let connection = try LedgerConnection(path: socket, timeout: .seconds(60))
        let lines = try String(contentsOfFile: Paths.exampleLedger, encoding: .utf8).split(separator: "\n").map(String.init)
        _ = try connection.append(lines)
        let expected = atBytes(try connection.at(date: try CivilDate.iso("2025-04-15")))

        let answer = try PlainHTTP.get(port: port, "/api/at/2025-04-15")
        #expect(answer.status == 200)
        #expect(answer.body == expected)
        #expect(daemon.log.contains("http=fd 4 from systemd"), "\(daemon.log)")
        #expect(daemon.log.contains("socket=fd 3 from systemd"), "\(daemon.log)")
        #expect(daemon.stop() == 0)
    }

    @Test(.enabled(if: Host.has("/usr/bin/systemd-socket-activate"), "needs systemd-socket-activate (the systemd package)"))
    func aHandedOverHTTPSocketAndHTTPTogetherAreRefused() throws {
        let directory = try TemporaryDirectory("ledgerd-http-both")
        let socket = directory.appending("activated.sock")
        let port = try PlainHTTP.freePort()
        let daemon = try DaemonProcess(
            arguments: ["--http", "127.0.0.1:\(try PlainHTTP.freePort())"],
            wrapper: [
                "/usr/bin/systemd-socket-activate", "-l", socket, "-l", "127.0.0.1:\(port)", "--fdname=ledgerd.socket:http",
            ],
            readiness: .accepting(socket), in: directory.path, keeping: directory
        )
        // The first connection execs ledgerd, which refuses to choose and exits.
        _ = try? PlainHTTP.get(port: port, "/verify", wait: .seconds(5))
        #expect(daemon.waitForExit(within: .seconds(20)) == 1)
        #expect(daemon.log.contains("--http is given, and systemd handed over a socket named http as well"), "\(daemon.log)")
    }

    @Test func anAddressThatIsNeitherIsRefused() async throws {
        let result = try await CommandRunner.run("ledgerd", ["--http", "localhost", "--state-dir", "/nonexistent"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--http localhost is neither"))
    }
}

/// The event stream: catch-up, live events as they commit, and a reconnect's resumption.
@Suite struct EventStreamTests {
    /// The `id:` lines of an event stream's text, in order.
    static func ids(_ text: String) -> [UInt64] {
        text.split(whereSeparator: \.isNewline).compactMap { $0.hasPrefix("id: ") ? UInt64($0.dropFirst(4)) : nil }
    }

    @Test func catchesUpThenFollowsThenResumesWithNoGapOrRepeat() throws {
        let served = try WebDaemon()
        let (port, daemon, connection) = (served.port, served.daemon, served.connection)
        let exported = try connection.exportedEvents()
        #expect(exported.count == 24)
        // The listener may come up a moment after the socket.
        _ = try PlainHTTP.get(port: port, "/api/at/2025-04-15")

        let stream = try PlainHTTP.Stream(port: port, "/api/events?from_seq=20")
        #expect(stream.read { Self.ids($0).last == 24 })
        #expect(stream.text.hasPrefix("HTTP/1.1 200"))
        #expect(stream.text.lowercased().contains("content-type: text/event-stream"))
        #expect(stream.text.lowercased().contains("x-accel-buffering: no"), "a proxy is asked not to hold events back")
        #expect(Self.ids(stream.text) == Array(20...24))
        // Each message's data is the event's export line.
        let message = stream.text.components(separatedBy: "id: 24\ndata: ").last?.split(whereSeparator: \.isNewline).first.map(String.init)
        #expect(message.map { try? JSONParser.parse($0) }??.objectValue?["seq"] == .integer(24))

        _ = try connection.append([Events.announced("web-stream-live", amount: 5_000)])
        #expect(stream.read { Self.ids($0).last == 25 })
        #expect(Self.ids(stream.text) == Array(20...25))

        // A reconnect says the last id it saw and gets what came after, once each.
        _ = try connection.append([Events.announced("web-stream-missed", amount: 6_000)])
        let resumed = try PlainHTTP.Stream(port: port, "/api/events", headers: ["Last-Event-ID": "24"])
        #expect(resumed.read { Self.ids($0).last == 26 })
        #expect(Self.ids(resumed.text) == [25, 26])

        // A stream still open does not hold up a graceful stop.
        #expect(daemon.stop(within: .seconds(20)) == 0)
    }

    @Test func exportStreamsEveryEventAsLedgerExportPrints() throws {
        let served = try WebDaemon()
        let (port, connection) = (served.port, served.connection)
        let exported = try connection.exportedEvents(from: 3)

        let answer = try PlainHTTP.get(port: port, "/api/export?from_seq=3")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/x-ndjson")
        let received = String(decoding: answer.body, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(received == exported.map { CanonicalJSON.string(.object($0)) })
        #expect(try PlainHTTP.get(port: port, "/api/export?from_seq=x").status == 400)
    }
}

/// The API beside the socket on a generated ledger: 20 departments, amendments, slips, bill
/// stages, corrections and backdated events, as ledger-bench generates them.
@Suite struct GeneratedLedgerWebTests {
    @Test func everyAnswerIsTheSocketsOnAGeneratedLedger() throws {
        let served = try WebDaemon(loading: [])
        let (port, connection) = (served.port, served.connection)
        var workload = Workload(seed: 12, total: 3000)
        for _ in 0..<3 { _ = try connection.append(workload.next(500)) }
        // A cut-off between the two halves: "as known then" sees only the first.
        usleep(5_000)
        let halfway = SystemClock.now().description
        usleep(5_000)
        for _ in 0..<3 { _ = try connection.append(workload.next(500)) }
        #expect(try connection.stats().events == 3000)

        // The departments the ledger has lines in (the web answers 404 for any other).
        let departments = try connection.at(date: Workload.lastDay).departments.map(\.department)
        #expect(departments.count > 10)
        var random = SplitMix64(seed: 7)
        let span = Workload.firstDay.days(to: Workload.lastDay)
        for _ in 0..<8 {
            let date = Workload.firstDay.adding(days: random.below(span + 1))
            let department = departments[random.below(departments.count)]
            #expect(try PlainHTTP.get(port: port, "/api/at/\(date)").body == atBytes(try connection.at(date: date)))
            let one = try PlainHTTP.get(port: port, "/api/at/\(date)?department=\(department)&known_at=\(halfway)")
            let socket = atBytes(try connection.at(date: date, department: department, knownAt: halfway))
            #expect(one.body == socket, "\(department) at \(date)")
        }
        for index in [1, 5, 17, 30] {
            let line = "line-\(index)"
            let expected = CanonicalJSON.string(.array(try connection.history(line: line).map(JSONValue.object)), sortKeys: false)
            let answer = try PlainHTTP.get(port: port, "/api/lines/\(line)")
            #expect(answer.status == 200)
            #expect(String(decoding: answer.body, as: UTF8.self) == expected, "\(line)")
        }
        let exported = try connection.exportedEvents().map { CanonicalJSON.string(.object($0)) }
        let streamed = String(decoding: try PlainHTTP.get(port: port, "/api/export").body, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(streamed == exported)
        let diff = try PlainHTTP.get(port: port, "/api/diff/2016-01-01/2024-12-31")
        #expect(diff.status == 200)
    }
}
