import ArgumentParser
import LedgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the ledger's store is: `--db DIR`, or `$LEDGER_DB`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The directory of the ledger's LMDB environment (default: $LEDGER_DB).", valueName: "dir"))
    var db: String?

    /// The directory to use, or a usage error saying how to give one.
    func directory() throws -> String {
        if let db { return db }
        if let value = getenv("LEDGER_DB") { return String(cString: value) }
        throw ArgumentParser.ValidationError("no ledger given: pass --db DIR (the ledger's state directory) or set LEDGER_DB")
    }

    /// Opens the store for writing, creating it when it does not exist.
    func openForWriting() throws -> EventLog {
        try EventLog(path: directory())
    }

    /// Opens an existing store for reading.
    func openForReading() throws -> EventLog {
        let path = try directory()
        var info = stat()
        guard stat(path + "/data.mdb", &info) == 0 else {
            throw CommandFailure("no ledger at \(path): append events to create one (ledger append FILE --db \(path))")
        }
        var options = EventLog.Options()
        options.readOnly = access(path + "/lock.mdb", W_OK) != 0
        return try EventLog(path: path, options: options)
    }
}

/// A failure to report in one line, with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
