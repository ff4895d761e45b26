import LMDB
import LedgerCore

/// The newest event of the log: its seq, chain hash and recorded time.
public struct ChainHead: Sendable, Hashable {
    /// The last seq; 0 for an empty ledger.
    public var seq: UInt64
    /// The chain hash of that event (32 zero bytes for an empty ledger).
    public var hash: [UInt8]
    /// When it was recorded.
    public var recorded: Timestamp

    /// The head of an empty ledger.
    public static let empty = ChainHead(seq: 0, hash: EventRecord.genesisHash, recorded: Timestamp(millisecondsSinceEpoch: 0))

    /// A head with the given fields.
    public init(seq: UInt64, hash: [UInt8], recorded: Timestamp) {
        self.seq = seq
        self.hash = hash
        self.recorded = recorded
    }

    static let key = Array("head".utf8)

    var bytes: [UInt8] {
        var out = BigEndian.bytes(seq)
        out += hash
        BigEndian.append(UInt64(bitPattern: recorded.millisecondsSinceEpoch), to: &out)
        return out
    }

    init(bytes: [UInt8]) throws(StoreError) {
        guard bytes.count == 48, let seq = BigEndian.uint64(bytes), let recorded = BigEndian.uint64(bytes, at: 40) else {
            throw .corrupted("the head record is damaged")
        }
        self.seq = seq
        self.hash = Array(bytes[8..<40])
        self.recorded = Timestamp(millisecondsSinceEpoch: Int64(bitPattern: recorded))
    }
}
