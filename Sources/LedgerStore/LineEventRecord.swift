import LMDB
import LedgerCore

/// What the `line_events` index holds for one event of a line: enough to tell, without reading
/// the event itself, whether it counts as known at a cut-off and, for `funded`, what it adds.
///
/// Layout: recorded (8 bytes, big-endian ms), a flag byte (1: retracted, 2: a late `funded`
/// event, counted in `late_funding` rather than the timeline), the retracting correction's
/// recorded time (8 bytes, 0 when not retracted), the funded amount (8 bytes, 0 for other types),
/// then the event type's name.
struct LineEventRecord: Equatable {
    var recorded: Timestamp
    /// When the correction that retracts the event was recorded, if one does.
    var retractedAt: Timestamp?
    /// The amount of a `funded` event.
    var fundedAmount: Pence?
    var type: EventType
    /// A `funded` event dated before an event appended earlier to its line: its amount is in
    /// `late_funding`, and the timeline leaves it out (`LateFunding`).
    var isLate = false

    static let headerLength = 25

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

    init(bytes: [UInt8]) throws(StoreError) {
        guard bytes.count > Self.headerLength,
              let recorded = BigEndian.uint64(bytes),
              let retractedAt = BigEndian.uint64(bytes, at: 9),
              let amount = BigEndian.uint64(bytes, at: 17),
              let type = EventType(rawValue: String(decoding: bytes[Self.headerLength...], as: UTF8.self))
        else { throw .corrupted("a line event record is damaged") }
        self.recorded = Timestamp(millisecondsSinceEpoch: Int64(bitPattern: recorded))
        self.retractedAt = bytes[8] & 1 == 1 ? Timestamp(millisecondsSinceEpoch: Int64(bitPattern: retractedAt)) : nil
        self.fundedAmount = type == .funded ? Pence(Int64(bitPattern: amount)) : nil
        self.type = type
        self.isLate = bytes[8] & 2 == 2
    }

    var bytes: [UInt8] {
        let name = type.rawValue.utf8
        var out: [UInt8] = []
        out.reserveCapacity(Self.headerLength + name.count)
        BigEndian.append(UInt64(bitPattern: recorded.millisecondsSinceEpoch), to: &out)
        out.append((retractedAt == nil ? 0 : 1) | (isLate ? 2 : 0))
        BigEndian.append(UInt64(bitPattern: retractedAt?.millisecondsSinceEpoch ?? 0), to: &out)
        BigEndian.append(UInt64(bitPattern: fundedAmount?.value ?? 0), to: &out)
        out.append(contentsOf: name)
        return out
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
