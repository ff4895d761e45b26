#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdCore
import LedgerCore
import LedgerProtocol
import LedgerServer
import LedgerStore
import Logging
import ServiceLifecycle

/// The read-only HTTP interface that ledgerd serves beside its Unix socket (`ledgerd --http`).
///
/// Only GET and HEAD are answered. Every store read goes through the daemon's `ReadScheduler`,
/// charged to one user of its own (`readUser`), so web traffic takes one user's share of the
/// read pool and never holds up the writer, the socket's clients or the watchdog.
public struct WebInterface: Sendable {
    /// The bounds on each request.
    public struct Limits: Sendable {
        /// The longest request target (path and query) answered.
        public var maximumTargetBytes = 8 << 10
        /// How long an answer may take to start.
        public var timeLimit: Duration = .seconds(30)
        /// Events in one page of an export or an event stream's catch-up.
        public var pageEvents = 1000
        /// HTTP connections served at once; more wait to be accepted.
        public var maximumConnections = 256
        /// A connection idle this long between requests is closed.
        public var idleTimeout: Duration = .seconds(60)
        /// The most bytes of one header field, and of all of a request's headers.
        public var maximumHeaderBytes = 8 << 10
        public var maximumHeadersBytes = 32 << 10

        /// The defaults.
        public init() {}
    }

    /// The name (`FileDescriptorName=`) of the socket the service manager hands over for the web interface.
    public static let socketName = "http"

    /// The read-pool user every web read is charged to: one bucket for all of the web.
    public static let readUser: ReadScheduler.User = UInt32.max - 1

    let log: EventLog
    let reads: ReadScheduler
    let feed: CommitFeed
    let limits: Limits

    /// An interface over `log`, reading through `reads`, its ETags following `feed`'s head.
    public init(log: EventLog, reads: ReadScheduler, feed: CommitFeed, limits: Limits = Limits()) {
        self.log = log
        self.reads = reads
        self.feed = feed
        self.limits = limits
    }

    /// The routes, behind the common middleware.
    public func router() throws -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        let pages = try WebPages(interface: self)
        router.add(middleware: WebMiddleware(feed: feed, limits: limits, errorPage: pages.errorPage))
        let api = WebAPI(interface: self)
        router.get("/api/at/:date") { request, context in try await api.at(request, context) }
        router.get("/api/lines/:line") { _, context in try await api.line(context) }
        router.get("/api/diff/:from/:to") { request, context in try await api.diff(request, context) }
        router.get("/api/export") { request, _ in try api.export(request) }
        router.get("/api/events") { request, _ in try api.events(request) }
        router.get("/api/openapi.json") { _, _ in WebAPI.openAPI() }
        router.get("/style.css") { _, _ in pages.style() }
        router.get("/at") { request, _ in try pages.atForm(request) }
        router.get("/at/:date") { request, context in try await pages.at(request, context) }
        router.get("/lines/:line") { _, context in try await pages.line(context) }
        router.get("/departments/:slug") { _, context in try await pages.department(context) }
        router.get("/") { request, _ in try pages.home(request) }
        router.get("/verify") { _, _ in try await pages.verify() }
        router.get("/feed.atom") { _, _ in try await pages.feed() }
        router.get("/diff/:from/:to") { request, context in try await pages.diff(request, context) }
        return router
    }

    /// The HTTP server as a service, listening on `address`.
    /// On a Unix socket (`socketPath`), the socket is made `0666` once listening, as the daemon's
    /// own socket is: anyone local, a reverse proxy's user included, may connect and read.
    public func application(address: BindAddress, socketPath: String? = nil, logger: Logger) throws -> some ApplicationProtocol {
        Application(
            router: try router(),
            server: .http1(configuration: Self.channelConfiguration(limits)),
            configuration: ApplicationConfiguration(
                address: address, serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maximumConnections)
            ),
            onServerRunning: { _ in
                if let socketPath { chmod(socketPath, 0o666) }
            },
            logger: logger
        )
    }

    /// The HTTP server as a service, on a listening stream socket (TCP or Unix) the service manager
    /// handed over: the socket unit named `http` (`deploy/ledgerd-http.socket`).
    public func service(handedOver descriptor: Int32, logger: Logger) throws -> some Service {
        HandedOverServer(descriptor: descriptor, responder: try router().buildResponder(), limits: limits, logger: logger)
    }

    /// Each HTTP/1 connection's settings: the idle timeout and the bounds on headers.
    static func channelConfiguration(_ limits: Limits) -> HTTP1Channel.Configuration {
        .init(
            idleTimeout: .seconds(limits.idleTimeout.components.seconds),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maximumHeaderBytes, maxHeaderListSize: limits.maximumHeadersBytes, maxHeaderFieldCount: 100
            )
        )
    }

    /// Runs `body` on the read pool as the web's user, giving up (503) when its turn and the read
    /// take longer than the time limit.
    func read<T: Sendable>(cost: ReadCost, _ body: @escaping @Sendable (EventLog) throws -> T) async throws -> T {
        try await withTimeLimit(limits.timeLimit) { [log, reads] in
            try await reads.run(for: Self.readUser, cost: cost) { try body(log) }
        }
    }
}

extension WebInterface {
    /// The socket path of `--http ADDRESS` when it names a Unix socket.
    public static func socketPath(_ text: String) -> String? {
        text.hasPrefix("/") || text.hasPrefix(".") ? text : nil
    }

    /// Reads `--http ADDRESS`: `HOST:PORT` (`127.0.0.1:8080`, `[::1]:8080`) or a path for a Unix socket.
    public static func bindAddress(_ text: String) -> BindAddress? {
        if text.hasPrefix("/") || text.hasPrefix(".") { return .unixDomainSocket(path: text) }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty else { return nil }
        return .hostname(String(host), port: port)
    }
}
