import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure reported by LMDB, with a stable code and LMDB's own message.
public struct LMDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure callers act on differently.
    public enum Code: String, Sendable {
        /// The map is full and cannot grow further (`MDB_MAP_FULL` at the size limit).
        case mapFull = "map_full"
        /// The disk itself is full (`ENOSPC`, `EDQUOT`, `EFBIG`, or a short write on a full file system).
        case diskFull = "disk_full"
        /// A key that must be new already exists (`MDB_KEYEXIST`).
        case keyExists = "key_exists"
        /// The environment is damaged or of another version.
        case corrupted = "corrupted"
        /// The reader table is full.
        case readersFull = "readers_full"
        /// The file system refused access.
        case permissionDenied = "permission_denied"
        /// Any other failure.
        case other = "other"
    }

    /// What kind of failure this is.
    public let code: Code
    /// The raw status LMDB (or the OS) returned.
    public let status: Int32
    /// What the ledger was doing when it failed.
    public let context: String

    /// Wraps a non-zero LMDB return code.
    public init(status: Int32, context: String) {
        self.status = status
        self.context = context
        switch status {
        case MDB_MAP_FULL: code = .mapFull
        case MDB_KEYEXIST: code = .keyExists
        case MDB_CORRUPTED, MDB_PANIC, MDB_VERSION_MISMATCH, MDB_INVALID, MDB_PAGE_NOTFOUND: code = .corrupted
        case MDB_READERS_FULL: code = .readersFull
        case ENOSPC, EDQUOT, EFBIG: code = .diskFull
        case EACCES, EPERM, EROFS: code = .permissionDenied
        default: code = .other
        }
    }

    /// Builds an error of a given code with a message of the ledger's own.
    public init(code: Code, context: String) {
        self.init(code: code, status: 0, context: context)
    }

    /// Builds an error whose kind the ledger has worked out itself, keeping the raw status.
    init(code: Code, status: Int32, context: String) {
        self.code = code
        self.status = status
        self.context = context
    }

    /// The human message: the context and LMDB's text for the status.
    public var description: String {
        guard status != 0, let text = mdb_strerror(status) else { return context }
        return "\(context): \(String(cString: text))"
    }

    /// Throws when `status` is not `MDB_SUCCESS`.
    @inline(__always)
    static func check(_ status: Int32, _ context: @autoclosure () -> String) throws(LMDBError) {
        if status != MDB_SUCCESS {
            throw LMDBError(status: status, context: context())
        }
    }
}
