import LMDB
import LedgerCore

/// What the `ids` database holds for an event id.
struct IDRecord {
    var seq: UInt64
    var contentDigest: [UInt8]
    var type: EventType
    var line: String

    var bytes: [UInt8] {
        var out = BigEndian.bytes(seq)
        out += contentDigest
        out += Array(type.rawValue.utf8)
        out.append(0)
        out += Array(line.utf8)
        return out
    }

    init(seq: UInt64, contentDigest: [UInt8], type: EventType, line: String) {
        self.seq = seq
        self.contentDigest = contentDigest
        self.type = type
        self.line = line
    }

    init(bytes: [UInt8]) throws(StoreError) {
        guard bytes.count > 41, let seq = BigEndian.uint64(bytes) else { throw .corrupted("an id record is damaged") }
        let rest = bytes[40...]
        guard let separator = rest.firstIndex(of: 0),
              let type = EventType(rawValue: String(decoding: rest[..<separator], as: UTF8.self))
        else { throw .corrupted("an id record is damaged") }
        self.seq = seq
        self.contentDigest = Array(bytes[8..<40])
        self.type = type
        self.line = String(decoding: rest[(separator + 1)...], as: UTF8.self)
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
