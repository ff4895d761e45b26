import LMDB
import LedgerCore

/// Every line's events as its `line_index` entries and its timeline fold need them, gathered
/// while the log is read in seq order, then written line by line in key order.
///
/// Written as the events arrive, a line-event entry would go to a page chosen by its line, and
/// a rebuild of a million events would descend the tree a million times to pages scattered
/// over it. Held here and written in key order at the end, every entry is appended
/// (`MDB_APPEND`) to the page the last one filled.
///
/// A log of a million events is held in a few dozen bytes per event: the entries and the fold
/// read only an event's seq, date, type, recorded time and body, and most events are `funded`,
/// whose body is an amount.
struct LineRebuild: LineIndexEntries, Sendable {
    /// One event: its body is `amount` when `body` is negative, else `bodies[body]`.
    private struct Step: Sendable {
        var seq: UInt64
        var recorded: Int64
        var amount: Int64
        var day: Int32
        var body: Int32
        /// Its line, as an index into `lines`.
        var line: Int32
        var type: EventType
        /// A late `funded` event: its amount is in the late funding sums, and the timeline leaves it out.
        var isLate: Bool
    }

    /// Every event, in seq order: one array filled front to back, rather than one per line.
    private var steps: [Step] = []
    private var bodies: [EventBody] = []
    /// The lines met, in the order they were first met, and the index of each.
    private var lines: [String] = []
    private var lineIndex: [String: Int32] = [:]
    /// When the correction retracting each retracted event was recorded, by the event's seq.
    private var retractedAt: [UInt64: Timestamp] = [:]

    /// The number of lines with events.
    var lineCount: Int { lines.count }

    /// Notes a newly indexed event and its entry.
    mutating func add(_ record: LineEventRecord, of stored: StoredEvent, _ txn: borrowing Transaction) {
        let event = stored.event
        let line: Int32
        if let known = lineIndex[event.line] {
            line = known
        } else {
            line = Int32(lines.count)
            lines.append(event.line)
            lineIndex[event.line] = line
        }
        var step = Step(
            seq: stored.seq, recorded: stored.recorded.millisecondsSinceEpoch, amount: 0,
            day: Int32(event.effective.daysSinceEpoch), body: -1, line: line, type: event.type, isLate: record.isLate
        )
        if case .funded(let amount) = event.body {
            step.amount = amount.value
        } else {
            step.body = Int32(bodies.count)
            bodies.append(event.body)
        }
        steps.append(step)
    }

    /// Notes that a correction recorded at `time` retracts `target`, and returns its entry as the rebuild will write it.
    mutating func retract(_ target: StoredEvent, at time: Timestamp, _ txn: borrowing Transaction) throws -> LineEventRecord {
        guard let step = step(seq: target.seq), lines[Int(step.line)] == target.event.line else {
            throw StoreError.corrupted("the line index has no entry for retracted event \(target.seq)")
        }
        retractedAt[target.seq] = time
        return record(of: step)
    }

    /// Nothing to note: a rebuild writes each line's late funding sums at the end, from its late
    /// `funded` events that no correction retracts (`LateFunding.records`), which is what adding
    /// each and taking out each retracted one leaves.
    func addLate(_ amount: Pence, count: Int64, on date: CivilDate, line: String, _ txn: borrowing Transaction) {}

    /// The step of `seq`: `steps` are in seq order.
    private func step(seq: UInt64) -> Step? {
        var low = 0
        var high = steps.count
        while low < high {
            let middle = (low + high) / 2
            if steps[middle].seq < seq { low = middle + 1 } else { high = middle }
        }
        return low < steps.count && steps[low].seq == seq ? steps[low] : nil
    }

    /// The line event record of a step.
    private func record(of step: Step) -> LineEventRecord {
        var record = LineEventRecord(
            recorded: Timestamp(millisecondsSinceEpoch: step.recorded), retractedAt: retractedAt[step.seq],
            fundedAmount: step.type == .funded ? Pence(step.amount) : nil, type: step.type
        )
        record.isLate = step.isLate
        return record
    }

    /// The indices into `steps` of each line's events, line by line (in `lines` order), each
    /// line's in seq order: a counting sort, one pass to count and one to place.
    private func stepsByLine() -> (order: [Int32], starts: [Int]) {
        var starts = [Int](repeating: 0, count: lines.count + 1)
        for step in steps { starts[Int(step.line) + 1] += 1 }
        for line in lines.indices { starts[line + 1] += starts[line] }
        var next = starts
        var order = [Int32](repeating: 0, count: steps.count)
        for (index, step) in steps.enumerated() {
            order[next[Int(step.line)]] = Int32(index)
            next[Int(step.line)] += 1
        }
        return (order, starts)
    }

    /// Lines whose entries are made together on another thread.
    private static let batchSize = 64

    /// Writes every line's late funding sums, event entries and folded timeline to `line_index`, which must be
    /// empty, as the entries go in with `MDB_APPEND`. Making the entries (sorting, folding,
    /// encoding) is pure, so it runs on other threads, a few batches of lines ahead of this (the
    /// transaction's) thread.
    func write(_ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        let (order, starts) = stepsByLine()
        // Key order: by the line's key prefix (`line 0x00`), then its late funding sums, its
        // events by date (and seq), and its timeline newest first.
        let sorted = lines.indices.map { (prefix: StoreKeys.linePrefix(lines[$0]), line: $0) }
            .sorted { $0.prefix.lexicographicallyPrecedes($1.prefix) }
            .map(\.line)
        let batches = stride(from: 0, to: sorted.count, by: Self.batchSize).map {
            Array(sorted[$0..<min($0 + Self.batchSize, sorted.count)])
        }
        // Enough batches in flight to keep every core busy, few enough to bound what is held.
        let ahead = 2 * BackgroundJob<Entries>.cores
        var jobs: [BackgroundJob<Entries>] = []
        var started = 0
        while started < batches.count || !jobs.isEmpty {
            while started < batches.count, jobs.count < ahead {
                let batch = batches[started]
                jobs.append(BackgroundJob { [self] in
                    var entries = Entries()
                    for line in batch { self.entries(of: line, order[starts[line]..<starts[line + 1]], into: &entries) }
                    return entries
                })
                started += 1
            }
            let entries = jobs.removeFirst().wait()
            for entry in entries.keyed {
                try txn.put(layout.lineIndex, entry.key, entry.value, append: true)
            }
        }
    }

    /// Encoded `line_index` entries, in key order.
    struct Entries: Sendable {
        var keyed: [(key: [UInt8], value: [UInt8])] = []
    }

    /// Appends the entries of the line at `index` in `lines`, whose steps are at `indices`, in key order.
    private func entries(of index: Int, _ indices: ArraySlice<Int32>, into entries: inout Entries) {
        let line = lines[index]
        let noSource = Source(title: "")
        let noTime = Timestamp(millisecondsSinceEpoch: 0)
        // Fold order, which is key order: by date, then seq.
        let ordered = indices.map { steps[Int($0)] }.sorted { ($0.day, $0.seq) < ($1.day, $1.seq) }
        // First the line's late funding sums, of its late amounts that no correction retracts.
        let late = ordered.filter { $0.isLate && retractedAt[$0.seq] == nil }
            .map { (date: CivilDate(daysSinceEpoch: Int($0.day)), amount: Pence($0.amount)) }
        entries.keyed.append(contentsOf: LateFunding.records(of: late, line: line))
        var events: [StoredEvent] = []
        for step in ordered {
            let date = CivilDate(daysSinceEpoch: Int(step.day))
            entries.keyed.append((StoreKeys.lineEvent(line, date, step.seq), record(of: step).bytes))
            // Late amounts stay in the late funding sums, and retracted events do not count.
            guard !step.isLate, retractedAt[step.seq] == nil else { continue }
            let body = step.body < 0 ? EventBody.funded(Pence(step.amount)) : bodies[Int(step.body)]
            // The fold reads only the line, date, seq and body.
            let event = LedgerEvent(id: "", line: line, effective: date, source: noSource, body: body)
            events.append(StoredEvent(seq: step.seq, recorded: noTime, event: event))
        }
        // After the line's events, newest first.
        for point in LineFold.timeline(of: events).reversed() {
            entries.keyed.append((StoreKeys.timeline(line, point.date), LineStateCodec.encode(point.state)))
        }
    }
}
