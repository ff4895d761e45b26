import ArgumentParser
import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness

#if canImport(Glibc)
import Glibc
#endif

/// `ledger-stress readers`: heavy readers against ledgerd, while another client pings and a writer
/// appends single events, timing both.
struct HeavyReadersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "Time a ping and a single-event append while an unprivileged user runs verify and export loops.",
        discussion: """
            Starts ledgerd on a scratch ledger of --events events, then runs --verify-loops connections \
            that ask for `verify` over and over and --export-loops that export the whole ledger over and \
            over, as an unprivileged user (`nobody`, through setpriv, when run as root; otherwise as the \
            current user, which is then also a writer). Meanwhile another client pings on a kept connection \
            and a writer appends one event at a time, each --interval-ms apart. Prints p50, p99 and the \
            maximum of both beside the same figures with no readers, and exits 1 when the ping p99 is not \
            under --ping-target-ms or the append p99 not under --append-target-ms.
            """
    )

    @Option(help: "Events in the ledger (the example ledger plus generated funding events).")
    var events = 200_000

    @Option(name: .customLong("verify-loops"), help: "Connections looping on verify.")
    var verifyLoops = 4

    @Option(name: .customLong("export-loops"), help: "Connections looping on a whole export.")
    var exportLoops = 4

    @Option(help: "Pings, and as many single-event appends, with the readers running (and as many before).")
    var samples = 500

    @Option(name: .customLong("interval-ms"), help: "Milliseconds between pings, and between appends.")
    var interval = 10

    @Option(name: .customLong("ping-target-ms"), help: "The ping p99 must be under this.")
    var pingTarget = 10.0

    @Option(name: .customLong("append-target-ms"), help: "The single-event append p99 must be under this.")
    var appendTarget = 50.0

    @Flag(name: .customLong("no-target"), help: "Report the figures without judging them.")
    var noTarget = false

    @Option(help: "The ledgerd to run (default: the one beside this binary): to measure another build the same way.")
    var ledgerd: String?

    @Option(help: "The example ledger to load (default: deploy/examples/home-office-2025.ndjson of the package).")
    var example: String?

    func validate() throws {
        guard events >= 1000, samples >= 10, interval >= 0, verifyLoops >= 0, exportLoops >= 0 else {
            throw ValidationError("--events must be at least 1000, --samples at least 10, and the loops and --interval-ms not negative")
        }
    }

    func run() throws {
        let scratch = try HostileClientsCommand.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // The readers may run as another user: they must reach the socket.
        chmod(scratch, 0o755)
        let daemon = DaemonProcess(
            executable: ledgerd ?? Products.path("ledgerd"), stateDirectory: scratch + "/state", directory: scratch,
            logFile: scratch + "/ledgerd.log", arguments: ["--log-level", "warning"]
        )
        try daemon.start()
        let control = try daemon.connect()
        let examplePath = try example ?? HostileClientsCommand.bundledExample()
        let loadStart = ContinuousClock.now
        let stored = try LoadLedger.load(control, examplePath: examplePath, generated: events - 24)
        print("ledger: \(stored) events, loaded in \(String(format: "%.1f", (ContinuousClock.now - loadStart).seconds)) s")

        var checks = CheckList()
        let quiet = measure(daemon, tag: "quiet")
        report(quiet, label: "no readers", checks: &checks, judged: false)

        let readers = try ReaderLoops.start(socket: daemon.socket, verify: verifyLoops, export: exportLoops)
        print("readers: \(verifyLoops) verify and \(exportLoops) export loops \(readers.asUser)")
        Thread.sleep(forTimeInterval: 1)
        let busy = measure(daemon, tag: "busy")
        let done = readers.stop()
        report(busy, label: "with readers", checks: &checks, judged: !noTarget)
        checks.note("readers", "\(done.verifies) verify answers and \(done.exports) whole exports (\(done.exportedEvents) events) while measured; \(done.failures) failed")
        checks.check(done.verifies > 0 || verifyLoops == 0, "readers served", "the readers were answered while the others were timed")
        let status = daemon.stop()
        checks.check(status == 0, "daemon stop", "ledgerd exited \(status) on SIGTERM")
        if !checks.failed.isEmpty {
            print("failed: \(checks.failed.joined(separator: ", "))")
            throw ExitCode.failure
        }
        print("all checks passed")
    }

    private struct Figures {
        var pings: [Double] = []
        var appends: [Double] = []
        var failures: [String] = []
    }

    /// Pings on one kept connection while a writer appends single events on another, both on threads
    /// of their own, `samples` of each.
    private func measure(_ daemon: DaemonProcess, tag: String) -> Figures {
        let pings = Sampler()
        let appends = Sampler()
        let group = DispatchGroup()
        let socket = daemon.socket
        let count = samples
        let pause = Double(interval) / 1000
        group.enter()
        Thread.detachNewThread { [group] in
            defer { group.leave() }
            do {
                let connection = try LedgerConnection(path: socket, timeout: .seconds(30))
                for _ in 0..<count {
                    let start = ContinuousClock.now
                    try connection.ping()
                    pings.add((ContinuousClock.now - start).milliseconds)
                    Thread.sleep(forTimeInterval: pause)
                }
            } catch {
                pings.fail("\(error)")
            }
        }
        group.enter()
        Thread.detachNewThread { [group] in
            defer { group.leave() }
            do {
                let connection = try LedgerConnection(path: socket, timeout: .seconds(30))
                for index in 0..<count {
                    let event = LoadLedger.funded(index % 50, id: "readers-\(tag)-\(index)")
                    let start = ContinuousClock.now
                    _ = try connection.append([event])
                    appends.add((ContinuousClock.now - start).milliseconds)
                    Thread.sleep(forTimeInterval: pause)
                }
            } catch {
                appends.fail("\(error)")
            }
        }
        group.wait()
        return Figures(pings: pings.values, appends: appends.values, failures: pings.failures + appends.failures)
    }

    private func report(_ figures: Figures, label: String, checks: inout CheckList, judged: Bool) {
        let ping = LatencySummary(figures.pings)
        let append = LatencySummary(figures.appends)
        checks.check(figures.failures.isEmpty && ping.count == samples && append.count == samples, "\(label): answered", "\(ping.count) pings and \(append.count) appends of \(samples) each\(figures.failures.first.map { "; first failure: \($0)" } ?? "")")
        for (name, summary, target) in [("ping", ping, pingTarget), ("single-event append", append, appendTarget)] {
            let text = "p50 \(milliseconds(summary.p50)), p99 \(milliseconds(summary.p99)), max \(milliseconds(summary.max))"
            if judged {
                checks.check(summary.p99 < target, "\(label): \(name)", text + " (target: p99 under \(milliseconds(target)))")
            } else {
                checks.note("\(label): \(name)", text)
            }
        }
    }
}

/// Round trips gathered from one thread, read once it is done.
private final class Sampler: @unchecked Sendable {
    // @unchecked: one thread adds, and the values are read only after that thread has left its group.
    private(set) var values: [Double] = []
    private(set) var failures: [String] = []

    func add(_ value: Double) { values.append(value) }
    func fail(_ message: String) { failures.append(message) }
}
