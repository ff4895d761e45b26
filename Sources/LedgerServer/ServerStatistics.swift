import Synchronization

/// Counters the daemon reports through `stats`.
public final class ServerStatistics: Sendable {
    private let openConnections = Atomic<Int>(0)
    private let appendRequests = Atomic<Int>(0)
    /// When the daemon started (monotonic).
    public let started = ContinuousClock.now

    /// Fresh counters.
    public init() {}

    /// Connections open now.
    public var connections: Int { openConnections.load(ordering: .relaxed) }
    /// Append requests acknowledged since start.
    public var appends: Int { appendRequests.load(ordering: .relaxed) }

    /// Counts a new connection; returns how many are open with it.
    @discardableResult
    func connectionOpened() -> Int { openConnections.add(1, ordering: .relaxed).newValue }
    /// Counts a closed connection.
    func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }
    /// Counts an acknowledged append.
    func appendAcknowledged() { appendRequests.add(1, ordering: .relaxed) }
}
