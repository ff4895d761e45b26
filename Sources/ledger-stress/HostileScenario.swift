import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness
import LedgerProtocol

/// One run of the hostile clients against a daemon: sets them all going, pings through them, and
/// judges what the daemon did.
struct HostileScenario {
    let idle: Int
    let limit: Int
    let subscriberTimeout: Int
    /// Subscribers that never read, at once.
    let subscribers: Int
    let slowInterval: Duration
    let events: Int
    let appendInterval: Duration
    let pings: Int
    let pingInterval: Duration
    let memoryLimitBytes: Int
    /// The ping p99 to stay under, in milliseconds; nil to report latencies unjudged.
    let latencyTarget: Double?

    /// Runs the clients against `daemon` (then stops it) and returns the checks, already printed.
    func run(against daemon: DaemonProcess, examplePath: String) throws -> CheckList {
        var checks = CheckList()
        let control = try daemon.connect()
        let stored = try LoadLedger.load(control, examplePath: examplePath, generated: events)
        let storeBytes = try control.stats().storeBytes
        print("ledger: \(stored) events (the example ledger and \(events) generated), store \(mebibytes(storeBytes))")

        let sampler = PeakSampler(pid: daemon.pid)
        let baseAnonymous = ProcessStatus.bytes("RssAnon", of: daemon.pid) ?? 0
        let baseDescriptors = ProcessStatus.openDescriptors(of: daemon.pid) ?? 0
        let writer = SteadyWriter(socket: daemon.socket, interval: appendInterval)
        var idlers: [StressSocket] = []
        idlers.reserveCapacity(idle)
        for _ in 0..<idle { idlers.append(try StressSocket(path: daemon.socket)) }
        // The writer's connection and this one beside the idle ones.
        let counted = try Self.waitForConnections(control, atLeast: idle + 2)
        // The daemon takes connections in as its two event loops get to them, not always in the
        // order they were opened: a ping on every idle one but the first leaves that one the
        // connection idle longest, the one that must make way beyond the limit.
        for connection in idlers.dropFirst() {
            try connection.send(Request.ping.line)
            _ = try connection.receiveLine(withinMilliseconds: 10_000)
        }
        let idleAnonymous = ProcessStatus.bytes("RssAnon", of: daemon.pid) ?? 0
        checks.note("idle connections open", "\(idle), daemon counts \(counted) connections; anonymous memory \(mebibytes(baseAnonymous)) before, \(mebibytes(idleAnonymous)) after (about \((idleAnonymous - baseAnonymous) / Swift.max(idle, 1) / 1024) KiB each)")

        let slow = SlowSender(socket: daemon.socket, line: HostileClientsCommand.slowRequest, interval: slowInterval)
        let stalled = (0..<subscribers).map { _ in NeverReadingSubscriber(socket: daemon.socket, timeout: .seconds(subscriberTimeout)) }
        // All in before the daemon is filled up, so none is turned away by the check of the limit.
        let beforeFilling = try Self.waitForConnections(control, atLeast: idle + 3 + subscribers)
        let beyond = try connectBeyondLimit(daemon, control, idlest: idlers[0])
        checks.check(
            beyond.served && beyond.evictedCode == ProtocolError.Code.connectionEvicted.rawValue && beyond.evictedClosed, "beyond the limit",
            "with \(beyond.open) connections open (the limit is \(limit)) one more was \(beyond.served ? "served" : "not served"); the connection idle longest was told \(beyond.evictedCode ?? "nothing") and \(beyond.evictedClosed ? "closed" : "left open")"
        )
        // The fillers are closed, but until the daemon has seen them go it counts itself full, and
        // the next new connection (a ping, a subscriber coming back) would make another idle one
        // give way: wait until it counts no more than before it was filled (a subscriber between
        // two subscriptions then may be one more).
        _ = try Self.waitForConnections(control, atMost: beforeFilling + 1)

        let pinged = Pinger(socket: daemon.socket, count: pings, interval: pingInterval).run()
        let holding = try control.stats().connections
        let subscriberDropsWhilePinging = stalled.reduce(0) { $0 + $1.drops }
        let fresh = LatencySummary(pinged.fresh)
        let kept = LatencySummary(pinged.kept)
        checks.check(pinged.failures.isEmpty && fresh.count == pings && kept.count == pings, "pings answered", "\(fresh.count) on new connections and \(kept.count) on a kept one, of \(pings) each; \(pinged.failures.count) failed\(pinged.failures.first.map { " (first: \($0))" } ?? "")")
        for (label, summary) in [("ping, new connection each", fresh), ("ping, one kept connection", kept)] {
            let figures = "p50 \(milliseconds(summary.p50)), p99 \(milliseconds(summary.p99)), max \(milliseconds(summary.max)) over \(summary.count) pings"
            if let latencyTarget {
                checks.check(summary.count > 0 && summary.p99 < latencyTarget, label, figures + " (target: p99 under \(milliseconds(latencyTarget)))")
            } else {
                checks.note(label, figures + " (not judged)")
            }
        }
        checks.note("while pinging", "the daemon counted \(holding) connections; subscribers that never read had been dropped \(subscriberDropsWhilePinging) time\(subscriberDropsWhilePinging == 1 ? "" : "s") so far")

        let lineBytes = HostileClientsCommand.slowRequest.count
        let slowOutcome = slow.wait(atMost: slowInterval * lineBytes + .seconds(60))
        // The first drop comes a subscriber timeout after its socket filled.
        let dropDeadline = ContinuousClock.now + .seconds(subscriberTimeout + 30)
        while stalled.contains(where: { $0.drops == 0 }) && ContinuousClock.now < dropDeadline { Thread.sleep(forTimeInterval: 0.05) }
        let outcomes = stalled.map { $0.stop() }
        let subscribed = NeverReadingSubscriber.Outcome(
            drops: outcomes.flatMap(\.drops), firstReceived: outcomes.first?.firstReceived, refusals: outcomes.reduce(0) { $0 + $1.refusals },
            failure: outcomes.compactMap(\.failure).first
        )
        let everyOneDropped = outcomes.allSatisfy { !$0.drops.isEmpty }
        let written = writer.stop()

        try control.send(raw: HostileClientsCommand.slowRequest)
        let expected = try control.receiveLine()
        let slowAnswered = slowOutcome?.answer != nil && slowOutcome?.answer == expected && expected?.starts(with: Array(#"{"ok":true"#.utf8)) == true
        checks.check(slowAnswered, "slow client", slowOutcome.map { outcome in
            "its \(lineBytes)-byte `at` line took \(String(format: "%.1f", outcome.seconds)) s and was answered "
                + (slowAnswered ? "as a prompt client is (\(expected?.count ?? 0) bytes)" : "wrongly: \(outcome.failure ?? String(decoding: (outcome.answer ?? []).prefix(200), as: UTF8.self))")
        } ?? "still sending after \(slowInterval * lineBytes + .seconds(60))")

        let notReading = daemon.log.split(separator: "\n").filter { $0.contains("subscriber dropped") && $0.contains("not reading") }.count
        let earliest = subscribed.drops.min() ?? 0
        let latest = subscribed.drops.max() ?? 0
        let received = subscribed.firstReceived.map { "the first had taken \($0.bytes / 1024) KiB (\($0.lines) events) before its socket filled" } ?? "none was read"
        checks.check(
            subscribed.failure == nil && everyOneDropped && earliest >= Double(subscriberTimeout) && notReading >= subscribed.drops.count,
            subscribers == 1 ? "subscriber that never reads" : "\(subscribers) subscribers that never read",
            "dropped \(subscribed.drops.count) time\(subscribed.drops.count == 1 ? "" : "s"), \(String(format: "%.1f", earliest))–\(String(format: "%.1f", latest)) s after subscribing (timeout \(subscriberTimeout) s; the daemon logged \(notReading) drops for not reading; \(subscribed.refusals) turned away at the limit); \(received)\(subscribed.failure.map { "; failed: \($0)" } ?? "")"
        )
        checks.check(written.failures.isEmpty && written.acknowledged > 0, "writer", "\(written.acknowledged) appends acknowledged while the clients held\(written.failures.first.map { "; \(written.failures.count) failed, first: \($0)" } ?? "")")

        // The first idle connection made way beyond the limit; the others are held.
        idlers.removeFirst()
        let held = idlers.filter { !$0.hasHungUp(waitingMilliseconds: 0) }.count
        var answering = 0
        for connection in idlers {
            guard (try? connection.send(Request.ping.line)) != nil,
                  let line = try? connection.receiveLine(withinMilliseconds: 10_000) else { continue }
            if case .pong? = try? ResponseDecoder.decode(line: line) { answering += 1 }
        }
        checks.check(held == idle - 1 && answering == idle - 1, "idle connections held", "\(held)/\(idle - 1) still open at the end (the first made way), \(answering)/\(idle - 1) answered a ping then")
        idlers.removeAll()
        let remaining = try Self.waitForConnections(control, atMost: 1)
        checks.check(remaining == 1, "connections released", "\(remaining) open once the clients left (this one)")

        let peaks = sampler.stop()
        let peakResident = ProcessStatus.bytes("VmHWM", of: daemon.pid) ?? peaks.residentBytes
        checks.check(
            peakResident <= memoryLimitBytes, "daemon memory",
            "peak resident \(mebibytes(peakResident)) (VmHWM, with the store's mapped pages), peak anonymous \(mebibytes(peaks.anonymousBytes)) (sampled); limit \(mebibytes(memoryLimitBytes))"
        )
        // Beyond the limit a connection is still accepted, to be told why it is closed; a few may be
        // in that state at once.
        let descriptorBound = baseDescriptors + limit + 8
        checks.check(
            peaks.descriptors <= descriptorBound, "descriptors",
            "peak \(peaks.descriptors) open (sampled), \(baseDescriptors) before the clients; bound \(descriptorBound) (those, the connection limit, and 8 for connections being refused or closed)"
        )
        let status = daemon.stop()
        checks.check(status == 0, "daemon stop", "ledgerd exited \(status) on SIGTERM")
        return checks
    }

    /// Fills the daemon up to its limit, then opens one more: whether that one was served, and what
    /// `idlest` (the connection idle longest) was told and whether it was closed. A subscriber may be
    /// between two subscriptions as the extra one connects, leaving room for it: then it is kept as
    /// one more filler and the check is made again.
    private func connectBeyondLimit(
        _ daemon: DaemonProcess, _ control: LedgerConnection, idlest: StressSocket
    ) throws -> (open: Int, served: Bool, evictedCode: String?, evictedClosed: Bool) {
        var fillers: [StressSocket] = []
        defer { fillers.removeAll() }
        var result: (open: Int, served: Bool, evictedCode: String?, evictedClosed: Bool) = (0, false, nil, false)
        for _ in 0..<3 {
            let open = try control.stats().connections
            for _ in 0..<Swift.max(0, limit - open) { fillers.append(try StressSocket(path: daemon.socket)) }
            let full = try Self.waitForConnections(control, atLeast: limit)
            let probe = try StressSocket(path: daemon.socket)
            try probe.send(Request.ping.line)
            var served = false
            if case .pong? = try? probe.receiveLine(withinMilliseconds: 5_000).flatMap({ try ResponseDecoder.decode(line: $0) }) { served = true }
            fillers.append(probe)
            guard let notice = try idlest.receiveLine(withinMilliseconds: 2_000) else {
                // Nobody made way, so there was room after all: the extra one fills it.
                result = (full, served, nil, false)
                continue
            }
            var code: String?
            if case .error(let eviction)? = try? ResponseDecoder.decode(line: notice) { code = eviction.code }
            return (full, served, code, idlest.hasHungUp(waitingMilliseconds: 5_000))
        }
        return result
    }

    /// The daemon's count of open connections once it reaches `count` (it accepts asynchronously),
    /// or whatever it is after 10 s.
    private static func waitForConnections(_ connection: LedgerConnection, atLeast count: Int) throws -> Int {
        try waitForConnections(connection) { $0 >= count }
    }

    /// The daemon's count of open connections once it falls to `count`, or whatever it is after 10 s.
    private static func waitForConnections(_ connection: LedgerConnection, atMost count: Int) throws -> Int {
        try waitForConnections(connection) { $0 <= count }
    }

    /// Polls the daemon's count of open connections until `done` holds of it, for at most 10 s.
    private static func waitForConnections(_ connection: LedgerConnection, until done: (Int) -> Bool) throws -> Int {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let open = try connection.stats().connections
            if done(open) || ContinuousClock.now >= deadline { return open }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
