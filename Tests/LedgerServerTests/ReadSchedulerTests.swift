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
        let gate = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // However this ends, the held slice is let go: the group waits for it before returning.
            defer { gate.signal() }
            // User 1's first slice holds the one expensive slot until every other slice is queued:
            // five more of user 1's, then two of user 2's.
            group.addTask {
                try await scheduler.run(for: 1, cost: .expensive(.export)) {
                    journal.run("a1", user: 1, expensive: true, for: 0)
                    gate.wait()
                }
            }
            try await Self.waitUntil { journal.started == ["a1"] }
            for index in 2...6 {
                group.addTask {
                    try await scheduler.run(for: 1, cost: .expensive(.export)) { journal.run("a\(index)", user: 1, expensive: true, for: 0.01) }
                }
                try await Self.waitUntil { scheduler.queuedReads == index - 1 }
            }
            for index in 1...2 {
                group.addTask {
                    try await scheduler.run(for: 2, cost: .expensive(.verify)) { journal.run("b\(index)", user: 2, expensive: true, for: 0.01) }
                }
                try await Self.waitUntil { scheduler.queuedReads == 5 + index }
            }
            gate.signal()
            try await group.waitForAll()
        }
        // Round-robin: user 2's slices take turns with user 1's, and do not wait for all of them.
        #expect(journal.started == ["a1", "a2", "b1", "a3", "b2", "a4", "a5", "a6"])
        // With two threads, one is kept for cheap reads: one expensive slice at a time.
        #expect(journal.mostExpensiveAtOnce == 1)
        #expect(journal.mostAtOnce(1) == 1)
        await scheduler.shutDown()
    }

    /// Polls `condition` every millisecond for up to 60 s. What it waits for is a task of this
    /// test being scheduled, which on a loaded 2-core machine, with other suites' work on the
    /// cooperative pool's two threads, has taken more than 10 s; only the order is checked.
    private static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test func aCheapReadDoesNotWaitBehindALongWalk() async throws {
        let scheduler = ReadScheduler(threads: 2, niceness: 0)
        let journal = Journal()
        let gate = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // However this ends, the held slice is let go: the group waits for it before returning.
            defer { gate.signal() }
            // A slice of a long walk holds its thread, nine more wait behind it.
            for index in 1...10 {
                group.addTask {
                    try await scheduler.run(for: 1, cost: .expensive(.verify)) {
                        journal.run("slice\(index)", user: 1, expensive: true, for: 0)
                        if index == 1 { gate.wait() }
                    }
                }
            }
            try await Self.waitUntil { scheduler.queuedReads == 9 && journal.started.count == 1 }
            // The cheap read takes the other thread and is answered while the walk is still held up.
            try await scheduler.run(for: 2, cost: .cheap) { journal.run("history", user: 2, expensive: false, for: 0) }
            #expect(journal.started == ["slice1", "history"])
            // The walk's other slices still wait: the one expensive slot is taken.
            #expect(scheduler.queuedReads == 9)
            gate.signal()
            try await group.waitForAll()
        }
        #expect(journal.started.count == 11)
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
