import NIOCore

/// How the daemon serves: where, for whom, and within which limits.
public struct ServerConfiguration: Sendable {
    /// Where to listen when no socket is handed over.
    public enum Listener: Sendable {
        /// Bind this path (an existing socket file is replaced).
        case path(String)
        /// Serve on a listening socket handed over by systemd.
        case descriptor(Int32)
    }

    /// The socket.
    public var listener: Listener
    /// Group id whose members may append (besides root and the daemon's own user).
    public var writersGroup: UInt32?
    /// The longest request line, in bytes.
    public var maximumLineLength = 1 << 20
    /// The most connections served at once; beyond it the connection idle longest makes way.
    public var maximumConnections = 256
    /// The most connections one reading user may hold (writers are not bound by it).
    public var maximumConnectionsPerUser = 32
    /// Connections only writers may take.
    public var writerConnections = 16
    /// Threads for store reads.
    public var readThreads = max(2, System.coreCount)
    /// A connection with no request for this long is closed (subscribers excepted).
    public var idleTimeout: Duration = .seconds(300)
    /// How far a subscriber may fall behind the head before it is told and dropped.
    public var maximumSubscriberLag: UInt64 = 100_000
    /// A subscriber whose socket takes no data for this long is not reading, and is dropped.
    public var subscriberWriteTimeout: Duration = .seconds(30)

    /// The connection limits as the roster keeps them.
    public var connectionLimits: ConnectionRoster.Limits {
        ConnectionRoster.Limits(total: maximumConnections, perUser: maximumConnectionsPerUser, writerReserved: writerConnections)
    }

    /// A configuration with the defaults.
    public init(listener: Listener, writersGroup: UInt32?) {
        self.listener = listener
        self.writersGroup = writersGroup
    }
}
