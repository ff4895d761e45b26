import ArgumentParser
import LedgerCore
import LedgerServer
import LedgerStore
import LedgerSystemd
import LedgerWeb
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `ledgerd`: the ledger daemon.
@main
struct LedgerdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledgerd",
        abstract: "Serve a commitment ledger on a Unix socket (NDJSON requests, one per line).",
        discussion: """
            Run by systemd (Type=notify, socket activation through LISTEN_FDS; a socket named http \
            serves the web interface) or by hand. Root, the \
            daemon's own user and members of the writers group may append; anyone who can connect may read.
            """,
        version: LedgerVersion.current
    )

    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "The directory of the ledger's LMDB environment (default: $STATE_DIRECTORY, else /var/lib/ledger).", valueName: "dir"
    ))
    var stateDirectory: String?

    @Option(help: ArgumentHelp("The socket to listen on when systemd hands over none.", valueName: "path"))
    var socket = "/run/ledger/ledger.sock"

    @Option(name: .customLong("writers-group"), help: ArgumentHelp("The group whose members may append.", valueName: "name"))
    var writersGroup = "ledger"

    @Option(name: .customLong("max-line-bytes"), help: "The longest request line accepted.")
    var maximumLineBytes = 1 << 20

    @Option(name: .customLong("max-connections"), help: "The most connections served at once; beyond it the connection idle longest makes way.")
    var maximumConnections = 256

    @Option(name: .customLong("max-connections-per-user"), help: "The most connections one reading user may hold (writers are not bound by it).")
    var maximumConnectionsPerUser = 32

    @Option(name: .customLong("writer-connections"), help: "Connections kept for writers (root, the daemon's user, the writers group) only.")
    var writerConnections = 16

    @Option(name: .customLong("read-threads"), help: "Threads for store reads (default: the number of cores, at least 2).")
    var readThreads: Int?

    @Option(name: .customLong("idle-timeout"), help: "Seconds after which a connection that sends nothing is closed.")
    var idleTimeout = 300

    @Option(name: .customLong("subscriber-timeout"), help: "Seconds a subscriber may leave its socket full before it is dropped.")
    var subscriberTimeout = 30

    @Option(name: .customLong("max-subscriber-lag"), help: "Events a subscriber may fall behind the newest, once it has caught up, before it is told and dropped.")
    var maximumSubscriberLag = 100_000

    @Option(name: .customLong("max-store-mib"), help: "The most the store may grow to, in MiB; beyond it appends get storage_full.")
    var maximumStoreMiB = 65_536

    @Option(name: .customLong("http"), help: ArgumentHelp(
        "Also serve the read-only web interface on this address: HOST:PORT (127.0.0.1:8080, [::1]:8080) or the path of a Unix socket.",
        valueName: "address"
    ))
    var http: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// Refuses a store limit that could not hold a ledger, rather than quietly raising it.
    func validate() throws {
        guard maximumStoreMiB >= 1 && maximumStoreMiB <= 1 << 40 else {
            throw ValidationError("--max-store-mib must be from 1 to \(1 << 40) (MiB); the default is 65536")
        }
        if let http, WebInterface.bindAddress(http) == nil {
            throw ValidationError("--http \(http) is neither HOST:PORT (127.0.0.1:8080, [::1]:8080) nor a path")
        }
    }

    func run() async throws {
        StandardErrorLog.bootstrap(level: logLevel)
        let logger = Logger(label: "ledgerd")
        let notifier = SystemdNotifier.fromProcessEnvironment()
        let passed = ListenedSockets.takeFromProcess()
        // The socket unit named `http` (deploy/ledgerd-http.socket) is the web interface's; any other is the ledger's.
        let handedWeb = passed.first { $0.name == WebInterface.socketName }?.descriptor
        let handed = passed.filter { $0.name != WebInterface.socketName }.map(\.descriptor)
        let directory = stateDirectory ?? (getenv("STATE_DIRECTORY").map { String(cString: $0) }.flatMap { $0.split(separator: ":").first.map(String.init) }) ?? "/var/lib/ledger"

        logger.info("starting", metadata: [
            "state_dir": "\(directory)", "socket": "\(handed.isEmpty ? socket : "handed over by systemd")",
            "writers_group": "\(writersGroup)", "pid": "\(getpid())",
        ])
        var storeOptions = EventLog.Options()
        storeOptions.maximumMapSize = maximumStoreMiB << 20
        let log: EventLog
        do {
            log = try EventLog(path: directory, options: storeOptions)
        } catch {
            logger.critical("cannot open the store", metadata: ["dir": "\(directory)", "error": "\(error)"])
            throw ExitCode.failure
        }
        // Members of the daemon's group may open the store directly (`ledger --db`) beside it:
        // an LMDB reader needs to write its slot in lock.mdb.
        chmod(directory + "/lock.mdb", 0o660)
        if let handedWeb {
            guard http == nil else {
                logger.critical("--http is given, and systemd handed over a socket named http as well: serve the web on one of them", metadata: ["http": "\(http ?? "")"])
                throw ExitCode.failure
            }
            guard ListenedSockets.isListeningStream(handedWeb) else {
                logger.critical("the socket systemd handed over for the web interface is not a listening stream socket", metadata: ["fd": "\(handedWeb)"])
                throw ExitCode.failure
            }
        }
        let listener: ServerConfiguration.Listener
        if let descriptor = handed.first {
            guard ListenedSockets.isListeningUnixStream(descriptor) else {
                logger.critical("the socket systemd handed over is not a listening Unix stream socket", metadata: ["fd": "\(descriptor)"])
                throw ExitCode.failure
            }
            listener = .descriptor(descriptor)
        } else {
            listener = .path(socket)
        }
        let group = PeerCredentials.groupID(named: writersGroup)
        if group == nil {
            logger.notice("no such writers group: only root and the daemon's own user may append", metadata: ["group": "\(writersGroup)"])
        }
        var configuration = ServerConfiguration(listener: listener, writersGroup: group)
        configuration.maximumLineLength = max(maximumLineBytes, 1024)
        configuration.maximumConnections = max(maximumConnections, 1)
        configuration.maximumConnectionsPerUser = max(maximumConnectionsPerUser, 1)
        configuration.writerConnections = max(writerConnections, 0)
        if let readThreads { configuration.readThreads = max(readThreads, 1) }
        configuration.idleTimeout = .seconds(max(idleTimeout, 1))
        configuration.maximumSubscriberLag = UInt64(max(maximumSubscriberLag, 1))
        configuration.subscriberWriteTimeout = .seconds(max(subscriberTimeout, 1))
        let descriptors = OpenFileLimit.raise(toServe: configuration.maximumConnections)
        if !descriptors.enough {
            logger.warning("the limit on open files is too low for --max-connections: clients beyond it wait unanswered instead of being refused", metadata: [
                "nofile": "\(descriptors.soft)", "max_connections": "\(configuration.maximumConnections)",
                "needed": "\(configuration.maximumConnections + OpenFileLimit.reserve)",
            ])
        }

        let daemon = try LedgerDaemon(log: log, configuration: configuration, logger: logger, notifier: notifier)
        var services: [any Service] = [daemon]
        if let notifier, let interval = SystemdNotifier.watchdogInterval(environment: environment(), pid: getpid()) {
            services.append(Watchdog(notifier: notifier, daemon: daemon, interval: interval, logger: logger))
        }
        // After the daemon in the group, so the web stops first on shutdown, while the read pool still runs.
        let web = WebInterface(log: daemon.log, reads: daemon.reads, feed: daemon.feed)
        if let handedWeb {
            services.append(try web.service(handedOver: handedWeb, logger: logger))
            logger.info("serving the web interface", metadata: ["http": "fd \(handedWeb) from systemd"])
        } else if let http, let address = WebInterface.bindAddress(http) {
            services.append(try web.application(address: address, socketPath: WebInterface.socketPath(http), logger: logger))
            logger.info("serving the web interface", metadata: ["http": "\(http)"])
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await serviceGroup.run()
    }

    private func environment() -> [String: String] {
        var result: [String: String] = [:]
        for key in ["WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(key) { result[key] = String(cString: value) }
        }
        return result
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
