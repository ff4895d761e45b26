import Foundation

/// The figures of one crash run and what the check found, printed as the run's summary.
struct CrashReport {
    /// The seed the run followed.
    var seed: UInt64
    /// Writers sending single events.
    var singleWriters = 0
    /// Writers sending batches of 2 to 50 events.
    var batchWriters = 0
    /// The range of the random wait before each kill, in milliseconds.
    var delayMilliseconds: ClosedRange<Int>
    /// SIGKILLs sent.
    var kills = 0
    /// Starts after a kill that reached READY=1.
    var restarts = 0
    /// Kills that found at least one request sent and not yet answered.
    var killsInFlight = 0
    /// Requests sent and not yet answered, summed over every kill.
    var requestsInFlightAtKills = 0
    /// Time from each restart's launch to its READY=1.
    var restartTimes: [Duration] = []
    /// Time from each SIGKILL to the next READY=1: how long the ledger could not be written.
    var downtimes: [Duration] = []
    /// Connections the writers made again after a crash.
    var reconnections = 0
    /// What the store held against what was sent.
    var check: CrashCheck?
    /// The `count` the export ended with.
    var exportCount: Int?
    /// Lines whose pledge and funding in `at` matched their stored events (nil when some did not).
    var linesCompared: Int?
    /// The `count` of the daemon's `verify`, or why it failed.
    var socketVerify: Result<Int, CrashFailure>?
    /// What `ledger verify --db` printed, or why it failed.
    var storeVerify: Result<String, CrashFailure>?
    /// The daemon's exit status after the final SIGTERM.
    var stopStatus: Int32?
    /// Lines the daemon logged at warning level or above, over every start.
    var daemonLogLines = 0
    /// Wall time of the whole run.
    var elapsed: Duration = .zero
    /// Failures outside the check (the daemon did not come back, the export broke, …).
    var failures: [String] = []

    /// Every rule broken, in words: the check's and the run's own.
    var violations: [String] {
        var result = failures
        if let check {
            result += check.violations
            if check.violationCount > check.violations.count {
                result.append("… and \(check.violationCount - check.violations.count) more")
            }
        } else {
            result.append("the store was never checked")
        }
        return result
    }

    /// Whether the run found nothing wrong.
    var passed: Bool { failures.isEmpty && (check?.passed ?? false) }

    /// The summary, one fact a line.
    var lines: [String] {
        var lines = [
            "ledger-stress crash: seed \(seed), \(singleWriters + batchWriters) writers (\(singleWriters) sending single events, \(batchWriters) sending batches of 2-50), a kill every \(delayMilliseconds.lowerBound)-\(delayMilliseconds.upperBound) ms",
            "kills: \(kills), restarts: \(restarts), median restart to serving \(Self.milliseconds(median(restartTimes))), slowest \(Self.milliseconds(restartTimes.max())); median kill to serving \(Self.milliseconds(median(downtimes)))",
            "kills with requests in flight: \(killsInFlight) of \(kills) (\(requestsInFlightAtKills) requests in flight at the kills)",
        ]
        if let check {
            lines.append("requests: \(check.requestsAcknowledged) acknowledged, \(check.requestsUnknown) unknown (\(check.unknownStored) found wholly stored, \(check.unknownAbsent) wholly absent), \(check.requestsRefused) refused; \(reconnections) reconnections")
            lines.append("events: \(check.eventsAcknowledged) acknowledged, \(check.eventsStored) stored, lost \(check.eventsLost), duplicates \(check.duplicates), misplaced \(check.misplaced), partial batches \(check.partialBatches), never sent \(check.foreignEvents)")
            lines.append("seq: \(check.seqDense ? "dense 1..\(check.eventsStored)" : "NOT dense")\(exportCount.map { $0 == check.eventsStored ? "" : " (export said count \($0))" } ?? "")")
        }
        lines.append("projections: " + (linesCompared.map { "`at` agrees with the stored events on all \($0) lines" } ?? "NOT checked or disagree"))
        lines.append("verify: " + [
            Self.describe(socketVerify) { "ok over the socket (\($0) events)" },
            Self.describe(storeVerify) { "ledger verify --db: \($0)" },
            stopStatus.map { "exit status \($0) on SIGTERM" } ?? "not stopped",
            "\(daemonLogLines) daemon log lines at warning or above",
        ].joined(separator: "; "))
        lines.append("time: \(Self.seconds(elapsed))")
        if passed {
            lines.append("PASS: every acknowledged event stored once at its seq, no partial batch, seq dense, projections agree, chain intact")
        } else {
            let violations = violations
            lines.append("FAIL: \(violations.count) violation\(violations.count == 1 ? "" : "s")")
            lines += violations.map { "  - " + $0 }
        }
        return lines
    }

    /// The middle value, or nil when there is none.
    private func median(_ values: [Duration]) -> Duration? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// A result in words: `success` of its value, or why it failed.
    private static func describe<Value>(_ result: Result<Value, CrashFailure>?, _ success: (Value) -> String) -> String {
        switch result {
        case .success(let value)?: success(value)
        case .failure(let failure)?: "FAILED: \(failure.message)"
        case nil: "not run"
        }
    }

    /// A duration in milliseconds, to a tenth.
    private static func milliseconds(_ duration: Duration?) -> String {
        guard let duration else { return "-" }
        return String(format: "%.1f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
    }

    /// A duration in seconds, to a tenth.
    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

/// Something in the run that went wrong outside the store's contents.
struct CrashFailure: Error, CustomStringConvertible {
    /// What went wrong.
    var message: String
    /// The message.
    var description: String { message }
}
