import LMDB
import LedgerCore

/// The ledger's store: an append-only, hash-chained event log in LMDB with the indexes and
/// persisted projections that answer `at` without replaying it (docs/storage.md).
public final class EventLog: Sendable {
    /// How a store is opened.
    public struct Options: Sendable {
        /// The initial LMDB map size (at most `maximumMapSize`).
        public var mapSize = 64 << 20
        /// The most the map may grow to; appends beyond it fail with `storage_full`.
        public var maximumMapSize = 64 << 30
        /// Open for reading only.
        public var readOnly = false

        /// The defaults: 64 MiB growing up to 64 GiB.
        public init() {}
    }

    /// The store's format; a store of another format is refused rather than misread.
    static let formatVersion: [UInt8] = Array("ledger-7".utf8)
    /// The earlier formats, whose events are the same: opening one for writing derives the
    /// projections again and upgrades it. `ledger-1`: before `line_events` entries carried
    /// retractions and funded amounts; `ledger-2`: before the second release's fields (a line's
    /// kind in `lines`, and house, replacement, delivery, response, made by, money and last
    /// activity in each timeline state); `ledger-3`: before `late_funding`, when a backdated
    /// `funded` event rewrote every later timeline entry of its line; `ledger-4` (release 0.1.0):
    /// before `ids` kept only an event's seq and 16 bytes of its content digest; `ledger-5`:
    /// before a line's events and timeline were kept side by side in `line_index`, when they were
    /// the databases `line_events` and `timeline` (which the upgrade deletes); `ledger-6`: before
    /// a line's late funding sums joined them there, when they were the database `late_funding`
    /// (which the upgrade deletes).
    static let upgradableFormats: [[UInt8]] = ["ledger-1", "ledger-2", "ledger-3", "ledger-4", "ledger-5", "ledger-6"].map { Array($0.utf8) }

    let environment: Environment
    let layout: StoreLayout
    /// The directory holding the LMDB environment.
    public let path: String

    /// Opens the ledger in directory `path`, creating it unless read-only.
    public init(path: String, options: Options = Options()) throws {
        var environmentOptions = Environment.Options()
        // The limit is the limit: a first map larger than it (64 MiB by default) would let the
        // store grow past a smaller limit before any append was refused.
        environmentOptions.mapSize = min(options.mapSize, options.maximumMapSize)
        environmentOptions.maximumMapSize = options.maximumMapSize
        environmentOptions.readOnly = options.readOnly
        do {
            environment = try Environment(path: path, options: environmentOptions)
            if options.readOnly {
                // An earlier format may lack a database of this one: say so before opening them.
                try Self.refuseEarlierFormat(environment, path: path)
            }
            layout = StoreLayout(try environment.openDatabases(StoreLayout.names))
        } catch let error as LMDBError {
            throw StoreError(error)
        }
        self.path = path
        try checkFormat(writable: !options.readOnly)
    }

    /// Throws `unsupported_format`, saying how to upgrade, when the store is of an earlier format.
    private static func refuseEarlierFormat(_ environment: Environment, path: String) throws {
        guard let meta = try? environment.openDatabases(["meta"]).first,
              let found = try environment.read({ txn in try txn.get(meta, Array("format".utf8)) }),
              upgradableFormats.contains(found)
        else { return }
        throw earlierFormat(found, path: path)
    }

    private static func earlierFormat(_ found: [UInt8], path: String) -> StoreError {
        StoreError(
            .unsupportedFormat,
            "\(path) holds a store of the earlier format \(String(decoding: found, as: UTF8.self)): open it once for writing (start ledgerd on it, or run ledger rebuild --db \(path)) to upgrade it"
        )
    }

    private func checkFormat(writable: Bool) throws {
        let found = try read { txn in try txn.get(layout.meta, Array("format".utf8)) }
        if let found, Self.upgradableFormats.contains(found) {
            guard writable else { throw Self.earlierFormat(found, path: path) }
            _ = try rebuildProjections()
            try write { txn in
                for name in StoreLayout.retiredNames { try txn.deleteDatabase(named: name) }
                try txn.put(layout.meta, Array("format".utf8), Self.formatVersion)
            }
        } else if let found {
            guard found == Self.formatVersion else {
                throw StoreError(.unsupportedFormat, "\(path) holds a store of format \(String(decoding: found, as: UTF8.self))")
            }
        } else if writable {
            try write { txn in try txn.put(layout.meta, Array("format".utf8), Self.formatVersion) }
        }
    }

    /// Runs `body` in a read transaction, translating LMDB failures.
    func read<Result>(_ body: (borrowing Transaction) throws -> Result) throws -> Result {
        do {
            return try environment.read(body)
        } catch let error as LMDBError {
            throw StoreError(error)
        }
    }

    /// Runs `body` in a write transaction, translating LMDB failures.
    func write<Result>(_ body: (borrowing Transaction) throws -> Result) throws -> Result {
        do {
            return try environment.write(body)
        } catch let error as LMDBError {
            throw StoreError(error)
        }
    }

    /// The newest event's seq, hash and recorded time.
    public func head() throws -> ChainHead {
        try read { txn in try Self.head(txn, layout) }
    }

    static func head(_ txn: borrowing Transaction, _ layout: StoreLayout) throws -> ChainHead {
        guard let bytes = try txn.get(layout.meta, ChainHead.key) else { return .empty }
        return try ChainHead(bytes: bytes)
    }

    /// One stored event with its chain hash and canonical bytes.
    struct Entry {
        var event: StoredEvent
        var hash: [UInt8]
        var canonical: [UInt8]
    }

    static func storedEvent(seq: UInt64, _ txn: borrowing Transaction, _ layout: StoreLayout) throws -> Entry {
        guard let value = try txn.get(layout.events, StoreKeys.seq(seq)) else {
            throw StoreError.corrupted("event \(seq) is missing from the log")
        }
        return try entry(value, seq: seq)
    }

    static func entry(_ value: [UInt8], seq: UInt64) throws -> Entry {
        guard value.count > 32 else { throw StoreError.corrupted("event \(seq) is damaged") }
        let canonical = Array(value[32...])
        let stored: StoredEvent
        do {
            stored = try EventRecord.decode(canonical)
        } catch {
            throw StoreError.corrupted("event \(seq) does not decode: \(error)")
        }
        return Entry(event: stored, hash: Array(value[0..<32]), canonical: canonical)
    }

    /// Bytes of the LMDB map in use.
    public func storeBytes() throws -> Int {
        do {
            return try environment.usedBytes()
        } catch {
            throw StoreError(error)
        }
    }

    /// Writes a consistent, compacted copy of the store into the empty directory `directory`.
    public func backup(to directory: String) throws {
        do {
            try environment.copy(to: directory, compact: true)
        } catch {
            throw StoreError(error)
        }
    }
}
