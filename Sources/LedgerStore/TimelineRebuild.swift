import LMDB
import LedgerCore

/// Every line's events as its timeline fold needs them, gathered while the log is read in seq
/// order, then folded once per line and written in key order.
///
/// A log of a million events is held in a few dozen bytes per event: the fold reads only a
/// line's events' dates, order and bodies, and most events are `funded`, whose body is an amount.
struct TimelineRebuild: Sendable {
    /// One event of a line: its body is `amount` when `body` is negative, else `bodies[body]`.
    private struct Step: Sendable {
        var seq: UInt64
        var day: Int32
        var body: Int32
        var amount: Int64
    }

    private var steps: [String: [Step]] = [:]
    private var bodies: [EventBody] = []
    private var retracted: Set<UInt64> = []

    /// The number of lines with events.
    var lineCount: Int { steps.count }

    /// Notes a stored event, and the seq of the event it retracts when it is a correction. A late
    /// `funded` event is left out: its amount is in `late_funding`.
    mutating func note(_ stored: StoredEvent, isLate: Bool, retracting target: UInt64?) {
        if let target { retracted.insert(target) }
        guard !isLate else { return }
        let event = stored.event
        var step = Step(seq: stored.seq, day: Int32(event.effective.daysSinceEpoch), body: -1, amount: 0)
        if case .funded(let amount) = event.body {
            step.amount = amount.value
        } else {
            step.body = Int32(bodies.count)
            bodies.append(event.body)
        }
        steps[event.line, default: []].append(step)
    }

    /// Lines folded and encoded together on another thread.
    private static let batchSize = 64

    /// Folds every line's counted events and writes its timeline; the timeline database must be
    /// empty, as the entries go in with `MDB_APPEND`. Folding and encoding are pure, so they run
    /// on other threads, a few batches of lines ahead of this (the transaction's) thread.
    func write(_ txn: borrowing Transaction, _ layout: StoreLayout) throws {
        // Key order: by the line's key prefix (`line 0x00`), then by date.
        let lines = steps.keys.map { (prefix: StoreKeys.linePrefix($0), line: $0) }
            .sorted { $0.prefix.lexicographicallyPrecedes($1.prefix) }
            .map(\.line)
        let batches = stride(from: 0, to: lines.count, by: Self.batchSize).map {
            Array(lines[$0..<min($0 + Self.batchSize, lines.count)])
        }
        // Enough batches in flight to keep every core busy, few enough to bound what is held.
        let ahead = 2 * BackgroundJob<[Entry]>.cores
        var jobs: [BackgroundJob<[Entry]>] = []
        var started = 0
        while started < batches.count || !jobs.isEmpty {
            while started < batches.count, jobs.count < ahead {
                let batch = batches[started]
                jobs.append(BackgroundJob { [self] in batch.flatMap(entries(of:)) })
                started += 1
            }
            for entry in jobs.removeFirst().wait() {
                try txn.put(layout.timeline, entry.key, entry.value, append: true)
            }
        }
    }

    /// One timeline entry, encoded.
    typealias Entry = (key: [UInt8], value: [UInt8])

    /// The timeline entries of `line`, in key order.
    private func entries(of line: String) -> [Entry] {
        let noSource = Source(title: "")
        let noTime = Timestamp(millisecondsSinceEpoch: 0)
        var events: [StoredEvent] = []
        for step in steps[line] ?? [] where !retracted.contains(step.seq) {
            let body = step.body < 0 ? EventBody.funded(Pence(step.amount)) : bodies[Int(step.body)]
            // The fold reads only the line, date, seq and body; retracted events are already left out.
            let event = LedgerEvent(
                id: "", line: line, effective: CivilDate(daysSinceEpoch: Int(step.day)), source: noSource, body: body
            )
            events.append(StoredEvent(seq: step.seq, recorded: noTime, event: event))
        }
        return LineFold.timeline(of: events).map { point in
            (StoreKeys.timeline(line, point.date), LineStateCodec.encode(point.state))
        }
    }
}
