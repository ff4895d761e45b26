import LMDB
import LedgerCore

/// What the line index (`line_index`) holds for one event of a line: enough to tell, without reading
/// the event itself, whether it counts as known at a cut-off and, for `funded`, what it adds.
///
/// Layout (since store format `ledger-5`): a flag byte (1: retracted, 2: a late `funded` event, counted
/// in the late funding sums rather than the timeline), the event type's code (one byte,
/// `LineEventRecord.code(of:)`), the recorded time in ms, then the retracting correction's
/// recorded time only when retracted, and the amount only for `funded`; each number a zigzag
/// varint (`ByteWriter`). An event costs 9 to 15 bytes here instead of 33.
struct LineEventRecord: Equatable {
    var recorded: Timestamp
    /// When the correction that retracts the event was recorded, if one does.
    var retractedAt: Timestamp?
    /// The amount of a `funded` event.
    var fundedAmount: Pence?
    var type: EventType
    /// A `funded` event dated before an event appended earlier to its line: its amount is in
    /// the late funding sums, and the timeline leaves it out (`LateFunding`).
    var isLate = false

    /// The one-byte code of each event type: a code once given is never reused or changed; a
    /// new type takes the next (the switch makes the compiler ask for it).
    static func code(of type: EventType) -> UInt8 {
        switch type {
        case .announced: 0
        case .funded: 1
        case .amended: 2
        case .legislated: 3
        case .slipped: 4
        case .delivered: 5
        case .withdrawn: 6
        case .responded: 7
        case .progress: 8
        case .corrected: 9
        }
    }

    /// The types by their code.
    static let typesByCode: [EventType] = EventType.allCases.sorted { code(of: $0) < code(of: $1) }

    init(recorded: Timestamp, retractedAt: Timestamp? = nil, fundedAmount: Pence? = nil, type: EventType) {
        self.recorded = recorded
        self.retractedAt = retractedAt
        self.fundedAmount = fundedAmount
        self.type = type
    }

    /// The record of a stored event, not retracted.
    init(_ stored: StoredEvent, isLate: Bool = false) {
        var amount: Pence?
        if case .funded(let funded) = stored.event.body { amount = funded }
        self.init(recorded: stored.recorded, fundedAmount: amount, type: stored.event.type)
        self.isLate = isLate
    }

    /// Reads a record, from an array or in place in the map.
    init<Bytes: RandomAccessCollection<UInt8>>(bytes: Bytes) throws(StoreError) where Bytes.Index == Int {
        var reader = ByteReader(bytes)
        let flags = try reader.byte()
        let code = Int(try reader.byte())
        guard flags & ~3 == 0, code < Self.typesByCode.count else { throw .corrupted("a line event record is damaged") }
        let type = Self.typesByCode[code]
        self.type = type
        self.isLate = flags & 2 == 2
        self.recorded = Timestamp(millisecondsSinceEpoch: try reader.int64())
        self.retractedAt = flags & 1 == 1 ? Timestamp(millisecondsSinceEpoch: try reader.int64()) : nil
        self.fundedAmount = type == .funded ? Pence(try reader.int64()) : nil
        guard reader.isAtEnd else { throw .corrupted("a line event record is damaged") }
    }

    var bytes: [UInt8] {
        var writer = ByteWriter(capacity: 24)
        writer.append((retractedAt == nil ? 0 : 1) | (isLate ? 2 : 0) as UInt8)
        writer.append(Self.code(of: type))
        writer.append(recorded.millisecondsSinceEpoch)
        if let retractedAt { writer.append(retractedAt.millisecondsSinceEpoch) }
        if type == .funded { writer.append(fundedAmount?.value ?? 0) }
        return writer.bytes
    }

    /// Whether the event counts in a state known at `cutoff` (nil: as known now): recorded by
    /// then, and not retracted by a correction recorded by then.
    func counts(knownAt cutoff: Timestamp?) -> Bool {
        guard let cutoff else { return retractedAt == nil }
        guard recorded <= cutoff else { return false }
        guard let retractedAt else { return true }
        return retractedAt > cutoff
    }
}
