import LMDB
import LedgerCore

/// All the events of one line, with those retracted, as read from the store.
struct LineHistory {
    var events: [StoredEvent] = []
    /// Ids of retracted events, each with the recorded time of the correction that retracts it.
    var retractedAt: [String: Timestamp] = [:]

    var retracted: Set<String> { Set(retractedAt.keys) }
    /// Ids of late `funded` events, whose amounts are in the late funding sums (`LateFunding`).
    var late: Set<String> = []

    /// Reads every event of `line`, or only those dated from `from` on.
    static func load(_ line: String, from: CivilDate? = nil, _ txn: borrowing Transaction, _ layout: StoreLayout) throws -> LineHistory {
        var history = LineHistory()
        let prefix = StoreKeys.lineEventsPrefix(line)
        var seqs: [(seq: UInt64, isLate: Bool)] = []
        try txn.withCursor(layout.lineIndex) { cursor in
            var entry = try cursor.seek(atOrAfter: from.map { StoreKeys.lineEvents(line, from: $0) } ?? prefix)
            while let current = entry, StoreKeys.hasPrefix(current.key, prefix) {
                if let seq = StoreKeys.seq(fromLineEventKey: current.key, line: line) {
                    seqs.append((seq, try LineEventRecord(bytes: current.value).isLate))
                }
                entry = try cursor.next()
            }
        }
        for (seq, isLate) in seqs {
            let stored = try EventLog.storedEvent(seq: seq, txn, layout)
            history.events.append(stored.event)
            if isLate { history.late.insert(stored.event.event.id) }
            if let retraction = try txn.get(layout.retractions, StoreKeys.seq(seq)),
               let millis = BigEndian.uint64(retraction, at: 8) {
                history.retractedAt[stored.event.event.id] = Timestamp(millisecondsSinceEpoch: Int64(bitPattern: millis))
            }
        }
        return history
    }
}
