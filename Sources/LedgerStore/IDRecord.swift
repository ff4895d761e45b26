import LMDB
import LedgerCore

/// What the `ids` database holds for an event id: its seq and the first 16 bytes of the SHA-256
/// of its content, which tell a re-sent event from a different one under the same id. Its line
/// and type are read from the event itself when a correction needs them.
struct IDRecord {
    /// How many bytes of the content digest are kept: 128 bits, far beyond a chance collision.
    static let digestBytes = 16

    var seq: UInt64
    var contentDigest: [UInt8]

    /// The part of a content digest the store keeps and compares.
    static func stored(_ contentDigest: [UInt8]) -> [UInt8] { Array(contentDigest.prefix(digestBytes)) }

    var bytes: [UInt8] { BigEndian.bytes(seq) + contentDigest }

    init(seq: UInt64, contentDigest: [UInt8]) {
        self.seq = seq
        self.contentDigest = Self.stored(contentDigest)
    }

    init(bytes: [UInt8]) throws(StoreError) {
        guard bytes.count == 8 + Self.digestBytes, let seq = BigEndian.uint64(bytes) else { throw .corrupted("an id record is damaged") }
        self.seq = seq
        self.contentDigest = Array(bytes[8...])
    }
}

/// What the `lines` database holds for an announced line.
struct LineRecord {
    var department: String
    var announcedOn: CivilDate
    var kind: CommitmentKind

    var bytes: [UInt8] {
        var writer = ByteWriter()
        writer.append(department)
        writer.append(Int64(announcedOn.daysSinceEpoch))
        writer.append(kind.rawValue)
        return writer.bytes
    }

    init(department: String, announcedOn: CivilDate, kind: CommitmentKind) {
        self.department = department
        self.announcedOn = announcedOn
        self.kind = kind
    }

    init(bytes: [UInt8]) throws(StoreError) {
        var reader = ByteReader(bytes)
        department = try reader.string()
        announcedOn = CivilDate(daysSinceEpoch: Int(try reader.int64()))
        let kindName = try reader.string()
        guard let kind = CommitmentKind(rawValue: kindName) else {
            throw StoreError.corrupted("a line record names the unknown kind \(kindName)")
        }
        self.kind = kind
    }
}
