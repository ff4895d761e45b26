import Foundation
import Synchronization

/// A client that sends a valid request line one byte at a time, then waits for its answer: it
/// holds a connection with a partial line for as long as the line takes.
final class SlowSender: Sendable {
    /// What the slow client got.
    struct Outcome: Sendable {
        /// The answer line, without its newline; nil when none came.
        var answer: [UInt8]?
        /// From the first byte sent to the answer.
        var seconds: Double
        /// What went wrong, if anything did.
        var failure: String?
    }

    private let outcome = Mutex<Outcome?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts sending `line` (newline included) to `socket`, a byte every `interval`.
    init(socket: String, line: [UInt8], interval: Duration) {
        let thread = Thread { [self] in
            let start = ContinuousClock.now
            var result = Outcome(answer: nil, seconds: 0, failure: nil)
            do {
                let connection = try StressSocket(path: socket)
                for byte in line {
                    try connection.send([byte])
                    Thread.sleep(forTimeInterval: interval.seconds)
                }
                result.answer = try connection.receiveLine(withinMilliseconds: 30_000)
                if result.answer == nil { result.failure = "no answer within 30 s of the last byte" }
            } catch {
                result.failure = "\(error)"
            }
            result.seconds = (ContinuousClock.now - start).seconds
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.start()
    }

    /// Waits until the answer came (or the client failed), at most `limit`; nil if still sending.
    func wait(atMost limit: Duration) -> Outcome? {
        guard finished.wait(timeout: .now() + limit.seconds) == .success else { return nil }
        finished.signal()
        return outcome.withLock { $0 }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in milliseconds, as a floating-point number.
    var milliseconds: Double { seconds * 1000 }
}
