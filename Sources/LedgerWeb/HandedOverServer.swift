import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// The web interface served on a listening socket the service manager handed over (the socket
/// unit's `FileDescriptorName=http`), with Hummingbird's own HTTP/1 channel and router.
///
/// Hummingbird 2 listens only on an address it binds itself (`BindAddress`), and a service with
/// `PrivateNetwork=yes` could not bind `127.0.0.1:8080` on the host. So this is Hummingbird's
/// accept loop (`Server.run`) over NIO's bind to an existing descriptor: each connection is
/// Hummingbird's `HTTP1Channel`, each request goes through the same responder `--http` serves,
/// and the same connection limit and graceful shutdown apply.
struct HandedOverServer: Service {
    let descriptor: Int32
    let responder: RouterResponder<BasicRequestContext>
    let limits: WebInterface.Limits
    let logger: Logger

    func run() async throws {
        let channel = HTTP1Channel(responder: respond, configuration: WebInterface.channelConfiguration(limits))
        let quiescing = ServerQuiescingHelper(group: MultiThreadedEventLoopGroup.singleton)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelInitializer { [limits] server in
                server.eventLoop.makeCompletedFuture {
                    let sync = server.pipeline.syncOperations
                    try sync.addHandler(AvailableConnectionsChannelHandler(delegate: MaximumAvailableConnections(limits.maximumConnections)))
                    try sync.addHandler(quiescing.makeServerChannelHandler(channel: server))
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let server = try await bootstrap.bind(descriptor) { [logger] child in channel.setup(channel: child, logger: logger) }
        logger.info("web interface listening on the socket systemd handed over", metadata: ["fd": "\(descriptor)"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await channel.handle(value: connection, logger: logger) }
                        }
                    }
                } catch {
                    logger.error("the web interface stopped accepting connections", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            quiescing.initiateShutdown(promise: nil)
        }
    }

    /// One request, as Hummingbird's `Application` answers it (its error for a failed responder included).
    @Sendable private func respond(_ request: Request, _ writer: consuming ResponseWriter, _ channel: any Channel) async throws {
        let context = BasicRequestContext(source: .init(channel: channel, logger: logger))
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch {
            response = Response(status: .internalServerError)
        }
        try await writer.write(response: response.head, body: response.body)
    }
}
