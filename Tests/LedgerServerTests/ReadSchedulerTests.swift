import Foundation
import Synchronization
import Testing

@testable import LedgerServer

/// The read pool's fairness, with blocking work standing in for store reads.
@Suite struct ReadSchedulerTests {
    /// What ran, in the order it started, and how many of each user's ran at once at most.
    final class Journal: Sendable {
        private struct State {
            var started: [String] = []
            var running: [UInt32?: Int] = [:]
            var mostAtOnce: [UInt32?: Int] = [:]
            var expensiveRunning = 0
            var mostExpensiveAtOnce = 0
        }

        private let state = Mutex(State())

        var started: [String] { state.withLock { $0.started } }
        func mostAtOnce(_ user: UInt32?) -> Int { state.withLock { $0.mostAtOnce[user] ?? 0 } }
        var mostExpensiveAtOnce: Int { state.withLock { $0.mostExpensiveAtOnce } }

        func run(_ name: String, user: UInt32?, expensive: Bool, for duration: TimeInterval) {
            state.withLock { state in
                state.started.append(name)
                state.running[user, default: 0] += 1
                state.mostAtOnce[user] = max(state.mostAtOnce[user] ?? 0, state.running[user] ?? 0)
                if expensive {
                    state.expensiveRunning += 1
                    state.mostExpensiveAtOnce = max(state.mostExpensiveAtOnce, state.expensiveRunning)
                }
            }
            Thread.sleep(forTimeInterval: duration)
            state.withLock { state in
                state.running[user, default: 1] -= 1
                if expensive { state.expensiveRunning -= 1 }
            }
        }
    }

    @Test func usersTakeTurnsAndEachRunsOneExpensiveReadAtATime() async throws {
        let scheduler = ReadScheduler(threads: 2, niceness: 0)
        let journal = Journal()
        // User 1 queues six slices of a long walk; a moment later user 2 queues two.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...6 {
                group.addTask {
                    try await scheduler.run(for: 1, cost: .expensive(.export)) { journal.run("a\(index)", user: 1, expensive: true, for: 0.03) }
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            for index in 1...2 {
                group.addTask {
                    try await scheduler.run(for: 2, cost: .expensive(.verify)) { journal.run("b\(index)", user: 2, expensive: true, for: 0.03) }
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            try await group.waitForAll()
        }
        let order = journal.started
        #expect(order.count == 8)
        // Round-robin: user 2's slices do not wait for user 1's six.
        let b1 = try #require(order.firstIndex(of: "b1"))
        let b2 = try #require(order.firstIndex(of: "b2"))
        #expect(b1 <= 2, "order \(order)")
        #expect(b2 <= 4, "order \(order)")
        // With two threads, one is kept for cheap reads: one expensive slice at a time.
        #expect(journal.mostExpensiveAtOnce == 1)
        #expect(journal.mostAtOnce(1) == 1)
        await scheduler.shutDown()
    }

    @Test func aCheapReadDoesNotWaitBehindALongWalk() async throws {
        let scheduler = ReadScheduler(threads: 2, niceness: 0)
        let journal = Journal()
        let clock = ContinuousClock()
        let waited = try await withThrowingTaskGroup(of: Duration?.self) { group in
            for index in 1...10 {
                group.addTask {
                    try await scheduler.run(for: 1, cost: .expensive(.verify)) { journal.run("slice\(index)", user: 1, expensive: true, for: 0.02) }
                    return nil
                }
            }
            try await Task.sleep(for: .milliseconds(5))
            group.addTask {
                let asked = clock.now
                try await scheduler.run(for: 2, cost: .cheap) { journal.run("history", user: 2, expensive: false, for: 0) }
                return clock.now - asked
            }
            var waited: Duration?
            for try await result in group { if let result { waited = result } }
            return waited
        }
        // Ten slices of 20 ms queue on one thread; the cheap read takes the other at once.
        let position = try #require(journal.started.firstIndex(of: "history"))
        #expect(position <= 2, "order \(journal.started)")
        #expect(try #require(waited) < .milliseconds(100))
        await scheduler.shutDown()
    }

    @Test func anErrorInAReadReachesTheCallerAndThePoolGoesOn() async throws {
        struct Failure: Error {}
        let scheduler = ReadScheduler(threads: 2, niceness: 0)
        await #expect(throws: Failure.self) {
            try await scheduler.run(for: nil, cost: .expensive(.wholeLedgerAt)) { () throws -> Int in throw Failure() }
        }
        #expect(try await scheduler.run(for: nil, cost: .expensive(.wholeLedgerAt)) { 42 } == 42)
        #expect(scheduler.completedReads == 2)
        await scheduler.shutDown()
    }
}
