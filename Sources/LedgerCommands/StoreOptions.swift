import ArgumentParser
import LedgerClient
import LedgerCore
import LedgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which ledger a command works on: the daemon's socket (the default), or with `--db DIR`
/// the LMDB environment itself (LMDB lets a reader process run beside the daemon).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Open the ledger's LMDB environment in this directory directly, without the daemon (default: $LEDGER_DB).",
        valueName: "dir"
    ))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(
        "The daemon's socket (default: $LEDGER_SOCKET, else /run/ledger/ledger.sock).", valueName: "path"
    ))
    var socket: String?

    /// The directory given with `--db` or `$LEDGER_DB`, if any.
    var directory: String? {
        if let db { return db }
        if socket == nil, let value = getenv("LEDGER_DB") { return String(cString: value) }
        return nil
    }

    /// The socket path to use when no directory is given.
    var socketPath: String {
        if let socket { return socket }
        if let value = getenv("LEDGER_SOCKET") { return String(cString: value) }
        return LedgerConnection.defaultPath
    }

    /// The ledger to read: the store when `--db` is given, else the daemon.
    func reader() throws -> any LedgerBackend {
        if let directory { return EmbeddedLedger(log: try openForReading(directory)) }
        return try connect()
    }

    /// The ledger to append to: the store (created if missing) when `--db` is given, else the daemon.
    func writer() throws -> any LedgerBackend {
        if let directory { return EmbeddedLedger(log: try EventLog(path: directory)) }
        return try connect()
    }

    /// A connection to the daemon, or a one-line explanation of how to get one.
    func connect() throws -> DaemonLedger {
        let path = socketPath
        do {
            return DaemonLedger(connection: try LedgerConnection(path: path))
        } catch {
            throw CommandFailure(
                "\(error): start the daemon (systemctl start ledgerd.socket, or ledgerd --socket \(path) --state-dir DIR) or open a ledger directly with --db DIR"
            )
        }
    }

    /// Opens an existing store for reading.
    func openForReading(_ path: String) throws -> EventLog {
        try requireStore(path)
        var options = EventLog.Options()
        options.readOnly = access(path + "/lock.mdb", W_OK) != 0
        return try EventLog(path: path, options: options)
    }

    /// Opens an existing store for writing, even one whose directory holds only `data.mdb` (a
    /// copy of the file alone, restored without its lock file), upgrading it if it is of an
    /// earlier format; a directory with no store is refused rather than given an empty one.
    func openForWriting(_ path: String) throws -> EventLog {
        try requireStore(path)
        return try EventLog(path: path)
    }

    private func requireStore(_ path: String) throws {
        var info = stat()
        guard stat(path + "/data.mdb", &info) == 0 else {
            throw CommandFailure("no ledger at \(path): append events to create one (ledger append FILE --db \(path))")
        }
    }
}

/// A failure to report in one line, with exit status 1; any control character in what it
/// echoes (a field, a daemon's message) is shown escaped.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = TerminalText.escaped(description) }
}
