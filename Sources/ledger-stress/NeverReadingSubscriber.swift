import Foundation
import LedgerProtocol
import Synchronization

/// A subscriber from seq 1 that never reads a byte: each time the daemon drops it, it subscribes
/// again, so there is always one filling its socket while the other clients run.
final class NeverReadingSubscriber: Sendable {
    /// What the first subscription had received when the daemon hung up on it.
    struct Received: Sendable {
        var bytes: Int
        var lines: Int
        /// The last line, which is an event (a dropped subscriber cannot be told) or an error.
        var last: String
    }

    /// What the subscriptions saw.
    struct Outcome: Sendable {
        /// Seconds from each subscription to the daemon hanging up on it.
        var drops: [Double] = []
        var firstReceived: Received?
        /// Subscriptions turned away because the daemon was full, which are not drops.
        var refusals = 0
        var failure: String?
    }

    private let outcome = Mutex(Outcome())
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts subscribing to `socket`; `timeout` is the daemon's subscriber timeout, before which a
    /// hang-up can only be a refusal.
    init(socket: String, timeout: Duration) {
        let thread = Thread { [self] in
            do {
                while running.load(ordering: .relaxed) {
                    let connection = try StressSocket(path: socket)
                    try connection.send(Request.subscribe(fromSeq: 1).line)
                    let start = ContinuousClock.now
                    while running.load(ordering: .relaxed) && !connection.hasHungUp(waitingMilliseconds: 50) {}
                    guard running.load(ordering: .relaxed) else { break }
                    let elapsed = ContinuousClock.now - start
                    if elapsed < timeout, String(decoding: try connection.drain().last, as: UTF8.self).contains(ProtocolError.Code.tooManyConnections.rawValue) {
                        // Turned away at the limit: come back later, as a real client would.
                        outcome.withLock { $0.refusals += 1 }
                        Thread.sleep(forTimeInterval: 0.1)
                        continue
                    }
                    let seconds = elapsed.seconds
                    let first = outcome.withLock { $0.firstReceived == nil }
                    // Only the first is read afterwards, to see how much the daemon pushed before it stalled.
                    let received = first ? try connection.drain() : nil
                    outcome.withLock { outcome in
                        outcome.drops.append(seconds)
                        if let received {
                            outcome.firstReceived = Received(
                                bytes: received.bytes, lines: received.lines, last: String(decoding: received.last.prefix(300), as: UTF8.self)
                            )
                        }
                    }
                }
            } catch {
                outcome.withLock { $0.failure = "\(error)" }
            }
            finished.signal()
        }
        thread.start()
    }

    /// How many times the daemon has dropped it so far.
    var drops: Int { outcome.withLock { $0.drops.count } }

    /// Stops subscribing (closing the current subscription) and returns what it saw.
    func stop() -> Outcome {
        running.store(false, ordering: .relaxed)
        finished.wait()
        return outcome.withLock { $0 }
    }
}
