import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness
import LedgerProtocol
import LedgerStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One run of the benchmark: the same workload into `ledgerd` and into SQLite, each measured the same way.
struct Benchmark {
    let options: BenchOptions
    let scratch: String
    let dates: [CivilDate]

    /// Single-event appends go to the first line the workload announces.
    static let singlesLine = "line-1"

    init(options: BenchOptions, scratch: String) throws {
        self.options = options
        self.scratch = scratch
        var random = SplitMix64(seed: options.seed ^ 0xA5A5)
        let span = Workload.firstDay.days(to: Workload.lastDay)
        dates = (0..<options.queries).map { _ in Workload.firstDay.adding(days: random.below(span + 1)) }
    }

    func run() throws -> BenchReport {
        var report = BenchReport(options: options, sqliteVersion: SQLiteBaseline.version)
        let stateDirectory = scratch + "/ledger"
        let sqlitePath = scratch + "/baseline.sqlite"
        let baseline = try SQLiteBaseline(path: sqlitePath)

        // Both stores get the same batches; each side's clock time covers only its own work.
        let webPort = try Loopback.freePort()
        let daemon = DaemonProcess.benchmarked(stateDirectory: stateDirectory, scratch: scratch, http: "127.0.0.1:\(webPort)")
        try daemon.start(within: .seconds(120))
        let client = try daemon.connect(timeout: .seconds(600))
        let anonymousMemory = AnonymousMemorySampler(pid: daemon.pid)
        var batches = LoadBatches(options: options)
        var ledgerSegments: [Double] = []
        var sqliteSegments: [Double] = []
        var ledgerSeconds = 0.0
        var sqliteSeconds = 0.0
        var inSegment = 0
        var knownAt: Timestamp?
        let written = WrittenBytes(daemon: daemon.pid)
        progress("loading \(options.events) events in batches of 1000")
        while let (batch, endsSegment) = batches.next() {
            inSegment += batch.count
            let request = Request.append(batch).line
            ledgerSeconds += try measure { try Self.exchange(request, on: client) }
            let recorded = SystemClock.now().millisecondsSinceEpoch
            sqliteSeconds += try measure { try baseline.ingest(batch, recordedMillis: recorded) }
            if knownAt == nil && batches.remaining <= options.events / 2 {
                // Halfway through the load: every batch so far is recorded by this instant on both
                // sides, and none after it, so `--known-at` folds away half of what the ledger knows.
                usleep(2000)
                knownAt = SystemClock.now()
                usleep(2000)
            }
            if endsSegment {
                ledgerSegments.append(Double(inSegment) / ledgerSeconds)
                sqliteSegments.append(Double(inSegment) / sqliteSeconds)
                (ledgerSeconds, sqliteSeconds, inSegment) = (0, 0, 0)
            }
        }
        report.add(.ingestBatched, ledger: median(ledgerSegments), sqlite: median(sqliteSegments))
        try baseline.checkpoint()
        let load = written.sinceStart()
        let sqliteWritten = load.map { Double($0.sqlite) / Double(options.events) }
        if let load, let sqliteWritten {
            report.add(.writtenBatched, ledger: Double(load.ledger) / Double(options.events), sqlite: sqliteWritten)
        }
        try measurePipelined(sqliteRate: median(sqliteSegments), sqliteWritten: sqliteWritten, baseline: baseline, into: &report)

        progress("single-event appends from \(options.connections) connections, dated today and at their line's start")
        let backdatedLines = try lineStarts(client)
        for (measure, writtenMeasure, backdated) in [(Measure.ingestSingles, Measure.writtenSingles, false), (.ingestSinglesBackdated, .writtenSinglesBackdated, true)] {
            var ledgerSingles: [Double] = []
            var sqliteSingles: [Double] = []
            var ledgerWritten: [Double] = []
            var sqliteWritten: [Double] = []
            for run in 0..<options.runs {
                let events = singleEvents(run: run, on: backdated ? backdatedLines : [(Self.singlesLine, Workload.lastDay)])
                let count = Double(events.joined().count)
                let before = WrittenBytes(daemon: daemon.pid)
                ledgerSingles.append(count / (try appendSingles(events, to: daemon)))
                let ledgerBytes = before.sinceStart()?.ledger
                let sqliteBefore = WrittenBytes(daemon: daemon.pid)
                sqliteSingles.append(count / (try insertSingles(events, into: sqlitePath)))
                try baseline.checkpoint()
                if let ledgerBytes, let sqliteBytes = sqliteBefore.sinceStart()?.sqlite {
                    ledgerWritten.append(Double(ledgerBytes) / count)
                    sqliteWritten.append(Double(sqliteBytes) / count)
                }
            }
            report.add(measure, ledger: median(ledgerSingles), sqlite: median(sqliteSingles))
            if !ledgerWritten.isEmpty { report.add(writtenMeasure, ledger: median(ledgerWritten), sqlite: median(sqliteWritten)) }
        }

        progress("`at` at \(dates.count) dates, \(options.runs) runs")
        let midway = knownAt ?? SystemClock.now()
        let queries: [(Measure, Measure, String?, Timestamp?)] = [
            (.atWholeP50, .atWholeP99, nil, nil),
            (.atDepartmentP50, .atDepartmentP99, "department-1", nil),
            (.atKnownAtP50, .atKnownAtP99, "department-1", midway),
        ]
        for (p50, p99, department, cutoff) in queries {
            var ledgerRuns = LatencyRuns()
            var sqliteRuns = LatencyRuns()
            for run in 0..<options.runs {
                var ledgerLatencies: [Double] = []
                var sqliteLatencies: [Double] = []
                for date in dates {
                    let request = Request.at(date: date, department: department, knownAt: cutoff, knownAtText: nil).line
                    var line: [UInt8] = []
                    ledgerLatencies.append(try measure { line = try Self.exchange(request, on: client) })
                    var expected: [DepartmentTotals] = []
                    sqliteLatencies.append(try measure {
                        expected = try baseline.at(date, department: department, knownAtMillis: cutoff?.millisecondsSinceEpoch)
                    })
                    if run == 0 { report.agreement.compare(Self.totals(line), expected, date: date, department: department) }
                }
                ledgerRuns.runs.append(ledgerLatencies)
                sqliteRuns.runs.append(sqliteLatencies)
            }
            report.add(p50, ledger: ledgerRuns.p50, sqlite: sqliteRuns.p50)
            report.add(p99, ledger: ledgerRuns.p99, sqlite: sqliteRuns.p99)
        }

        try measureWeb(port: webPort, client: client, into: &report)

        var pings: [Double] = []
        let ping = Request.ping.line
        for _ in 0..<(options.runs * dates.count) { pings.append(try measure { try Self.exchange(ping, on: client) }) }
        report.add(.ping, ledger: percentile(pings, 50), sqlite: nil)

        // VmHWM counts the pages of the store's memory map that were read, which the kernel can drop.
        let peak = daemon.statusBytes("VmHWM")
        let peakAnonymous = anonymousMemory.stop()
        try daemon.stopCleanly()
        if let peak { report.add(.peakMemory, ledger: Double(peak), sqlite: nil) }
        if peakAnonymous > 0 { report.add(.peakAnonymousMemory, ledger: Double(peakAnonymous), sqlite: nil) }

        progress("restarts to READY=1")
        var starts: [Double] = []
        for _ in 0..<options.runs {
            let restarted = DaemonProcess.benchmarked(stateDirectory: stateDirectory, scratch: scratch)
            let ready = try restarted.start(within: .seconds(120))
            starts.append(Double(ready.components.seconds) + Double(ready.components.attoseconds) / 1e18)
            try restarted.stopCleanly()
        }
        report.add(.startToReady, ledger: median(starts), sqlite: nil)

        progress("rebuilding every projection from the log")
        let log = try EventLog(path: stateDirectory)
        // Sizes before rebuilding: a rebuild frees the old projections' pages, which LMDB keeps for reuse.
        let stored = try log.eventCount()
        report.storedEvents = stored
        let ledgerBytes = Double(try log.storeBytes()) / Double(max(stored, 1))
        let sqliteBytes = Double(try baseline.storeBytes()) / Double(max(stored, 1))
        let before = try dates.prefix(5).map { try log.at($0) }
        var rebuilds: [Double] = []
        var reindexes: [Double] = []
        for _ in 0..<options.runs {
            rebuilds.append(try measure { _ = try log.rebuildProjections() })
            reindexes.append(try measure { try baseline.reindex() })
        }
        let after = try dates.prefix(5).map { try log.at($0) }
        if before != after { report.agreement.note("the rebuilt projections answer `at` differently from the ones appends built") }
        report.add(.rebuild, ledger: median(rebuilds), sqlite: median(reindexes))
        report.add(.bytesPerEvent, ledger: ledgerBytes, sqlite: sqliteBytes)

        try measureLineOrder(into: &report)
        return report
    }

    /// The load's batches, made from the workload as they are asked for: up to 1000 events each,
    /// cut at every fifth of the load (a `--runs`th) so that each fifth is timed on its own.
    struct LoadBatches {
        private var workload: Workload
        private let segment: Int
        private var inSegment = 0
        /// Events not yet handed out.
        private(set) var remaining: Int

        init(options: BenchOptions) {
            workload = Workload(seed: options.seed, total: options.events)
            segment = max(1, (options.events + options.runs - 1) / options.runs)
            remaining = options.events
        }

        /// The next batch, and whether it ends a fifth of the load.
        mutating func next() -> (events: [JSONValue], endsSegment: Bool)? {
            guard remaining > 0 else { return nil }
            let batch = workload.next(min(1000, remaining, segment - inSegment))
            remaining -= batch.count
            inSegment += batch.count
            let endsSegment = inSegment == segment || remaining == 0
            if endsSegment { inSegment = 0 }
            return (batch, endsSegment)
        }
    }

    /// Requests a pipelining client keeps in flight on its one connection.
    static let pipelinedWindow = 8

    /// The same batches as the load, into a fresh `ledgerd` from one connection that sends each
    /// without waiting for the answers to the `pipelinedWindow` before it, as a loader that
    /// pipelines does: the daemon decodes the next while the writer commits, and commits
    /// together the batches it finds queued. SQLite has one writer and no such overlap; its
    /// figures beside these are the load's, for the same batches.
    private func measurePipelined(
        sqliteRate: Double, sqliteWritten: Double?, baseline: SQLiteBaseline, into report: inout BenchReport
    ) throws {
        progress("the same \(options.events) events again, \(Self.pipelinedWindow) requests in flight on one connection")
        let directory = scratch + "/pipelined"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess.benchmarked(stateDirectory: directory + "/ledger", scratch: directory)
        try daemon.start(within: .seconds(120))
        let client = try daemon.connect(timeout: .seconds(600))
        // Each batch is made as it is sent: while the client encodes one, the daemon has the
        // others in flight to work on.
        var batches = LoadBatches(options: options)
        var inFlight: [Bool] = []  // whether each request sent and not yet answered ends a segment
        let written = WrittenBytes(daemon: daemon.pid)
        var rates: [Double] = []
        var segmentEvents = 0
        var segmentStart = monotonicSeconds()
        while true {
            while inFlight.count < Self.pipelinedWindow, let (batch, endsSegment) = batches.next() {
                try client.send(raw: Request.append(batch).line)
                inFlight.append(endsSegment)
            }
            guard !inFlight.isEmpty else { break }
            guard let line = try client.receiveLine() else { throw ClientError.broken("ledgerd closed the connection") }
            guard case .appended(let appended)? = try? ResponseDecoder.decode(line: line) else {
                throw ClientError.broken("a pipelined append was not acknowledged: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            segmentEvents += appended.appended
            if inFlight.removeFirst() {
                let now = monotonicSeconds()
                rates.append(Double(segmentEvents) / (now - segmentStart))
                (segmentStart, segmentEvents) = (now, 0)
            }
        }
        report.add(.ingestPipelined, ledger: median(rates), sqlite: sqliteRate)
        if let load = written.sinceStart(), let sqliteWritten {
            report.add(.writtenPipelined, ledger: Double(load.ledger) / Double(options.events), sqlite: sqliteWritten)
        }
        for date in dates.prefix(2) {
            let answer = try Self.exchange(Request.at(date: date, department: nil, knownAt: nil, knownAtText: nil).line, on: client)
            report.agreement.compare(Self.totals(answer), try baseline.at(date, department: nil, knownAtMillis: nil), date: date, department: nil)
        }
        try daemon.stopCleanly()
    }

    /// One line with `--line-events` funding events on as many days, appended in batches of 1000
    /// oldest first and newest first (so every event but a batch's first is dated before events
    /// already on the line), each order into a fresh `ledgerd` and a fresh SQLite: what an event
    /// costs as its line grows and as it is backdated, beside SQLite's cost for the same events.
    private func measureLineOrder(into report: inout BenchReport) throws {
        let count = options.lineEvents
        progress("one line of \(count) funding events, oldest first and newest first, \(options.runs) runs")
        let start = Workload.lastDay.adding(days: -(count + 1))
        let line = "one-long-line"
        let source: JSONValue = .object(JSONObject([("title", .string("Generated workload"))]))
        let announce: JSONValue = .object(JSONObject([
            ("id", .string("long-announced")), ("type", .string("announced")), ("line", .string(line)),
            ("effective", .string(start.description)), ("source", source), ("department", .string("department-1")),
            ("title", .string("One long line")), ("kind", .string("funding")), ("amount_pence", .integer(1_000_000_000_000)),
        ]))
        let fundings: [JSONValue] = (1...count).map { day in
            .object(JSONObject([
                ("id", .string("long-\(day)")), ("type", .string("funded")), ("line", .string(line)),
                ("effective", .string(start.adding(days: day).description)), ("source", source),
                ("amount_pence", .integer(Int64(1 + day % 50) * 100)),
            ]))
        }
        let checked = [start.adding(days: count / 2), start.adding(days: count)]
        for (rateMeasure, writtenMeasure, newestFirst) in [(Measure.lineOldestFirst, Measure.writtenLineOldestFirst, false), (.lineNewestFirst, .writtenLineNewestFirst, true)] {
            let ordered = newestFirst ? Array(fundings.reversed()) : fundings
            var ledgerRates: [Double] = []
            var sqliteRates: [Double] = []
            var ledgerWritten: [Double] = []
            var sqliteWritten: [Double] = []
            for run in 0..<options.runs {
                let directory = scratch + "/line-\(newestFirst ? "newest" : "oldest")-first-\(run)"
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: directory) }
                let daemon = DaemonProcess.benchmarked(stateDirectory: directory + "/ledger", scratch: directory)
                try daemon.start(within: .seconds(120))
                let client = try daemon.connect(timeout: .seconds(600))
                let baseline = try SQLiteBaseline(path: directory + "/baseline.sqlite")
                _ = try Self.exchange(Request.append([announce]).line, on: client)
                try baseline.ingest([announce], recordedMillis: SystemClock.now().millisecondsSinceEpoch)
                let written = WrittenBytes(daemon: daemon.pid)
                var ledgerSeconds = 0.0
                var sqliteSeconds = 0.0
                for first in stride(from: 0, to: count, by: 1000) {
                    let batch = Array(ordered[first..<min(first + 1000, count)])
                    let request = Request.append(batch).line
                    ledgerSeconds += try measure { try Self.exchange(request, on: client) }
                    let recorded = SystemClock.now().millisecondsSinceEpoch
                    sqliteSeconds += try measure { try baseline.ingest(batch, recordedMillis: recorded) }
                }
                try baseline.checkpoint()
                if let bytes = written.sinceStart() {
                    ledgerWritten.append(Double(bytes.ledger) / Double(count))
                    sqliteWritten.append(Double(bytes.sqlite) / Double(count))
                }
                ledgerRates.append(Double(count) / ledgerSeconds)
                sqliteRates.append(Double(count) / sqliteSeconds)
                if run == 0 {
                    for date in checked {
                        let answer = try Self.exchange(Request.at(date: date, department: nil, knownAt: nil, knownAtText: nil).line, on: client)
                        report.agreement.compare(Self.totals(answer), try baseline.at(date, department: nil, knownAtMillis: nil), date: date, department: nil)
                    }
                }
                try daemon.stopCleanly()
            }
            report.add(rateMeasure, ledger: median(ledgerRates), sqlite: median(sqliteRates))
            if !ledgerWritten.isEmpty { report.add(writtenMeasure, ledger: median(ledgerWritten), sqlite: median(sqliteWritten)) }
        }
    }

    /// The web interface's answers to the `at` questions, each timed beside the socket's answer to
    /// the same question in the same loop, on the same daemon; the JSON checked against the socket's.
    private func measureWeb(port: Int, client: LedgerConnection, into report: inout BenchReport) throws {
        progress("the web interface beside the socket, \(options.runs) runs")
        let http = try BenchHTTP(port: port)
        for question in WebQuestion.allCases {
            var webRuns = LatencyRuns()
            var socketRuns = LatencyRuns()
            for run in 0..<options.runs {
                var webLatencies: [Double] = []
                var socketLatencies: [Double] = []
                for date in dates {
                    let socketRequest = Request.at(date: date, department: question.department, knownAt: nil, knownAtText: nil).line
                    let webRequest = BenchHTTP.request(question.target(date))
                    var line: [UInt8] = []
                    socketLatencies.append(try measure { line = try Self.exchange(socketRequest, on: client) })
                    var answer: (status: Int, body: [UInt8]) = (0, [])
                    webLatencies.append(try measure { answer = try http.exchange(webRequest) })
                    guard answer.status == 200 else {
                        throw BenchHTTP.Failure(description: "\(question.target(date)) answered \(answer.status)")
                    }
                    if run == 0 && question.isAPI {
                        report.webAgreement.compare(web: answer.body, socketLine: line, target: question.target(date))
                    }
                }
                webRuns.runs.append(webLatencies)
                socketRuns.runs.append(socketLatencies)
            }
            report.addWeb(question, p50: (webRuns.p50, socketRuns.p50), p99: (webRuns.p99, socketRuns.p99))
        }
    }

    private func progress(_ message: String) {
        if !options.json { printError("ledger-bench: \(message)\n") }
    }

    /// Per connection, the single `funded` events it appends in run `run`: connection `c` on the
    /// `c`th of `lines` (round the list), dated as that entry says.
    private func singleEvents(run: Int, on lines: [(line: String, date: CivilDate)]) -> [[JSONValue]] {
        let perConnection = max(1, options.singles / options.connections)
        return (0..<options.connections).map { connection in
            let (line, date) = lines[connection % lines.count]
            return (0..<perConnection).map { number in
                .object(JSONObject([
                    ("id", .string("single-\(line)-\(date)-\(run)-\(connection)-\(number)")), ("type", .string("funded")),
                    ("line", .string(line)), ("effective", .string(date.description)),
                    ("amount_pence", .integer(100)),
                    ("source", .object(JSONObject([("title", .string("Generated workload"))]))),
                ]))
            }
        }
    }

    /// One line per connection, spread over the workload's lines, each with the day it was
    /// announced: single events dated there are backdated past all of the line's history.
    private func lineStarts(_ client: LedgerConnection) throws -> [(line: String, date: CivilDate)] {
        let lines = max(1, options.events / 100)
        return try (0..<options.connections).map { connection in
            let line = "line-\(1 + connection * max(1, lines / options.connections))"
            let announced = try client.history(line: line).first { $0["type"] == .string("announced") }
            guard case .string(let text)? = announced?["effective"], let date = CivilDate(iso: text) else {
                throw ClientError.broken("the workload has no announced line \(line)")
            }
            return (line, date)
        }
    }

    /// Seconds for every connection to append its events one request each, all connections at once.
    private func appendSingles(_ events: [[JSONValue]], to daemon: DaemonProcess) throws -> Double {
        let requests = events.map { $0.map { Request.append([$0]).line } }
        let socket = daemon.socket
        return try timeConcurrently(requests.count) { index in
            let client = try LedgerConnection(path: socket, timeout: .seconds(600))
            return { for request in requests[index] { try Self.exchange(request, on: client) } }
        }
    }

    /// Seconds for one SQLite connection per writer to insert its events one transaction each, all at once.
    private func insertSingles(_ events: [[JSONValue]], into path: String) throws -> Double {
        try timeConcurrently(events.count) { index in
            let writer = try SQLiteBaseline.Writer(path: path)
            return {
                for event in events[index] {
                    try writer.insert(event, recordedMillis: SystemClock.now().millisecondsSinceEpoch)
                }
            }
        }
    }

    /// Sends one request, encoded beforehand so encoding is not timed, and returns the response
    /// line, failing on an error response.
    @discardableResult
    static func exchange(_ request: [UInt8], on client: LedgerConnection) throws -> [UInt8] {
        try client.send(raw: request)
        guard let line = try client.receiveLine() else { throw ClientError.broken("ledgerd closed the connection") }
        // The daemon writes `ok` first, so a success is known without parsing the whole answer.
        if !line.starts(with: Array(#"{"ok":true"#.utf8)) {
            if case .error(let error)? = try? ResponseDecoder.decode(line: line) { throw ClientError.refused(error) }
            throw ClientError.broken("ledgerd sent a line that is not a response: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        return line
    }

    /// The per-department totals of an `at` response line.
    static func totals(_ line: [UInt8]) -> [DepartmentTotals]? {
        guard case .at(let result)? = try? ResponseDecoder.decode(line: line) else { return nil }
        return DepartmentTotals.from(result)
    }
}
