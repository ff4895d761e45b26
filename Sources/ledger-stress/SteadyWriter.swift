import Foundation
import LedgerClient
import LedgerCore
import Synchronization

/// Appends one event at a steady pace through its own connection, so a subscriber that does not
/// read keeps falling further behind and the group commit keeps working under the other clients.
final class SteadyWriter: Sendable {
    /// What the writer saw.
    struct Outcome: Sendable {
        var acknowledged = 0
        var failures: [String] = []
    }

    private let outcome = Mutex(Outcome())
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts appending to `socket`, an event every `interval`.
    init(socket: String, interval: Duration) {
        let thread = Thread { [self] in
            var serial = 0
            do {
                let connection = try LedgerConnection(path: socket, timeout: .seconds(60))
                while running.load(ordering: .relaxed) {
                    serial += 1
                    do {
                        let report = try connection.append([LoadLedger.funded(serial % 10, id: "live-\(serial)")])
                        if report.appended == 1 {
                            outcome.withLock { $0.acknowledged += 1 }
                        } else {
                            outcome.withLock { $0.failures.append("append \(serial) answered without appending") }
                        }
                    } catch ClientError.refused(let error) {
                        outcome.withLock { $0.failures.append("\(error.code): \(error.message)") }
                    }
                    Thread.sleep(forTimeInterval: interval.seconds)
                }
            } catch {
                outcome.withLock { $0.failures.append("\(error)") }
            }
            finished.signal()
        }
        thread.start()
    }

    /// Stops appending and returns what it saw.
    func stop() -> Outcome {
        running.store(false, ordering: .relaxed)
        finished.wait()
        return outcome.withLock { $0 }
    }
}
