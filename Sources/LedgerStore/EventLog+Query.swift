import LMDB
import LedgerCore

/// One event of a line's history, with whether a correction retracts it.
public struct HistoryEntry: Sendable, Hashable {
    /// The event as stored.
    public var stored: StoredEvent
    /// Its chain hash.
    public var hash: [UInt8]
    /// Its canonical bytes as stored.
    public var canonical: [UInt8]
    /// The id of the correction that retracts it, if one does.
    public var retractedBy: String?

    /// An entry with the given fields.
    public init(stored: StoredEvent, hash: [UInt8], canonical: [UInt8], retractedBy: String?) {
        self.stored = stored
        self.hash = hash
        self.canonical = canonical
        self.retractedBy = retractedBy
    }
}

extension HistoryEntry {
    /// The stored event with its `hash` and `retracted_by` (null when it counts).
    public var json: JSONValue {
        guard case .object(var object)? = try? JSONParser.parse(canonical) else { return .null }
        object["hash"] = .string(Hex.string(hash))
        object["retracted_by"] = retractedBy.map(JSONValue.string) ?? .null
        return .object(object)
    }
}

extension EventLog {
    /// The state of every commitment at the end of `date` (docs/at.md), optionally for one
    /// department, and optionally as recorded by `knownAt` (`knownAtText` is echoed in the result).
    public func at(
        _ date: CivilDate,
        department: String? = nil,
        knownAt: Timestamp? = nil,
        knownAtText: String? = nil
    ) throws -> AtResult {
        try at(date, department: department, knownAt: knownAt, knownAtText: knownAtText, projectionsMayAnswer: true)
    }

    /// `at` with `knownAt`, always folded from the indexed events: what the projections must agree with.
    func atByFold(_ date: CivilDate, department: String? = nil, knownAt: Timestamp) throws -> AtResult {
        try at(date, department: department, knownAt: knownAt, knownAtText: nil, projectionsMayAnswer: false)
    }

    private func at(
        _ date: CivilDate, department: String?, knownAt: Timestamp?, knownAtText: String?, projectionsMayAnswer: Bool
    ) throws -> AtResult {
        try read { txn in
            // A cut-off at or after the newest event leaves nothing out: the projections answer it.
            let cutoff = try knownAt.flatMap { knownAt in
                try projectionsMayAnswer && knownAt >= Self.head(txn, layout).recorded ? nil : knownAt
            }
            // As known now, every line with a state is in `lines`, which lists each once in key
            // order: the cursors below then only move forward, and LMDB finds a key on the page
            // it is already on without descending the tree again.
            let lines = try department == nil && cutoff == nil ? announcedSlugs(txn) : lineSlugs(department: department, txn)
            var states: [LineState] = []
            states.reserveCapacity(lines.count)
            if let knownAt = cutoff {
                for line in lines {
                    if let state = try foldedState(line, at: date, knownAt: knownAt, fromProjection: projectionsMayAnswer, txn) {
                        states.append(state)
                    }
                }
            } else {
                try txn.withCursor(layout.lineIndex) { cursor in
                    try txn.withCursor(layout.lineIndex) { late in
                        for line in lines {
                            let state = try Self.timelineState(line, at: date, &cursor)
                            if let state = try LateFunding.including(state, through: date, &late) { states.append(state) }
                        }
                    }
                }
            }
            // A child is counted under its parent even when only one department is asked for.
            return AtReport.build(at: date, knownAt: knownAtText, states: states, department: department)
        }
    }

    /// Whether any line was ever announced in `department`: whether the ledger knows it at all.
    public func knowsDepartment(_ department: String) throws -> Bool {
        try read { txn in try !lineSlugs(department: department, txn).isEmpty }
    }

    /// Every line whose announcement stands, in key order.
    private func announcedSlugs(_ txn: borrowing Transaction) throws -> [String] {
        var slugs: [String] = []
        _ = try txn.withCursor(layout.lines) { cursor in
            try cursor.visit(from: []) { key, _ in
                slugs.append(String(decoding: key, as: UTF8.self))
                return true
            }
        }
        return slugs
    }

    /// Every line ever announced (in `department`, when given), each once, in department then slug order.
    private func lineSlugs(department: String?, _ txn: borrowing Transaction) throws -> [String] {
        var slugs: [String] = []
        // Within one department the index holds each slug once; across departments a line whose
        // announcement was retracted and made again elsewhere is listed under both.
        var seen = Set<String>()
        let prefix = department.map(StoreKeys.linePrefix) ?? []
        // The keys are read in place in the map.
        _ = try txn.withCursor(layout.departmentLines) { cursor in
            try cursor.visit(from: prefix) { key, _ in
                guard StoreKeys.hasPrefix(key, prefix, count: prefix.count) else { return false }
                if let separator = key.firstIndex(of: 0) {
                    let slug = String(decoding: UnsafeRawBufferPointer(rebasing: key[(separator + 1)...]), as: UTF8.self)
                    if department != nil || seen.insert(slug).inserted { slugs.append(slug) }
                }
                return true
            }
        }
        return slugs
    }

    /// The state of `line` at the end of `date` from only what was recorded by `knownAt`, read
    /// from the line's index entries up to `date`, never the whole log. When the events that count
    /// then and now differ only in `funded` ones (which commute with everything), it is the
    /// timeline's state with their amounts taken off or put back; otherwise the counted events
    /// are folded, reading only those that are not `funded`.
    private func foldedState(
        _ line: String, at date: CivilDate, knownAt: Timestamp, fromProjection: Bool, _ txn: borrowing Transaction
    ) throws -> LineState? {
        let prefix = StoreKeys.lineEventsPrefix(line)
        // Dates are compared as the keys' day numbers, and made dates only where one is used.
        let lastDay = StoreKeys.dayNumber(date)
        var counted: [(seq: UInt64, day: UInt32, record: LineEventRecord)] = []
        counted.reserveCapacity(128)
        var fundingDifference = Pence.zero
        // The latest day of a counted event other than a correction: the line's last activity then.
        var lastActivity: UInt32?
        var onlyFundingDiffers = fromProjection
        // The entries are read in place in the map: a line's history up to D may be long.
        var damaged: StoreError?
        try txn.withCursor(layout.lineIndex) { cursor in
            _ = try cursor.visit(from: prefix) { key, value in
                guard StoreKeys.hasPrefix(key, prefix, count: prefix.count) else { return false }
                guard let day = StoreKeys.dayNumber(fromLineEventKey: key, line: line), day <= lastDay else { return false }
                guard let seq = StoreKeys.seq(fromLineEventKey: key, line: line) else {
                    damaged = .corrupted("a line_index key of \(line) is damaged")
                    return false
                }
                let record: LineEventRecord
                do throws(StoreError) {
                    record = try LineEventRecord(bytes: value)
                } catch {
                    damaged = error
                    return false
                }
                let countsThen = record.counts(knownAt: knownAt)
                if countsThen {
                    counted.append((seq, day, record))
                    if record.type != .corrected { lastActivity = day }
                }
                if countsThen != record.counts(knownAt: nil) {
                    if let amount = record.fundedAmount {
                        fundingDifference = countsThen ? fundingDifference + amount : fundingDifference - amount
                    } else if record.type != .corrected {
                        onlyFundingDiffers = false
                    }
                }
                return true
            }
        }
        if let damaged { throw damaged }
        if onlyFundingDiffers {
            let entry = try timelineEntry(line, atOrBefore: date, txn)?.state
            let projected = try txn.withCursor(layout.lineIndex) { late in try LateFunding.including(entry, through: date, &late) }
            guard var state = projected else { return nil }
            state.funded = state.funded + fundingDifference
            if let lastActivity, let activity = StoreKeys.date(dayNumber: lastActivity) { state.lastActivity = activity }
            return state
        }
        var fold = LineFold()
        for (seq, day, record) in counted {
            if let amount = record.fundedAmount, let effective = StoreKeys.date(dayNumber: day) {
                fold.fund(amount, on: effective)
            } else {
                fold.apply(try Self.storedEvent(seq: seq, txn, layout).event.event)
            }
        }
        return fold.state
    }

    /// Every event of `line`, in fold order (effective date, then seq).
    public func history(of line: String) throws -> [HistoryEntry] {
        try read { txn in
            let history = try LineHistory.load(line, txn, layout)
            var result: [HistoryEntry] = []
            for stored in history.events {
                let entry = try Self.storedEvent(seq: stored.seq, txn, layout)
                var retractedBy: String?
                if let retraction = try txn.get(layout.retractions, StoreKeys.seq(stored.seq)),
                   let correctionSeq = BigEndian.uint64(retraction) {
                    retractedBy = try Self.storedEvent(seq: correctionSeq, txn, layout).event.event.id
                }
                result.append(HistoryEntry(stored: stored, hash: entry.hash, canonical: entry.canonical, retractedBy: retractedBy))
            }
            return result
        }
    }

    /// Calls `body` with the export line (canonical JSON with `hash`) of every event from `fromSeq` on,
    /// in seq order, all from one consistent snapshot: at most `limit` events, and no more once the
    /// lines handed over reach `maximumBytes` (the first is always handed over).
    public func export(
        fromSeq: UInt64 = 1, limit: Int = .max, maximumBytes: Int = .max, _ body: ([UInt8]) throws -> Void
    ) throws {
        try read { txn in
            try txn.withCursor(layout.events) { cursor in
                var entry = try cursor.seek(atOrAfter: StoreKeys.seq(max(fromSeq, 1)))
                var count = 0
                var bytes = 0
                while let current = entry, count < limit, bytes < maximumBytes {
                    count += 1
                    guard current.value.count > 32 else {
                        throw StoreError.corrupted("event \(BigEndian.uint64(current.key) ?? 0) is damaged")
                    }
                    let line = EventRecord.exportBytes(canonical: Array(current.value[32...]), hash: Array(current.value[0..<32]))
                    bytes += line.count
                    try body(line)
                    entry = try cursor.next()
                }
            }
        }
    }

    /// How many events the log holds.
    public func eventCount() throws -> Int {
        try read { txn in try txn.count(layout.events) }
    }
}
