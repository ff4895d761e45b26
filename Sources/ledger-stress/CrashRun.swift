import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness

/// One crash run: `ledgerd` on a state directory, writers appending to it, SIGKILLs at seeded
/// random moments each followed by a restart, then a check of the store against what was sent.
struct CrashRun {
    /// SIGKILLs to send.
    var kills: Int
    /// Concurrent writers; the odd-numbered ones send batches.
    var writers: Int
    /// The seed of every random choice.
    var seed: UInt64
    /// The range of the wait before each kill, in milliseconds.
    var delayMilliseconds: ClosedRange<Int>
    /// Where the store (and the daemon's log) lives.
    var workDirectory: String
    /// Where the sockets live (a short path).
    var runtimeDirectory: String

    /// The date the `at` check asks about: after every event the writers send.
    static let atDate = CivilDate(year: 2025, month: 12, day: 31) ?? .latest

    /// Runs it and returns its figures; the report says whether it passed.
    func run() async -> CrashReport {
        let clock = ContinuousClock()
        let began = clock.now
        var report = CrashReport(seed: seed, delayMilliseconds: delayMilliseconds)
        let daemon = DaemonProcess(
            stateDirectory: workDirectory + "/state", directory: runtimeDirectory, logFile: Self.logPath(workDirectory),
            arguments: ["--log-level", "warning"]
        )
        do {
            try daemon.start()
        } catch {
            report.failures.append("ledgerd did not start: \(error)")
            return report
        }
        let crew = (0..<writers).map { CrashWriter(index: $0, sendsBatches: $0 % 2 == 1, socket: daemon.socket, seed: seed) }
        report.batchWriters = crew.filter(\.sendsBatches).count
        report.singleWriters = crew.count - report.batchWriters
        for writer in crew { writer.start() }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<kills {
            usleep(useconds_t(Int.random(in: delayMilliseconds, using: &generator) * 1000))
            let inFlight = crew.filter(\.hasRequestInFlight).count
            let killed = clock.now
            daemon.kill()
            report.kills += 1
            report.requestsInFlightAtKills += inFlight
            if inFlight > 0 { report.killsInFlight += 1 }
            do {
                report.restartTimes.append(try daemon.start())
                report.downtimes.append(clock.now - killed)
                report.restarts += 1
            } catch {
                report.failures.append("ledgerd did not come back after kill \(report.kills): \(error)")
                for writer in crew { writer.abandon() }
                break
            }
        }
        for writer in crew { writer.stop() }
        for writer in crew { writer.join() }
        report.reconnections = crew.reduce(0) { $0 + $1.reconnectionCount }
        if report.failures.isEmpty {
            await check(daemon, crew.flatMap(\.requests), into: &report)
        }
        report.elapsed = clock.now - began
        return report
    }

    /// Where the daemon's log goes.
    static func logPath(_ workDirectory: String) -> String { workDirectory + "/ledgerd.log" }

    /// Reads the store back (export and verify), stops the daemon, and verifies the stopped store with `ledger`.
    private func check(_ daemon: DaemonProcess, _ records: [RequestRecord], into report: inout CrashReport) async {
        do {
            let connection = try LedgerConnection(path: daemon.socket, timeout: .seconds(300))
            let (stored, count) = try export(connection)
            report.exportCount = count
            if count != stored.count { report.failures.append("the export sent \(stored.count) events but ended with count \(count)") }
            report.check = CrashCheck(records: records, stored: stored)
            // The projections are written in the same transactions as the events, so they must agree after any crash.
            let at = try connection.at(date: Self.atDate)
            let differences = LineTotals.differences(expected: LineTotals.of(stored), at: AtJSON.value(at).objectValue ?? JSONObject())
            report.linesCompared = differences.isEmpty ? LineTotals.of(stored).count : nil
            report.failures += differences
            switch try connection.verify() {
            case .intact(let count, _):
                report.socketVerify = .success(count)
                if count != stored.count {
                    report.failures.append("verify counted \(count) events but the export held \(stored.count)")
                }
            case .broken(_, let message):
                report.socketVerify = .failure(CrashFailure(message: message))
                report.failures.append("verify over the socket did not say intact: \(message)")
            }
        } catch .refused(let error) {
            report.socketVerify = .failure(CrashFailure(message: "\(error.code): \(error.message)"))
            report.failures.append("verify over the socket failed: \(error.code): \(error.message)")
        } catch {
            report.failures.append("reading the store back over the socket failed: \(error)")
        }
        let status = daemon.stop()
        report.stopStatus = status
        if status != 0 { report.failures.append("ledgerd exited with status \(status) on SIGTERM; its log: \(Self.logPath(workDirectory))") }
        // The daemon logs at warning and above here: a crash it recovers from cleanly leaves nothing to say.
        let logged = daemon.log.split(separator: "\n")
        report.daemonLogLines = logged.count
        for line in logged where ["error", "critical"].contains(line.split(separator: " ").dropFirst().first ?? "") {
            report.failures.append("ledgerd logged: \(line)")
        }
        let verify: CommandResult
        do {
            verify = try await CommandRunner.run("ledger", ["verify", "--db", daemon.stateDirectory])
        } catch {
            verify = CommandResult(status: -1, output: "", errors: "cannot run \(Products.path("ledger")): \(error)")
        }
        if verify.status == 0 {
            report.storeVerify = .success(verify.output.trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            let message = (verify.output + verify.errors).trimmingCharacters(in: .whitespacesAndNewlines)
            report.storeVerify = .failure(CrashFailure(message: message))
            report.failures.append("ledger verify --db \(daemon.stateDirectory) failed (status \(verify.status)): \(message)")
        }
    }

    /// Every stored event from seq 1, and the count the export ended with.
    private func export(_ connection: LedgerConnection) throws(ClientError) -> ([JSONObject], Int) {
        var stream = try connection.export(from: 1)
        var events: [JSONObject] = []
        while let event = try stream.next() { events.append(event) }
        return (events, stream.count ?? -1)
    }
}
