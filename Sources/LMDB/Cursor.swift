import CLMDB

#if canImport(Glibc)
import Glibc
#endif

/// A position in a database, for ordered scans; alive only inside `Transaction.withCursor`.
public struct Cursor: ~Copyable {
    private let handle: OpaquePointer
    private let database: Database

    init(transaction: OpaquePointer, database: Database) throws(LMDBError) {
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(transaction, database.handle, &cursor), "open cursor on \(database.name)")
        guard let cursor else { throw LMDBError(code: .other, context: "open cursor returned no handle") }
        handle = cursor
        self.database = database
    }

    deinit {
        mdb_cursor_close(handle)
    }

    /// One entry: its key and value, copied out of the map.
    public typealias Entry = (key: [UInt8], value: [UInt8])

    /// The first entry whose key is at or after `key`.
    public mutating func seek(atOrAfter key: [UInt8]) throws(LMDBError) -> Entry? {
        // LMDB refuses an empty key; every key sorts at or after it, so start at the first.
        if key.isEmpty { return try first() }
        var result: Entry?
        let status: Int32 = key.withUnsafeBytes { keyBytes in
            var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var mdbValue = MDB_val()
            let status = mdb_cursor_get(handle, &mdbKey, &mdbValue, MDB_SET_RANGE)
            if status == MDB_SUCCESS {
                result = (Transaction.copy(mdbKey), Transaction.copy(mdbValue))
            }
            return status
        }
        if status == MDB_NOTFOUND { return nil }
        try LMDBError.check(status, "seek in \(database.name)")
        return result
    }

    /// The last entry whose key is at or before `key`.
    public mutating func seek(atOrBefore key: [UInt8]) throws(LMDBError) -> Entry? {
        // Every key sorts after the empty one, which LMDB refuses.
        if key.isEmpty { return nil }
        // Usually the entry found at or after `key` is not the one wanted: look at its key in
        // place and copy only the entry returned.
        var exact = false
        let status: Int32 = key.withUnsafeBytes { keyBytes in
            var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var mdbValue = MDB_val()
            let status = mdb_cursor_get(handle, &mdbKey, &mdbValue, MDB_SET_RANGE)
            if status == MDB_SUCCESS, mdbKey.mv_size == keyBytes.count,
               let found = mdbKey.mv_data, let wanted = keyBytes.baseAddress {
                exact = memcmp(found, wanted, keyBytes.count) == 0
            }
            return status
        }
        if status == MDB_NOTFOUND { return try last() }
        try LMDBError.check(status, "seek in \(database.name)")
        return exact ? try move(MDB_GET_CURRENT) : try previous()
    }

    /// The last entry whose key sorts strictly before `key`.
    public mutating func seek(before key: [UInt8]) throws(LMDBError) -> Entry? {
        if try seek(atOrAfter: key) != nil { return try previous() }
        return try last()
    }

    /// The first entry of the database.
    public mutating func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    /// The last entry of the database.
    public mutating func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    /// The entry after the current one.
    public mutating func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    /// The entry before the current one.
    public mutating func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }

    /// Calls `body` with the key and value of each entry from the first at or after `key` on, in
    /// order and in place in the map (the bytes are valid only during the call), until `body`
    /// returns false or the database ends; nothing is copied. Returns whether `body` stopped it.
    @discardableResult
    public mutating func visit(
        from key: [UInt8], _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool
    ) throws(LMDBError) -> Bool {
        var mdbKey = MDB_val()
        var mdbValue = MDB_val()
        var status: Int32 = key.withUnsafeBytes { keyBytes in
            mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return key.isEmpty
                ? mdb_cursor_get(handle, &mdbKey, &mdbValue, MDB_FIRST)
                : mdb_cursor_get(handle, &mdbKey, &mdbValue, MDB_SET_RANGE)
        }
        while status == MDB_SUCCESS {
            let keyBytes = UnsafeRawBufferPointer(start: mdbKey.mv_data, count: mdbKey.mv_size)
            let valueBytes = UnsafeRawBufferPointer(start: mdbValue.mv_data, count: mdbValue.mv_size)
            if !body(keyBytes, valueBytes) { return true }
            status = mdb_cursor_get(handle, &mdbKey, &mdbValue, MDB_NEXT)
        }
        if status == MDB_NOTFOUND { return false }
        try LMDBError.check(status, "scan \(database.name)")
        return false
    }

    /// Deletes the entry under the cursor.
    public mutating func deleteCurrent() throws(LMDBError) {
        try LMDBError.check(mdb_cursor_del(handle, 0), "delete in \(database.name)")
    }

    /// Replaces the value of the entry under the cursor, whose key is `key`, leaving the cursor there.
    public mutating func replaceCurrent(key: [UInt8], value: [UInt8]) throws(LMDBError) {
        let status: Int32 = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var mdbKey = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var mdbValue = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_cursor_put(handle, &mdbKey, &mdbValue, UInt32(MDB_CURRENT))
            }
        }
        try LMDBError.check(status, "write \(database.name)")
    }

    private mutating func move(_ operation: MDB_cursor_op) throws(LMDBError) -> Entry? {
        var mdbKey = MDB_val()
        var mdbValue = MDB_val()
        let status = mdb_cursor_get(handle, &mdbKey, &mdbValue, operation)
        if status == MDB_NOTFOUND { return nil }
        try LMDBError.check(status, "scan \(database.name)")
        return (Transaction.copy(mdbKey), Transaction.copy(mdbValue))
    }
}
