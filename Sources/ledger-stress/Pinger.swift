import Foundation
import LedgerClient
import LedgerCore

/// The well-behaved client: pings the daemon while the hostile ones hold, both on one connection
/// it keeps and on a new connection each time, timing each answer.
struct Pinger {
    /// Round trips in milliseconds, and what failed.
    struct Outcome {
        /// Ping and pong on the one kept connection.
        var kept: [Double] = []
        /// Connect, ping and pong on a new connection, as a new client sees it.
        var fresh: [Double] = []
        var failures: [String] = []
    }

    let socket: String
    let count: Int
    let interval: Duration

    /// Pings `count` times each way, pausing `interval` between rounds.
    func run() -> Outcome {
        var outcome = Outcome()
        outcome.kept.reserveCapacity(count)
        outcome.fresh.reserveCapacity(count)
        let kept: LedgerConnection
        do {
            kept = try LedgerConnection(path: socket, timeout: .seconds(10))
        } catch {
            outcome.failures.append("\(error)")
            return outcome
        }
        for _ in 0..<count {
            var start = ContinuousClock.now
            do {
                try kept.ping()
                outcome.kept.append((ContinuousClock.now - start).milliseconds)
            } catch {
                outcome.failures.append("kept connection: \(error)")
            }
            start = ContinuousClock.now
            do {
                let connection = try LedgerConnection(path: socket, timeout: .seconds(10))
                try connection.ping()
                outcome.fresh.append((ContinuousClock.now - start).milliseconds)
            } catch {
                outcome.failures.append("new connection: \(error)")
            }
            Thread.sleep(forTimeInterval: interval.seconds)
        }
        return outcome
    }
}

/// The 50th and 99th percentiles and the maximum of a set of round trips (nearest rank).
struct LatencySummary {
    let count: Int
    let p50: Double
    let p99: Double
    let max: Double

    /// The summary of `milliseconds`; all zero when empty.
    init(_ milliseconds: [Double]) {
        let sorted = milliseconds.sorted()
        count = sorted.count
        /// The value at `fraction` of the way through, by nearest rank.
        func rank(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        p50 = rank(0.5)
        p99 = rank(0.99)
        max = sorted.last ?? 0
    }
}
