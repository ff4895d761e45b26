import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open LMDB environment: one directory holding `data.mdb` and `lock.mdb`.
///
/// Read transactions use `MDB_NOTLS`, so they may run on any thread. Writes must come from
/// one writer at a time; the map grows on `MDB_MAP_FULL` up to `Options.maximumMapSize`.
public final class Environment: @unchecked Sendable {
    // @unchecked: the handle is only used through LMDB calls that are thread-safe with
    // MDB_NOTLS; the map size changes only under `resizeLock` held alone, with no transaction active.

    /// How an environment is opened.
    public struct Options: Sendable {
        /// The initial map size in bytes.
        public var mapSize: Int = 64 << 20
        /// The largest the map may grow to; beyond it writes fail with `mapFull`.
        public var maximumMapSize: Int = 64 << 30
        /// The most named databases the environment may hold.
        public var maximumDatabases: UInt32 = 16
        /// The most concurrent read transactions.
        public var maximumReaders: UInt32 = 256
        /// Open read-only: no writes, no file creation.
        public var readOnly = false
        /// File mode for newly created files.
        public var fileMode: mode_t = 0o644

        /// The defaults.
        public init() {}
    }

    private let handle: OpaquePointer
    /// The directory the environment lives in.
    public let path: String
    /// The options it was opened with.
    public let options: Options
    private var currentMapSize: Int
    private var databases: [String: Database] = [:]
    private let resizeLock = ResizeLock()
    /// Touched only inside write transactions, which LMDB's writer lock keeps to one at a time.
    private var pageCacheShape = PageCacheShape()

    /// Opens (creating if needed) the environment in directory `path`, and clears stale readers.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        self.path = path
        self.options = options
        if !options.readOnly {
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw LMDBError(status: errno, context: "create directory \(path)")
            }
        }
        var env: OpaquePointer?
        try LMDBError.check(mdb_env_create(&env), "create environment")
        guard let env else { throw LMDBError(code: .other, context: "create environment returned no handle") }
        do {
            try LMDBError.check(mdb_env_set_maxdbs(env, options.maximumDatabases), "set database limit")
            try LMDBError.check(mdb_env_set_maxreaders(env, options.maximumReaders), "set reader limit")
            try LMDBError.check(mdb_env_set_mapsize(env, options.mapSize), "set map size")
            // MDB_NORDAHEAD: a page read through the map comes in alone (PageCacheShape).
            var flags = UInt32(MDB_NOTLS) | UInt32(MDB_NORDAHEAD)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            try LMDBError.check(mdb_env_open(env, path, flags, options.fileMode), "open \(path)")
            var info = MDB_envinfo()
            try LMDBError.check(mdb_env_info(env, &info), "read environment info")
            var deadReaders: Int32 = 0
            try LMDBError.check(mdb_reader_check(env, &deadReaders), "clear stale readers")
            currentMapSize = max(info.me_mapsize, options.mapSize)
        } catch {
            mdb_env_close(env)
            throw error
        }
        handle = env
    }

    deinit {
        mdb_env_close(handle)
    }

    /// The current size of the map in bytes.
    public var mapSize: Int { resizeLock.shared { currentMapSize } }

    /// Opens the named databases, creating those that are missing unless read-only.
    public func openDatabases(_ names: [String]) throws -> [Database] {
        let create = !options.readOnly
        let opened: [Database] = try transaction(writable: create) { txn in
            var result: [Database] = []
            for name in names {
                var dbi: MDB_dbi = 0
                let flags: UInt32 = create ? UInt32(MDB_CREATE) : 0
                try LMDBError.check(mdb_dbi_open(txn.handle, name, flags, &dbi), "open database \(name)")
                result.append(Database(handle: dbi, name: name))
            }
            return result
        }
        for database in opened { databases[database.name] = database }
        return opened
    }

    /// Runs `body` in a read transaction.
    public func read<Result>(_ body: (borrowing Transaction) throws -> Result) throws -> Result {
        try transaction(writable: false, body)
    }

    /// Runs `body` in a write transaction that commits when it returns and aborts when it throws.
    ///
    /// On `MDB_MAP_FULL` the transaction is aborted, the map doubled (up to the maximum)
    /// and `body` run again from the start, so `body` must only depend on what it reads.
    public func write<Result>(_ body: (borrowing Transaction) throws -> Result) throws -> Result {
        while true {
            do {
                return try transaction(writable: true, body)
            } catch let error as LMDBError where error.code == .mapFull {
                try grow(after: error)
            } catch let error as LMDBError where error.status == EIO && isFileSystemFull() {
                // LMDB reports a short write of its pages as EIO ("short write, filesystem full?"):
                // on a file system with no room left, that is the disk filling up, not a failing disk.
                throw LMDBError(code: .diskFull, status: ENOSPC, context: "\(error.context) (a short write)")
            }
        }
    }

    /// Whether the file system holding the environment has less room left than one commit may
    /// write at once: LMDB writes at most 64 pages per call, more only for a value of its own
    /// pages, and the ledger's values stay under a few MiB.
    private func isFileSystemFull() -> Bool {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return false }
        // Root may use the blocks a file system keeps back for it; others may not.
        let blocks = geteuid() == 0 ? info.f_bfree : info.f_bavail
        return Int(blocks) * Int(info.f_frsize) < 4 << 20
    }

    private func transaction<Result>(
        writable: Bool,
        _ body: (borrowing Transaction) throws -> Result
    ) throws -> Result {
        while true {
            do {
                return try resizeLock.shared {
                    var txn = try Transaction(environment: handle, writable: writable)
                    if writable { extendFileAhead() }
                    let result = try body(txn)
                    try txn.commit()
                    return result
                }
            } catch let error as LMDBError where error.status == MDB_MAP_RESIZED {
                // Another process grew the map: adopt its size and begin again.
                try resizeLock.exclusive {
                    try LMDBError.check(mdb_env_set_mapsize(handle, 0), "adopt the grown map")
                    var info = MDB_envinfo()
                    try LMDBError.check(mdb_env_info(handle, &info), "read environment info")
                    currentMapSize = info.me_mapsize
                }
            }
        }
    }

    /// Called at the start of a write transaction, with LMDB's writer lock held (PageCacheShape).
    private func extendFileAhead() {
        var descriptor: Int32 = -1
        var info = MDB_envinfo()
        var stat = MDB_stat()
        guard mdb_env_get_fd(handle, &descriptor) == 0, mdb_env_info(handle, &info) == 0, mdb_env_stat(handle, &stat) == 0 else {
            return
        }
        let pageSize = Int(stat.ms_psize)
        pageCacheShape.extend(
            descriptor: descriptor, usedBytes: (info.me_last_pgno + 1) * pageSize, pageSize: pageSize, mapSize: info.me_mapsize
        )
    }

    private func grow(after error: LMDBError) throws {
        try resizeLock.exclusive {
            guard currentMapSize < options.maximumMapSize else {
                throw LMDBError(
                    code: .mapFull,
                    context: "the store has reached its size limit of \(options.maximumMapSize >> 20) MiB (\(options.maximumMapSize) bytes)"
                )
            }
            let next = min(currentMapSize * 2, options.maximumMapSize)
            try LMDBError.check(mdb_env_set_mapsize(handle, next), "grow map to \(next) bytes")
            currentMapSize = next
        }
    }

    /// Writes a consistent copy of the environment into the empty directory `path`.
    ///
    /// `compact` leaves free pages out and renumbers the rest (`MDB_CP_COMPACT`).
    public func copy(to path: String, compact: Bool = true) throws(LMDBError) {
        let flags: UInt32 = compact ? UInt32(MDB_CP_COMPACT) : 0
        try LMDBError.check(mdb_env_copy2(handle, path, flags), "copy to \(path)")
    }

    /// Bytes of the map in use: pages used so far times the page size.
    public func usedBytes() throws(LMDBError) -> Int {
        var info = MDB_envinfo()
        try LMDBError.check(mdb_env_info(handle, &info), "read environment info")
        var stat = MDB_stat()
        try LMDBError.check(mdb_env_stat(handle, &stat), "read environment stat")
        return (info.me_last_pgno + 1) * Int(stat.ms_psize)
    }
}
