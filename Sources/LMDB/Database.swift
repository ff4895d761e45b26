import CLMDB

/// A named database inside an environment (an LMDB `MDB_dbi`).
public struct Database: Sendable, Hashable {
    let handle: MDB_dbi
    /// The name it was opened with.
    public let name: String
}
