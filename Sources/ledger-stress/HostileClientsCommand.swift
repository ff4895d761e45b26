import ArgumentParser
import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness
import LedgerProtocol

/// `ledger-stress clients`: idle, slow and non-reading clients all at once, while a new client pings.
struct HostileClientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "Hold hostile clients against ledgerd and time a new client's ping.",
        discussion: """
            Starts the ledgerd beside this binary on a scratch ledger, then at once: idle connections that \
            never send, a client sending a request one byte at a time, a subscriber from seq 1 that never \
            reads (subscribing again each time it is dropped) while a writer keeps appending, and a \
            connection beyond the limit. Meanwhile a well-behaved client pings. Exits 1 when a check \
            fails or the ping p99 misses its target.
            """
    )

    @Option(help: "Connections that connect and never send anything.")
    var idle = 1000

    @Option(name: .customLong("max-connections"), help: "ledgerd --max-connections (default: idle + 100, or idle + subscribers + 50 when that is more).")
    var maximumConnections: Int?

    @Option(name: .customLong("idle-timeout"), help: "ledgerd --idle-timeout, in seconds; must outlast the run.")
    var idleTimeout = 300

    @Option(name: .customLong("subscriber-timeout"), help: "ledgerd --subscriber-timeout, in seconds.")
    var subscriberTimeout = 5

    @Option(help: "Subscribers from seq 1 that never read, at once (each subscribes again when dropped).")
    var subscribers = 1

    @Option(name: .customLong("slow-interval-ms"), help: "Milliseconds between the slow client's bytes.")
    var slowInterval = 1000

    @Option(help: "Events generated beside the example ledger.")
    var events = 6000

    @Option(name: .customLong("append-interval-ms"), help: "Milliseconds between the writer's appends.")
    var appendInterval = 100

    @Option(help: "Pings on the kept connection, and as many on new connections.")
    var pings = 1000

    @Option(name: .customLong("ping-interval-ms"), help: "Milliseconds between rounds of pings.")
    var pingInterval = 20

    @Option(name: .customLong("memory-limit-mib"), help: "The most ledgerd's peak resident memory (VmHWM) may reach.")
    var memoryLimit = 256

    @Option(name: .customLong("latency-target-ms"), help: "The ping p99 must be under this.")
    var latencyTarget = 50.0

    @Flag(name: .customLong("no-latency-target"), help: "Report the ping latencies without judging them.")
    var noLatencyTarget = false

    @Option(help: "The example ledger to load (default: deploy/examples/home-office-2025.ndjson of the package).")
    var example: String?

    /// The slow client's request: about a department the writer never touches, so its answer is fixed.
    static let slowRequest = Request.at(
        date: CivilDate(year: 2025, month: 4, day: 15) ?? .latest, department: "home-office", knownAt: nil, knownAtText: nil
    ).line

    /// A connection limit a little above what the hostile clients hold, leaving room to fill it up.
    private var defaultLimit: Int { idle + max(100, subscribers + 50) }

    /// Rejects figures the scenario cannot run with.
    func validate() throws {
        guard idle >= 1, subscribers >= 1, events >= 1000, pings >= 1, subscriberTimeout >= 1, slowInterval >= 0 else {
            throw ValidationError("--idle, --subscribers and --pings must be at least 1, --events at least 1000, --subscriber-timeout at least 1")
        }
        guard (maximumConnections ?? defaultLimit) >= idle + subscribers + 10 else {
            throw ValidationError("--max-connections must leave room for at least 10 connections beyond the idle ones and the subscribers")
        }
    }

    /// Starts the daemon, runs the scenario, and exits 1 when a check failed.
    func run() throws {
        let limit = maximumConnections ?? defaultLimit
        guard ProcessProbe.allowDescriptors(limit + 256) else {
            throw ValidationError("the hard limit on open files (ulimit -Hn) is below \(limit + 256)")
        }
        let examplePath = try example ?? Self.bundledExample()
        let scratch = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let scenario = HostileScenario(
            idle: idle, limit: limit, subscriberTimeout: subscriberTimeout, subscribers: subscribers, slowInterval: .milliseconds(slowInterval),
            events: events, appendInterval: .milliseconds(appendInterval), pings: pings, pingInterval: .milliseconds(pingInterval),
            memoryLimitBytes: memoryLimit << 20, latencyTarget: noLatencyTarget ? nil : latencyTarget
        )
        print("""
            ledger-stress clients: \(idle) idle connections, a client sending `at` a byte every \(slowInterval) ms, \
            \(subscribers == 1 ? "a subscriber" : "\(subscribers) subscribers") from seq 1 that never read\(subscribers == 1 ? "s" : ""), a writer appending every \(appendInterval) ms, \
            one connection beyond the limit; \(pings) pings kept + \(pings) on new connections
            ledgerd --max-connections \(limit) --idle-timeout \(idleTimeout) --subscriber-timeout \(subscriberTimeout)
            """)
        // Notices are kept: the scenario counts the daemon's own account of the subscribers it dropped.
        let daemon = DaemonProcess(
            stateDirectory: scratch + "/state", directory: scratch, logFile: scratch + "/ledgerd.log",
            arguments: [
                "--log-level", "notice", "--max-connections", "\(limit)", "--idle-timeout", "\(idleTimeout)",
                "--subscriber-timeout", "\(subscriberTimeout)",
            ]
        )
        try daemon.start()
        let checks: CheckList
        do {
            checks = try scenario.run(against: daemon, examplePath: examplePath)
        } catch {
            _ = daemon.stop()
            throw error
        }
        if checks.failed.isEmpty {
            print("all checks passed")
        } else {
            print("FAILED: \(checks.failed.joined(separator: ", "))")
            throw ExitCode.failure
        }
    }

    /// The example ledger of the package this binary was built in.
    static func bundledExample() throws -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.pathComponents.count > 1 {
            let candidate = url.appendingPathComponent("deploy/examples/home-office-2025.ndjson").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        throw ValidationError("cannot find deploy/examples/home-office-2025.ndjson above this binary: name it with --example")
    }

    /// A new directory under /tmp (short, so the socket path fits in sun_path).
    static func scratchDirectory() throws -> String {
        var template = Array("/tmp/ledger-stress-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw ValidationError("cannot make a scratch directory in /tmp")
        }
        return String(cString: made)
    }
}
