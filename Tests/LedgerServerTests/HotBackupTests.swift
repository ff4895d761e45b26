import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Synchronization
import Testing

/// `ledger backup` beside a daemon that is appending: the copy is consistent, verifies, and serves.
@Suite(.serialized) struct HotBackupTests {
    @Test func aBackupTakenWhileAppendsRunVerifiesAndServes() async throws {
        let daemon = try DaemonProcess()
        #expect(try daemon.connect().append(DaemonProtocolTests.example).appended == 24)

        // The writer appends batches of 100 until told to stop (at most 1000 batches).
        let appended = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let socket = daemon.socket
        let writer = Thread {
            do {
                let client = try LedgerConnection(path: socket, timeout: .seconds(60))
                for batch in 0..<1000 where !stop.load(ordering: .relaxed) {
                    let events = (0..<100).map { number in
                        Events.event("funded", "grooming-gangs-action-plan", on: "2025-03-01", #""amount_pence":1"#, id: "hot-\(batch)-\(number)")
                    }
                    let report = try client.append(events)
                    guard report.appended == 100 else { throw DaemonFailure(message: "batch \(batch): \(report)") }
                    appended.add(100, ordering: .relaxed)
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        writer.start()
        let deadline = Date().addingTimeInterval(30)
        while appended.load(ordering: .relaxed) < 500 && Date() < deadline { usleep(2000) }

        let copy = try TemporaryDirectory("ledger-backup")
        let before = appended.load(ordering: .relaxed)
        let backup = try await CommandRunner.run("ledger", ["backup", copy.appending("state"), "--db", daemon.stateDirectory])
        let after = appended.load(ordering: .relaxed)
        stop.store(true, ordering: .relaxed)
        while !writer.isFinished && Date() < deadline.addingTimeInterval(30) { usleep(2000) }
        #expect(failures.withLock { $0 } == [])
        #expect(backup.status == 0, "\(backup.errors)")
        // Appends went on while the copy was taken, and it holds a prefix of the ledger cut at a commit.
        #expect(before >= 500 && after > before)
        let copied = try #require(backup.output.split(separator: " ").dropFirst(2).first.flatMap { Int($0) })
        #expect(copied >= 24 + before && copied <= 24 + after + 100 && (copied - 24) % 100 == 0)

        let verify = try await CommandRunner.run("ledger", ["verify", "--db", copy.appending("state")])
        #expect(verify.status == 0)
        #expect(verify.output.hasPrefix("ok: \(copied) events, chain intact"))

        let served = try DaemonProcess(directory: copy)
        let client = try served.connect()
        let result = try client.at(date: CivilDate.iso("2025-04-15"), department: "home-office")
        #expect(result.line("grooming-gangs-action-plan")?.state.funded == Pence(Int64(copied - 24)))
        #expect(try client.append([Events.event("funded", "grooming-gangs-action-plan", on: "2025-03-02", #""amount_pence":1"#)]).appended == 1)
        #expect(served.stop() == 0)
        #expect(daemon.stop() == 0)
    }
}
