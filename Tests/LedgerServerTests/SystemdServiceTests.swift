import Foundation
import Synchronization
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// The daemon speaks systemd's protocols itself; these tests play systemd's part with its own
/// tools and sockets (docs/service.md).
@Suite(.serialized) struct SystemdServiceTests {
    @Test func readyOnlyOnceServingThenWatchdogThenStopping() throws {
        let notify = try DatagramReceiver(filePath: ())
        let daemon = try DaemonProcess(environment: ["NOTIFY_SOCKET": notify.notifyPath, "WATCHDOG_USEC": "200000"])
        let ready = try #require(notify.receive())
        #expect(ready.hasPrefix("READY=1\nSTATUS=serving 0 events"))
        // READY=1 came after the socket was listening.
        #expect(DaemonProcess.canConnect(daemon.socket))
        var sawWatchdog = false
        for _ in 0..<5 where !sawWatchdog {
            sawWatchdog = notify.receive() == "WATCHDOG=1"
        }
        #expect(sawWatchdog)
        kill(daemon.pid, SIGTERM)
        var sawStopping = false
        for _ in 0..<10 where !sawStopping {
            guard let message = notify.receive() else { break }
            sawStopping = message == "STOPPING=1"
        }
        #expect(sawStopping)
        #expect(daemon.stop() == 0)
        #expect(daemon.terminationReason == .exit)
    }

    @Test func sigtermDoesNotWaitOutTheWatchdogInterval() throws {
        let notify = try DatagramReceiver(filePath: ())
        // WatchdogSec=20min: the daemon pings every 10 minutes.
        let daemon = try DaemonProcess(environment: ["NOTIFY_SOCKET": notify.notifyPath, "WATCHDOG_USEC": "1200000000"])
        var sawWatchdog = false
        for _ in 0..<5 where !sawWatchdog {
            sawWatchdog = notify.receive() == "WATCHDOG=1"
        }
        #expect(sawWatchdog)
        // Asleep until its next ping, the watchdog is woken by the shutdown.
        #expect(daemon.stop(within: .seconds(60)) == 0)
        #expect(daemon.terminationReason == .exit)
    }

    @Test func sigtermFinishesTheAppendInFlightAndExitsZero() throws {
        let daemon = try DaemonProcess(arguments: ["--max-line-bytes", "\(16 << 20)"])
        let client = try daemon.connect()
        _ = try client.append([Events.announced("plan", amount: 1_000)])
        // Large enough that the daemon is still committing it when SIGTERM arrives.
        let events = (0..<20_000).map { Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: "f\($0)") }
        try client.send(.append(Events.batch(events)))
        usleep(500_000)
        kill(daemon.pid, SIGTERM)
        let response = try #require(try client.receive())
        #expect(response == .appended(AppendReport(appended: 20_000, duplicates: 0, firstSeq: 2, lastSeq: 20_001)), "\(response)")
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("shutting down"))
        try daemon.start()
        #expect(try daemon.connect().stats().events == 20_001)
        #expect(daemon.stop() == 0)
    }

    @Test(.enabled(if: Host.has("/usr/bin/systemd-socket-activate"), "needs systemd-socket-activate (the systemd package)"))
    func servesOnASocketHandedOverBySystemdSocketActivate() throws {
        // systemd-socket-activate listens on `socket` and execs ledgerd, handing it the socket, on
        // the first connection: the daemon is ready once that socket accepts.
        let directory = try TemporaryDirectory("ledgerd-activate")
        let socket = directory.appending("activated.sock")
        let daemon = try DaemonProcess(
            wrapper: ["/usr/bin/systemd-socket-activate", "-l", socket], readiness: .accepting(socket), in: directory.path, keeping: directory
        )
        let client = try LedgerConnection(path: socket, timeout: .seconds(60))
        try client.ping()
        let lines = try String(contentsOfFile: Paths.exampleLedger, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(try client.append(lines).appended == 24)
        // The daemon took the handed socket and never bound its own path.
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
        #expect(daemon.log.contains("fd 3 from systemd"), "\(daemon.log)")
        #expect(daemon.stop() == 0)
    }

    @Test func afterKillNineEveryAcknowledgedEventIsThereOnce() async throws {
        let daemon = try DaemonProcess()
        _ = try daemon.connect().append([Events.announced("plan", amount: 1_000)])
        let socket = daemon.socket
        let acknowledgements = AcknowledgementCount()
        // Kill in the middle of the appends: once some are acknowledged, while more are in flight.
        let pid = daemon.pid
        Thread {
            let deadline = ContinuousClock.now + .seconds(60)
            while acknowledgements.value < 200 && ContinuousClock.now < deadline { usleep(2_000) }
            kill(pid, SIGKILL)
        }.start()
        // Each writer on a thread of its own, so all eight have a request in flight when the kill comes.
        let writers = try await Threads.run(8, name: "writer") { writer in
            var ids: [String] = []
            guard let client = try? LedgerConnection(path: socket, timeout: .seconds(60)) else { return ids }
            for number in 0..<2000 {
                let id = "w\(writer)-\(number)"
                guard (try? client.append([Events.event(
                    "funded", "plan", on: "2025-02-01", #""amount_pence":1"#, id: id
                )])) != nil else { return ids }
                ids.append(id)
                acknowledgements.add()
            }
            return ids
        }
        #expect(writers.peak == 8, "only \(writers.peak) writers ran at once")
        let acknowledged = writers.values.flatMap { $0 }
        daemon.stop()
        #expect(acknowledged.count >= 200)
        #expect(acknowledged.count < 16_000)
        try daemon.start()
        let client = try daemon.connect()
        let events = try client.exportedEvents()
        let seqs = events.map { $0.int("seq") }
        let ids = events.compactMap { $0["id"]?.stringValue }.filter { $0.hasPrefix("w") }
        #expect(seqs == Array(1...Int64(seqs.count)))
        #expect(Set(ids).count == ids.count)
        #expect(Set(acknowledged).isSubset(of: Set(ids)))
        #expect(try client.verify() == .intact(count: seqs.count, head: client.stats().headHash))
        #expect(daemon.stop() == 0)
    }

    @Test(.enabled(if: Host.hasOnPath("systemd-analyze"), "needs systemd-analyze (the systemd package) to check the units"))
    func theUnitsVerifyAndTheServiceIsHardened() async throws {
        let result = try await CommandRunner.run(
            "/bin/bash", [Paths.packageRoot + "/deploy/check-units.sh", Paths.products + "/ledgerd"], absolute: true
        )
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        let exposure = result.output.split(separator: "\n").first { $0.hasPrefix("exposure ") }
        let figure = exposure.flatMap { Double($0.dropFirst("exposure ".count)) }
        #expect(figure != nil && figure! <= 1.0, "\(result.output)")
    }
}

/// How many appends the writers of a test have had acknowledged so far.
final class AcknowledgementCount: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add() { count.withLock { $0 += 1 } }
}
