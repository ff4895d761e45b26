import LedgerProtocol
#if canImport(Glibc)
import Glibc
#endif
import LedgerCore
import LedgerStore
import LedgerSystemd
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The daemon: serves the NDJSON protocol on a Unix socket over one ledger, until asked to stop.
///
/// On graceful shutdown it stops accepting, lets every connection finish and acknowledge the
/// request it is serving, closes the rest, and returns.
public final class LedgerDaemon: Service, Sendable {
    private let log: EventLog
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let notifier: SystemdNotifier?
    private let feed: CommitFeed
    /// The single writer (group commit).
    public let writer: AppendWriter
    private let statistics = ServerStatistics()
    private let connections = Mutex<[ObjectIdentifier: ConnectionState]>([:])
    private let serving = Atomic<Bool>(false)

    /// Whether the socket is listening and READY=1 was sent.
    public var isServing: Bool { serving.load(ordering: .acquiring) }

    /// A daemon over `log`, telling systemd how it goes through `notifier` when there is one.
    public init(log: EventLog, configuration: ServerConfiguration, logger: Logger, notifier: SystemdNotifier?) throws {
        self.log = log
        self.configuration = configuration
        self.logger = logger
        self.notifier = notifier
        feed = CommitFeed(head: try log.head().seq)
        writer = AppendWriter(log: log, feed: feed)
        // Extending a chain whose newest link is damaged would seal the damage in: refuse writes.
        if case .broken(let seq, let reason) = try log.verifyHead() {
            writesRefused = ProtocolError(
                .chainBroken,
                "the chain is broken at seq \(seq): \(reason); this ledger serves reads only until it is repaired (ledger verify --db names the first bad seq)",
                seq: seq
            )
        } else {
            writesRefused = nil
        }
    }

    /// Why appends are refused, when the chain's head failed its check at start.
    public let writesRefused: ProtocolError?

    /// Serves until graceful shutdown.
    public func run() async throws {
        let server = try await bind()
        let head = feed.head
        if let refusal = writesRefused {
            try? notifier?.ready(status: "serving \(head) events, reads only: the chain is broken at seq \(refusal.seq ?? 0)")
            logger.critical("the hash chain is broken: serving reads only, refusing appends", metadata: ["error": "\(refusal.message)"])
        } else {
            try? notifier?.ready(status: "serving \(head) events")
        }
        serving.store(true, ordering: .releasing)
        logger.info("ready", metadata: ["events": "\(head)", "socket": "\(describe(configuration.listener))"])
        let handler = RequestHandler(
            log: log, writer: writer, feed: feed, statistics: statistics, configuration: configuration,
            daemonUID: getuid(), writesRefused: writesRefused, logger: logger
        )
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection, handler) }
                    }
                }
            }
        } onGracefulShutdown: {
            try? self.notifier?.stopping()
            try? self.notifier?.status("stopping: answering \(self.statistics.connections) connections")
            self.logger.info("shutting down", metadata: ["connections": "\(self.statistics.connections)"])
            server.channel.close(promise: nil)
            let open = self.connections.withLock { Array($0.values) }
            for connection in open { connection.shutDown() }
        }
        logger.info("stopped", metadata: ["appends": "\(statistics.appends)"])
    }

    private func describe(_ listener: ServerConfiguration.Listener) -> String {
        switch listener {
        case .path(let path): path
        case .descriptor(let fd): "fd \(fd) from systemd"
        }
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
        let initializer: @Sendable (Channel) -> EventLoopFuture<Connection> = { [configuration, statistics] channel in
            let open = statistics.connectionOpened()
            channel.closeFuture.whenComplete { _ in
                statistics.connectionClosed()
                self.connections.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) }
            }
            return PeerIdentity.read(from: channel).flatMapThrowing { peer in
                let state = ConnectionState(channel: channel)
                self.connections.withLock { $0[ObjectIdentifier(channel)] = state }
                let sync = channel.pipeline.syncOperations
                try sync.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: configuration.maximumLineLength, state: state)))
                try sync.addHandler(IdleStateHandler(readTimeout: TimeAmount.nanoseconds(
                    Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000
                )))
                try sync.addHandler(IdleConnectionCloser(state: state))
                let asyncChannel = try NIOAsyncChannel<RequestFrame, ByteBuffer>(
                    wrappingChannelSynchronously: channel,
                    configuration: .init(inboundType: RequestFrame.self, outboundType: ByteBuffer.self)
                )
                return Connection(channel: asyncChannel, peer: peer, state: state, refused: open > configuration.maximumConnections)
            }
        }
        switch configuration.listener {
        case .path(let path):
            let server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true, childChannelInitializer: initializer)
            // As the socket unit's SocketMode=0666: anyone local may connect and read; writes are
            // decided per connection from the peer's credentials.
            chmod(path, 0o666)
            return server
        case .descriptor(let descriptor):
            return try await bootstrap.bind(descriptor, childChannelInitializer: initializer)
        }
    }

    private func serve(_ connection: Connection, _ handler: RequestHandler) async {
        do {
            try await connection.channel.executeThenClose { inbound, outbound in
                if connection.refused {
                    logger.warning("connection refused", metadata: ["limit": "\(configuration.maximumConnections)"])
                    var bytes: [UInt8] = []
                    CanonicalJSON.encode(ProtocolError(
                        .tooManyConnections,
                        "the daemon serves at most \(configuration.maximumConnections) connections at once; try again later"
                    ).json, sortKeys: false, into: &bytes)
                    bytes.append(UInt8(ascii: "\n"))
                    try await outbound.write(ByteBuffer(bytes: bytes))
                    return
                }
                for try await frame in inbound {
                    connection.state.begin()
                    let next = try await handler.respond(
                        to: frame, peer: connection.peer, state: connection.state, outbound: outbound
                    )
                    if connection.state.end() || next == .close { return }
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
