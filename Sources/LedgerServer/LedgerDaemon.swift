import LedgerProtocol
#if canImport(Glibc)
import Glibc
#endif
import LedgerCore
import LedgerStore
import LedgerSystemd
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The daemon: serves the NDJSON protocol on a Unix socket over one ledger, until asked to stop.
///
/// On graceful shutdown it stops accepting, lets every connection finish and acknowledge the
/// request it is serving, closes the rest, and returns.
public final class LedgerDaemon: Service, Sendable {
    /// The store the daemon serves.
    public let log: EventLog
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let notifier: SystemdNotifier?
    /// The head seq as appends commit, for whoever waits on new events (the web interface's streams).
    public let feed: CommitFeed
    /// The single writer (group commit).
    public let writer: AppendWriter
    private let statistics = ServerStatistics()
    private let roster: ConnectionRoster
    /// The pool every store read runs on, shared fairly between users.
    public let reads: ReadScheduler
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
        roster = ConnectionRoster(limits: configuration.connectionLimits)
        reads = ReadScheduler(threads: configuration.readThreads)
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
        let quiescing = ServerQuiescingHelper(group: MultiThreadedEventLoopGroup.singleton)
        let server = try await bind(quiescing)
        let head = feed.head
        if let refusal = writesRefused {
            try? notifier?.ready(status: "serving \(head) events, reads only: the chain is broken at seq \(refusal.seq ?? 0)")
            logger.critical("the hash chain is broken: serving reads only, refusing appends", metadata: ["error": "\(refusal.message)"])
        } else {
            try? notifier?.ready(status: "serving \(head) events")
        }
        serving.store(true, ordering: .releasing)
        logger.info("ready", metadata: [
            "events": "\(head)", "socket": "\(describe(configuration.listener))", "read_threads": "\(reads.threads)",
        ])
        let handler = RequestHandler(
            log: log, writer: writer, feed: feed, reads: reads, statistics: statistics, configuration: configuration,
            writesRefused: writesRefused, logger: logger
        )
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await accepted in inbound {
                        guard let connection = accepted else { continue }
                        // On its channel's loop: see EventLoopExecutor.
                        let executor = EventLoopExecutor(connection.channel.channel.eventLoop)
                        group.addTask(executorPreference: executor) { await self.serve(connection, handler, on: executor) }
                    }
                }
            }
        } onGracefulShutdown: {
            try? self.notifier?.stopping()
            try? self.notifier?.status("stopping: answering \(self.statistics.connections) connections")
            self.logger.info("shutting down", metadata: ["connections": "\(self.statistics.connections)"])
            // Stops accepting, then lets each connection finish what it is answering and close.
            quiescing.initiateShutdown(promise: nil)
        }
        await reads.shutDown()
        logger.info("stopped", metadata: ["appends": "\(statistics.appends)"])
    }

    private func describe(_ listener: ServerConfiguration.Listener) -> String {
        switch listener {
        case .path(let path): path
        case .descriptor(let fd): "fd \(fd) from systemd"
        }
    }

    private func bind(_ quiescing: ServerQuiescingHelper) async throws -> NIOAsyncChannel<Connection?, Never> {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            // A client that shuts down its sending side still gets its answers (ConnectionHandler).
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let initializer: @Sendable (Channel) -> EventLoopFuture<Connection?> = { [configuration, statistics, roster, logger] channel in
            statistics.connectionOpened()
            channel.closeFuture.whenComplete { _ in statistics.connectionClosed() }
            return PeerIdentity.read(from: channel).flatMapThrowing { peer in
                let writer = peer.map { WritePolicy(daemonUID: getuid(), writersGroup: configuration.writersGroup).mayWrite($0) } ?? false
                switch roster.admit(channel, user: peer?.uid, writer: writer) {
                case .refused(let error):
                    logger.notice("connection refused", metadata: ["uid": "\(peer?.uid.description ?? "?")", "reason": "\(error.message)"])
                    channel.writeAndFlush(ByteBuffer(bytes: Response.error(error).line)).whenComplete { _ in
                        channel.close(promise: nil)
                    }
                    return nil
                case .admitted(let seat, let evicting):
                    channel.closeFuture.whenComplete { _ in seat.release() }
                    if let evicting {
                        logger.info("connection evicted to make room", metadata: ["for_uid": "\(peer?.uid.description ?? "?")"])
                        let notice = ByteBuffer(bytes: Response.error(ProtocolError(
                            .connectionEvicted,
                            "closed to make room for a new connection: every connection was taken and this one was idle longest; reconnect when you need to"
                        )).line)
                        evicting.pipeline.fireUserInboundEventTriggered(EvictionEvent(notice: notice))
                    }
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: configuration.maximumLineLength)))
                    try sync.addHandler(IdleStateHandler(readTimeout: TimeAmount.nanoseconds(
                        Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000
                    )))
                    try sync.addHandler(ConnectionHandler(seat: seat))
                    let asyncChannel = try NIOAsyncChannel<RequestFrame, ResponsePart>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(inboundType: RequestFrame.self, outboundType: ResponsePart.self)
                    )
                    return Connection(channel: asyncChannel, peer: peer, mayWrite: writer)
                }
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

    private func serve(_ connection: Connection, _ handler: RequestHandler, on executor: EventLoopExecutor) async {
        do {
            try await connection.channel.executeThenClose { inbound, outbound in
                var appends = PipelinedAppends(executor: executor)
                do {
                    for try await frame in inbound {
                        let next = try await handler.respond(to: frame, from: connection, outbound: outbound, appends: &appends)
                        if next == .close { break }
                    }
                } catch {
                    // Appends handed to the writer are committed whatever happens to the
                    // connection; they are answered if it still takes answers.
                    await appends.settle()
                    throw error
                }
                await appends.settle()
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
