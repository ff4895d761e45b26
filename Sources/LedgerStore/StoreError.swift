import LMDB
import LedgerCore

/// Why the store could not do what was asked, with a stable code for the wire and the CLI.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The stable codes.
    public enum Code: String, Sendable {
        /// The map reached its configured limit (or the disk is full): nothing was written.
        case storageFull = "storage_full"
        /// The store's bytes are not what the ledger wrote.
        case corrupted = "corrupted"
        /// The store was written by an incompatible version.
        case unsupportedFormat = "unsupported_format"
        /// The store could not be opened or read.
        case storage = "storage_error"
    }

    /// What kind of failure.
    public let code: Code
    /// What happened, for people.
    public let message: String

    /// An error with the given code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func corrupted(_ message: String) -> StoreError { StoreError(.corrupted, message) }

    /// Translates an LMDB failure.
    init(_ error: LMDBError) {
        switch error.code {
        case .mapFull:
            self.init(
                .storageFull,
                "storage is full: \(error); nothing was written and reads go on: restart ledgerd with a larger --max-store-mib to append again"
            )
        case .diskFull:
            self.init(
                .storageFull,
                "the disk is full: \(error); nothing was written and reads go on: free space on the disk holding the store and append again"
            )
        case .corrupted:
            self.init(.corrupted, "\(error)")
        default:
            self.init(.storage, "\(error)")
        }
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
