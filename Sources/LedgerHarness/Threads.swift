import Foundation
import Synchronization

/// Blocking work (socket clients waiting on the daemon) run on threads of its own, all at once.
///
/// Swift tasks share a pool of as many threads as there are cores: blocking clients run there
/// would take turns, two at a time on a two-core machine, however many were started.
public enum Threads {
    /// What a run of threads gave.
    public struct Run<Value: Sendable>: Sendable {
        /// What each body returned, in the order of their indices.
        public var values: [Value]
        /// The most bodies that were running at the same moment.
        public var peak: Int
    }

    /// Runs `body(0)`, …, `body(count - 1)` each on a new thread, started together once every
    /// thread is up, and returns their values once all have returned; the first failure is thrown.
    public static func run<Value: Sendable>(
        _ count: Int, name: String = "client", _ body: @escaping @Sendable (Int) throws -> Value
    ) async throws -> Run<Value> {
        let crew = Crew<Value>(count)
        let results = await withCheckedContinuation { (continuation: CheckedContinuation<[Result<Value, any Error>], Never>) in
            crew.whenDone = { continuation.resume(returning: $0) }
            for index in 0..<count {
                let thread = Thread {
                    crew.arriveAndWait()
                    crew.enter()
                    let result = Result { try body(index) }
                    crew.leave(index, result)
                }
                thread.name = "\(name) \(index)"
                thread.start()
            }
            if count == 0 { continuation.resume(returning: []) }
        }
        return Run(values: try results.map { try $0.get() }, peak: crew.peak)
    }

    /// The threads of one run: a barrier they start from, how many are in their body, and their results.
    private final class Crew<Value: Sendable>: @unchecked Sendable {
        // @unchecked: every mutable field is guarded by `condition`; `whenDone` is set before any thread starts.
        private let count: Int
        private let condition = NSCondition()
        private var arrived = 0
        private var running = 0
        private(set) var peak = 0
        private var results: [Result<Value, any Error>?]
        private var finished = 0
        var whenDone: (([Result<Value, any Error>]) -> Void)?

        init(_ count: Int) {
            self.count = count
            results = Array(repeating: nil, count: count)
        }

        func arriveAndWait() {
            condition.lock()
            arrived += 1
            if arrived == count { condition.broadcast() }
            while arrived < count { condition.wait() }
            condition.unlock()
        }

        func enter() {
            condition.lock()
            running += 1
            peak = max(peak, running)
            condition.unlock()
        }

        func leave(_ index: Int, _ result: Result<Value, any Error>) {
            condition.lock()
            running -= 1
            results[index] = result
            finished += 1
            let done = finished == count ? results.compactMap { $0 } : nil
            let report = whenDone
            condition.unlock()
            if let done { report?(done) }
        }
    }
}
