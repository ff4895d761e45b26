import LedgerCore

/// What the store holds after the crashes, judged against what every writer sent and was told:
/// pure, so the rules it applies can be tried on a made-up history.
struct CrashCheck: Sendable {
    /// Requests answered `ok`.
    var requestsAcknowledged = 0
    /// Requests whose answer never came.
    var requestsUnknown = 0
    /// Requests answered with an error.
    var requestsRefused = 0
    /// Events in acknowledged requests.
    var eventsAcknowledged = 0
    /// Events in the store.
    var eventsStored = 0
    /// Acknowledged events missing from the store.
    var eventsLost = 0
    /// Ids stored more than once.
    var duplicates = 0
    /// Acknowledged events stored at another seq than their acknowledgement gave.
    var misplaced = 0
    /// Unacknowledged batches of which some events are stored and others not.
    var partialBatches = 0
    /// Unacknowledged batches found wholly stored.
    var unknownStored = 0
    /// Unacknowledged batches found wholly absent.
    var unknownAbsent = 0
    /// Stored events that no writer sent, or that differ from what was sent.
    var foreignEvents = 0
    /// Whether the stored seqs run 1, 2, … N with no gap.
    var seqDense = true
    /// Rules broken, in words: the first `shownViolations` of them.
    var violations: [String] = []
    /// How many times a rule was broken in all.
    var violationCount = 0
    /// How many broken rules are kept in words; past that they are only counted.
    static let shownViolations = 25

    /// Whether every rule held.
    var passed: Bool { violationCount == 0 }

    /// Checks `stored` (the export, in order) against `records` (every request sent).
    init(records: [RequestRecord], stored: [JSONObject]) {
        eventsStored = stored.count
        var positions: [String: [Int64]] = [:]
        var sent: [String: JSONObject] = [:]
        for record in records {
            for event in record.events {
                if let id = event["id"]?.stringValue { sent[id] = event }
            }
        }
        checkLog(stored, positions: &positions, sent: sent)
        var acknowledgedIDs = Set<String>()
        var answeredIDs = Set<String>()
        for record in records {
            switch record.outcome {
            case .acknowledged(let firstSeq, let lastSeq, let appended, let duplicatesInAnswer):
                requestsAcknowledged += 1
                acknowledgedIDs.formUnion(record.ids)
                answeredIDs.formUnion(record.ids)
                checkAcknowledged(record, firstSeq: firstSeq, lastSeq: lastSeq, appended: appended, duplicates: duplicatesInAnswer, positions)
            case .unknown:
                requestsUnknown += 1
                answeredIDs.formUnion(record.ids)
                checkUnknown(record, positions)
            case .refused:
                requestsRefused += 1
            }
        }
        eventsAcknowledged = acknowledgedIDs.count
        for record in records {
            guard case .refused(let code) = record.outcome else { continue }
            // Every event sent is valid, so a refusal means the daemon came back unable to append.
            note("refused: writer \(record.writer)'s request of \(record.ids.count) event\(record.ids.count == 1 ? "" : "s") (first \(record.ids.first ?? "")) was refused with \(code)")
            // An id also sent in another request (an announcement sent again) may be stored by that one.
            let stored = record.ids.filter { positions[$0] != nil && !answeredIDs.contains($0) }
            if !stored.isEmpty {
                note("refused batch stored: writer \(record.writer)'s batch of \(record.ids.count) refused with \(code), yet \(stored.count) of its events are stored (first \(stored[0]))")
            }
        }
    }

    /// Seq density, duplicates and content of the stored events; fills `positions` with each id's seqs.
    private mutating func checkLog(_ stored: [JSONObject], positions: inout [String: [Int64]], sent: [String: JSONObject]) {
        for (offset, event) in stored.enumerated() {
            let expected = Int64(offset + 1)
            let seq = event["seq"]?.integerValue ?? -1
            if seq != expected && seqDense {
                seqDense = false
                note("seq not dense: the event at position \(expected) of the export has seq \(seq)")
            }
            guard let id = event["id"]?.stringValue else {
                foreignEvents += 1
                note("stored event at seq \(seq) has no id")
                continue
            }
            positions[id, default: []].append(seq)
            var content = event
            for key in ["seq", "recorded", "hash"] { content[key] = nil }
            if let original = sent[id] {
                if original != content {
                    foreignEvents += 1
                    note("stored event \(id) at seq \(seq) differs from what was sent")
                }
            } else {
                foreignEvents += 1
                note("stored event \(id) at seq \(seq) was never sent")
            }
        }
        for (id, seqs) in positions where seqs.count > 1 {
            duplicates += 1
            note("duplicate: event \(id) is stored \(seqs.count) times, at seq \(seqs.map(String.init).joined(separator: ", "))")
        }
    }

    /// An acknowledged request: each event stored, at the seq its answer gave.
    private mutating func checkAcknowledged(
        _ record: RequestRecord, firstSeq: Int64?, lastSeq: Int64?, appended: Int, duplicates answered: Int,
        _ positions: [String: [Int64]]
    ) {
        let ids = record.ids
        let range = "\(firstSeq.map(String.init) ?? "null")...\(lastSeq.map(String.init) ?? "null")"
        if appended + answered != ids.count {
            note("acknowledgement miscounted: writer \(record.writer)'s batch of \(ids.count) was answered appended \(appended), duplicates \(answered)")
        }
        if appended > 0, let firstSeq, let lastSeq, lastSeq - firstSeq + 1 != Int64(appended) {
            note("acknowledgement range \(range) does not hold the \(appended) events it reports appended")
        }
        var inRange = 0
        for (offset, id) in ids.enumerated() {
            guard let seqs = positions[id] else {
                eventsLost += 1
                note("lost: acknowledged event \(id) (writer \(record.writer), acknowledged at seq \(range)) is not in the store")
                continue
            }
            if let firstSeq, let lastSeq, (firstSeq...lastSeq).contains(seqs[0]) { inRange += 1 }
            if answered == 0, let firstSeq, seqs[0] != firstSeq + Int64(offset) {
                misplaced += 1
                note("misplaced: acknowledged event \(id) was given seq \(firstSeq + Int64(offset)) but is stored at seq \(seqs[0])")
            }
        }
        if answered > 0 && inRange != appended {
            misplaced += 1
            note("misplaced: writer \(record.writer)'s batch was acknowledged with \(appended) appended at seq \(range), but \(inRange) of its events are stored there")
        }
    }

    /// A request cut off by a crash: all of its events stored side by side, or none.
    private mutating func checkUnknown(_ record: RequestRecord, _ positions: [String: [Int64]]) {
        let ids = record.ids
        let seqs = ids.compactMap { positions[$0]?.first }
        if seqs.isEmpty {
            unknownAbsent += 1
        } else if seqs.count == ids.count {
            unknownStored += 1
            // A batch is one transaction, so its events sit side by side in the order sent.
            if seqs != Array(seqs[0]..<(seqs[0] + Int64(seqs.count))) {
                partialBatches += 1
                note("batch split: writer \(record.writer)'s unacknowledged batch of \(ids.count) (first \(ids[0])) is stored but not at consecutive seqs (\(seqs.map(String.init).joined(separator: ",")))")
            }
        } else {
            partialBatches += 1
            note("partial batch: writer \(record.writer)'s unacknowledged batch of \(ids.count) (first \(ids[0])) has \(seqs.count) of its events stored")
        }
    }

    /// Counts a broken rule, keeping its words while there are few.
    private mutating func note(_ violation: String) {
        violationCount += 1
        if violations.count < Self.shownViolations { violations.append(violation) }
    }
}
