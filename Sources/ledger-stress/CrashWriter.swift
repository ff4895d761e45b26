import Foundation
import LedgerClient
import LedgerCore
import Synchronization

/// One writer of the crash run: a thread with its own connection that announces its lines, then
/// appends `funded` and `amended` events to them (one at a time, or in batches of 2 to 50), and
/// records for every request whether it was acknowledged, refused, or cut off by a crash.
final class CrashWriter: Sendable {
    /// Lines each writer announces and then appends to.
    static let linesPerWriter = 3

    /// The writer's number, part of every id it makes.
    let index: Int
    /// Whether it sends batches of 2 to 50 events rather than single events.
    let sendsBatches: Bool
    private let socket: String
    private let seed: UInt64
    private let records = Mutex<[RequestRecord]>([])
    private let inFlight = Atomic<Bool>(false)
    private let reconnections = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let abandoned = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// A writer to `socket` whose ids and choices follow from `seed`.
    init(index: Int, sendsBatches: Bool, socket: String, seed: UInt64) {
        self.index = index
        self.sendsBatches = sendsBatches
        self.socket = socket
        self.seed = seed
    }

    /// Whether a request has been sent and its answer not yet read.
    var hasRequestInFlight: Bool { inFlight.load(ordering: .acquiring) }

    /// How many times it connected after its first connection.
    var reconnectionCount: Int { reconnections.load(ordering: .relaxed) }

    /// Every request sent so far, with its outcome.
    var requests: [RequestRecord] { records.withLock { $0 } }

    /// Starts the writer on a thread of its own.
    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "writer \(index)"
        thread.start()
    }

    /// Asks the writer to finish its lines' announcements and its current request, then stop.
    func stop() {
        stopping.store(true, ordering: .releasing)
    }

    /// Asks the writer to stop at once, as when the daemon cannot be brought back.
    func abandon() {
        abandoned.store(true, ordering: .releasing)
        stopping.store(true, ordering: .releasing)
    }

    /// Waits until the writer's thread has returned.
    func join() {
        finished.wait()
    }

    /// Announces the writer's lines, then appends changes to them until asked to stop.
    private func run() {
        var generator = SeededGenerator(seed: seed, stream: UInt64(index) + 1)
        var connection: LedgerConnection?
        let lines = (0..<Self.linesPerWriter).map { "s\(seed)-w\(index)-line-\($0)" }
        // An announcement is sent again until acknowledged: a re-send of a stored one is a duplicate.
        for line in lines {
            let announcement = announced(line)
            while !abandoned.load(ordering: .acquiring) {
                // A refusal is final too: the check reports it, and the line's changes are refused after it.
                if let outcome = send([announcement], on: &connection), outcome != .unknown { break }
            }
        }
        var request = 0
        while !stopping.load(ordering: .acquiring) {
            let count = sendsBatches ? Int.random(in: 2...50, using: &generator) : 1
            let events = (0..<count).map { position in
                change(to: lines[Int.random(in: 0..<lines.count, using: &generator)], using: &generator, id: "s\(seed)-w\(index)-r\(request)-e\(position)")
            }
            request += 1
            // A request cut off by a crash is not sent again: whether it was stored is for the check to see.
            while !abandoned.load(ordering: .acquiring), send(events, on: &connection) == nil {}
        }
    }

    /// Sends one append and records its outcome; nil when no connection could be made (nothing was sent).
    private func send(_ events: [JSONObject], on connection: inout LedgerConnection?) -> RequestRecord.Outcome? {
        if connection == nil {
            do {
                connection = try LedgerConnection(path: socket, timeout: .seconds(60))
                if records.withLock({ !$0.isEmpty }) { reconnections.add(1, ordering: .relaxed) }
            } catch {
                usleep(2_000)
                return nil
            }
        }
        guard let open = connection else { return nil }
        inFlight.store(true, ordering: .releasing)
        let outcome: RequestRecord.Outcome
        do {
            let report = try open.append(events.map(JSONValue.object))
            outcome = .acknowledged(
                firstSeq: report.firstSeq.map { Int64($0) }, lastSeq: report.lastSeq.map { Int64($0) },
                appended: report.appended, duplicates: report.duplicates
            )
        } catch .refused(let error) {
            outcome = .refused(code: error.code)
        } catch {
            outcome = .unknown
            connection = nil
        }
        inFlight.store(false, ordering: .releasing)
        records.withLock { $0.append(RequestRecord(writer: index, events: events, outcome: outcome)) }
        return outcome
    }

    /// The announcement of `line`, the same bytes every time it is sent.
    private func announced(_ line: String) -> JSONObject {
        JSONObject([
            ("id", .string(line + "-announced")), ("type", .string("announced")), ("line", .string(line)),
            ("effective", .string("2025-01-16")), ("source", Self.source), ("department", .string("home-office")),
            ("title", .string("Line \(line)")), ("kind", .string("funding")), ("amount_pence", .integer(1_000_000_000)),
        ])
    }

    /// A `funded` event (nine times in ten) or an `amended` one on `line`.
    private func change(to line: String, using generator: inout SeededGenerator, id: String) -> JSONObject {
        let amount = JSONValue.integer(Int64.random(in: 1...5_000_000, using: &generator))
        let amends = Int.random(in: 0..<10, using: &generator) == 0
        return JSONObject([
            ("id", .string(id)), ("type", .string(amends ? "amended" : "funded")), ("line", .string(line)),
            ("effective", .string("2025-02-03")), ("source", Self.source), ("amount_pence", amount),
        ])
    }

    private static let source = JSONValue.object(JSONObject([
        ("title", .string("Crash run")), ("publisher", .string("ledger-stress")), ("published", .string("2025-01-16")),
    ]))
}
