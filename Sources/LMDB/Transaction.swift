import CLMDB

/// A read or write transaction, alive only inside `Environment.read` or `Environment.write`.
///
/// It is `~Copyable` and handed out `borrowing`, so it cannot escape its scope;
/// one that is never committed is aborted when it goes away.
public struct Transaction: ~Copyable {
    let handle: OpaquePointer
    /// Whether this transaction may write.
    public let isWritable: Bool
    private var isFinished = false

    init(environment: OpaquePointer, parent: OpaquePointer? = nil, writable: Bool) throws(LMDBError) {
        var txn: OpaquePointer?
        let flags: UInt32 = writable ? 0 : UInt32(MDB_RDONLY)
        try LMDBError.check(mdb_txn_begin(environment, parent, flags, &txn), "begin transaction")
        guard let txn else { throw LMDBError(code: .other, context: "begin transaction returned no handle") }
        handle = txn
        isWritable = writable
    }

    deinit {
        if !isFinished { mdb_txn_abort(handle) }
    }

    /// Commits; the handle is freed whether or not the commit succeeds.
    mutating func commit() throws(LMDBError) {
        isFinished = true
        try LMDBError.check(mdb_txn_commit(handle), "commit")
    }

    /// Runs `body` in a transaction nested in this write transaction: what it writes becomes
    /// part of this one when it returns, and is undone alone when it throws.
    public func nested<Result>(_ body: (borrowing Transaction) throws -> Result) throws -> Result {
        var child = try Transaction(environment: mdb_txn_env(handle), parent: handle, writable: true)
        let result = try body(child)
        try child.commit()
        return result
    }

    /// The value stored under `key`, copied out, or nil when there is none.
    public func get(_ database: Database, _ key: [UInt8]) throws(LMDBError) -> [UInt8]? {
        var result: [UInt8]?
        let status: Int32 = key.withUnsafeBytes { keyBytes in
            var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var mdbValue = MDB_val()
            let status = mdb_get(handle, database.handle, &mdbKey, &mdbValue)
            if status == MDB_SUCCESS {
                result = Self.copy(mdbValue)
            }
            return status
        }
        if status == MDB_NOTFOUND { return nil }
        try LMDBError.check(status, "read \(database.name)")
        return result
    }

    /// Whether `key` is present.
    public func contains(_ database: Database, _ key: [UInt8]) throws(LMDBError) -> Bool {
        try get(database, key) != nil
    }

    /// Stores `value` under `key`, replacing what was there.
    ///
    /// `append` asserts the key sorts after every key present (LMDB's `MDB_APPEND`), which
    /// makes sequential loads fast.
    public func put(_ database: Database, _ key: [UInt8], _ value: [UInt8], append: Bool = false) throws(LMDBError) {
        let flags: UInt32 = append ? UInt32(MDB_APPEND) : 0
        let status: Int32 = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var mdbValue = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_put(handle, database.handle, &mdbKey, &mdbValue, flags)
            }
        }
        try LMDBError.check(status, "write \(database.name)")
    }

    /// Stores a value of `count` bytes under `key`, written in place by `fill` (LMDB's
    /// `MDB_RESERVE`), so the value is never assembled in a buffer of its own first.
    public func put(
        _ database: Database, _ key: [UInt8], reserving count: Int, append: Bool = false,
        _ fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws(LMDBError) {
        let flags = UInt32(MDB_RESERVE) | (append ? UInt32(MDB_APPEND) : 0)
        let status: Int32 = key.withUnsafeBytes { keyBytes in
            var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var mdbValue = MDB_val(mv_size: count, mv_data: nil)
            let status = mdb_put(handle, database.handle, &mdbKey, &mdbValue, flags)
            if status == MDB_SUCCESS {
                fill(UnsafeMutableRawBufferPointer(start: mdbValue.mv_data, count: count))
            }
            return status
        }
        try LMDBError.check(status, "write \(database.name)")
    }

    /// Deletes every entry of `database`, keeping the database itself.
    public func empty(_ database: Database) throws(LMDBError) {
        try LMDBError.check(mdb_drop(handle, database.handle, 0), "empty \(database.name)")
    }

    /// Deletes the database `name`, entries and all, when there is one; returns whether there was.
    @discardableResult
    public func deleteDatabase(named name: String) throws(LMDBError) -> Bool {
        var dbi: MDB_dbi = 0
        let status = mdb_dbi_open(handle, name, 0, &dbi)
        if status == MDB_NOTFOUND { return false }
        try LMDBError.check(status, "open database \(name)")
        try LMDBError.check(mdb_drop(handle, dbi, 1), "delete database \(name)")
        return true
    }

    /// The names of the environment's named databases, in key order (they are the keys of LMDB's main database).
    public func databaseNames() throws(LMDBError) -> [String] {
        var dbi: MDB_dbi = 0
        try LMDBError.check(mdb_dbi_open(handle, nil, 0, &dbi), "open the main database")
        var cursor = try Cursor(transaction: handle, database: Database(handle: dbi, name: "main"))
        var names: [String] = []
        var entry = try cursor.first()
        while let current = entry {
            names.append(String(decoding: current.key, as: UTF8.self))
            entry = try cursor.next()
        }
        return names
    }

    /// Removes `key`; returns whether it was there.
    @discardableResult
    public func delete(_ database: Database, _ key: [UInt8]) throws(LMDBError) -> Bool {
        let status: Int32 = key.withUnsafeBytes { keyBytes in
            var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(handle, database.handle, &mdbKey, nil)
        }
        if status == MDB_NOTFOUND { return false }
        try LMDBError.check(status, "delete from \(database.name)")
        return true
    }

    /// The number of entries in `database`.
    public func count(_ database: Database) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try LMDBError.check(mdb_stat(handle, database.handle, &stat), "stat \(database.name)")
        return stat.ms_entries
    }

    /// Runs `body` with a cursor over `database`, closed when `body` returns.
    public func withCursor<Result>(
        _ database: Database,
        _ body: (inout Cursor) throws -> Result
    ) throws -> Result {
        var cursor = try Cursor(transaction: handle, database: database)
        return try body(&cursor)
    }

    static func copy(_ value: MDB_val) -> [UInt8] {
        guard let data = value.mv_data, value.mv_size > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: data, count: value.mv_size))
    }
}
