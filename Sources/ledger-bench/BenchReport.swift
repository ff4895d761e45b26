import LedgerCore

/// What the benchmark measures, with its unit, which way is better, and the target the ledger is held to.
enum Measure: String, CaseIterable {
    case ingestBatched = "ingest_batched"
    case ingestPipelined = "ingest_pipelined"
    case writtenPipelined = "written_per_event_pipelined"
    case ingestSingles = "ingest_singles"
    case ingestSinglesBackdated = "ingest_singles_backdated"
    case atWholeP50 = "at_whole_p50"
    case atWholeP99 = "at_whole_p99"
    case atDepartmentP50 = "at_department_p50"
    case atDepartmentP99 = "at_department_p99"
    case atKnownAtP50 = "at_known_at_p50"
    case atKnownAtP99 = "at_known_at_p99"
    case startToReady = "start_to_ready"
    case rebuild = "rebuild"
    case ping = "ping_p50"
    case peakMemory = "peak_rss"
    case peakAnonymousMemory = "peak_anonymous_rss"
    case bytesPerEvent = "bytes_per_event"
    case writtenBatched = "written_per_event_batched"
    case writtenSingles = "written_per_event_singles"
    case writtenSinglesBackdated = "written_per_event_singles_backdated"
    case lineOldestFirst = "ingest_line_oldest_first"
    case writtenLineOldestFirst = "written_per_event_line_oldest_first"
    case lineNewestFirst = "ingest_line_newest_first"
    case writtenLineNewestFirst = "written_per_event_line_newest_first"

    enum Unit: String {
        case eventsPerSecond = "events/s"
        case seconds = "s"
        case bytes = "bytes"
    }

    var label: String {
        switch self {
        case .ingestBatched: "append through the socket, batches of 1000"
        case .ingestPipelined: "the same batches, 8 requests in flight on one connection (SQLite: the same batches)"
        case .writtenPipelined: "bytes written to storage per event, 8 batches in flight (SQLite: the same batches)"
        case .ingestSingles: "append single events, 16 connections at once"
        case .ingestSinglesBackdated: "append single events backdated to their line's start, 16 connections on 16 lines"
        case .atWholeP50: "`at`, whole ledger, p50"
        case .atWholeP99: "`at`, whole ledger, p99"
        case .atDepartmentP50: "`at`, one department, p50"
        case .atDepartmentP99: "`at`, one department, p99"
        case .atKnownAtP50: "`at --known-at`, one department, p50"
        case .atKnownAtP99: "`at --known-at`, one department, p99"
        case .startToReady: "daemon start to READY=1"
        case .rebuild: "rebuild every projection (SQLite: REINDEX)"
        case .ping: "`ping` round trip, p50 (the socket's floor)"
        case .peakMemory: "peak RSS of ledgerd (VmHWM, with the store's mapped pages)"
        case .peakAnonymousMemory: "peak anonymous RSS of ledgerd (heap, sampled)"
        case .bytesPerEvent: "store bytes per event"
        case .writtenBatched: "bytes written to storage per event, batches of 1000 (/proc io write_bytes)"
        case .writtenSingles: "bytes written to storage per event, single events"
        case .writtenSinglesBackdated: "bytes written to storage per event, single backdated events"
        case .lineOldestFirst: "one line's funding events, batches of 1000, oldest first"
        case .writtenLineOldestFirst: "bytes written to storage per event, one line oldest first"
        case .lineNewestFirst: "one line's funding events, batches of 1000, newest first (each dated before the last)"
        case .writtenLineNewestFirst: "bytes written to storage per event, one line newest first"
        }
    }

    var unit: Unit {
        switch self {
        case .ingestBatched, .ingestPipelined, .ingestSingles, .ingestSinglesBackdated, .lineOldestFirst, .lineNewestFirst: .eventsPerSecond
        case .peakMemory, .peakAnonymousMemory, .bytesPerEvent, .writtenBatched, .writtenPipelined, .writtenSingles, .writtenSinglesBackdated,
            .writtenLineOldestFirst, .writtenLineNewestFirst:
            .bytes
        default: .seconds
        }
    }

    var higherIsBetter: Bool { unit == .eventsPerSecond }

    /// The ledger's target on a 2-core machine at 1M events (whole-ledger `at` at 200k).
    var target: String {
        switch self {
        case .ingestBatched: "≥ 200k/s, ≥ 2× SQLite"
        case .ingestSingles: "≥ 20k/s, ≥ 2× SQLite"
        case .ingestSinglesBackdated: "≥ 2× SQLite"
        case .writtenBatched, .writtenSingles, .writtenSinglesBackdated: "≤ SQLite"
        case .lineNewestFirst: "as oldest first"
        case .bytesPerEvent: "≤ 2× SQLite"
        case .atWholeP50: "≤ 20 ms at 200k events, ≥ 10× SQLite"
        case .atDepartmentP50: "≤ 2 ms, ≥ 10× SQLite"
        case .startToReady: "≤ 0.5 s"
        case .rebuild: "≤ 5 s"
        case .peakMemory: "≤ 200 MiB"
        default: ""
        }
    }
}

/// A question put to the web interface and, in the same loop, to the socket.
enum WebQuestion: String, CaseIterable {
    case apiWhole = "web_api_at_whole"
    case apiDepartment = "web_api_at_department"
    case pageDepartment = "web_page_at_department"
    case pageWhole = "web_page_at_whole"

    /// The department asked about, if one.
    var department: String? {
        switch self {
        case .apiWhole, .pageWhole: nil
        case .apiDepartment, .pageDepartment: "department-1"
        }
    }

    var isAPI: Bool { self == .apiWhole || self == .apiDepartment }

    func target(_ date: CivilDate) -> String {
        switch self {
        case .apiWhole: "/api/at/\(date)"
        case .apiDepartment: "/api/at/\(date)?department=department-1"
        case .pageDepartment: "/at/\(date)?department=department-1"
        case .pageWhole: "/at/\(date)"
        }
    }

    var label: String {
        switch self {
        case .apiWhole: "`GET /api/at/{date}`, whole ledger"
        case .apiDepartment: "`GET /api/at/{date}?department=`"
        case .pageDepartment: "`GET /at/{date}?department=`, the page"
        case .pageWhole: "`GET /at/{date}`, the page, whole ledger"
        }
    }

    func target(p50: Bool) -> String {
        switch (self, p50) {
        case (.apiWhole, _), (.apiDepartment, _): "≤ 2× the socket"
        case (.pageDepartment, true): "< 50 ms"
        default: ""
        }
    }
}

/// Whether the web interface's `/api/at` answers were the socket's, byte for byte.
struct WebAgreement {
    var compared = 0
    var problems: [String] = []

    var agrees: Bool { problems.isEmpty && compared > 0 }

    mutating func compare(web: [UInt8], socketLine: [UInt8], target: String) {
        compared += 1
        let prefix = Array(#"{"ok":true,"result":"#.utf8)
        let inner = socketLine.starts(with: prefix) && socketLine.last == UInt8(ascii: "}")
            ? Array(socketLine[prefix.count..<(socketLine.count - 1)]) : []
        if inner != web, problems.count < 10 {
            problems.append("\(target): the web's \(web.count) bytes are not the socket's \(inner.count)")
        }
    }
}

/// Whether the ledger and SQLite gave the same `at` answers.
struct Agreement {
    var compared = 0
    var problems: [String] = []

    var agrees: Bool { problems.isEmpty && compared > 0 }

    mutating func compare(_ ledger: [DepartmentTotals]?, _ sqlite: [DepartmentTotals], date: CivilDate, department: String?) {
        compared += 1
        guard let ledger else {
            note("the ledger's answer at \(date) did not decode")
            return
        }
        guard ledger != sqlite else { return }
        let scope = department ?? "the whole ledger"
        let first = zip(ledger, sqlite).first { $0 != $1 }
        let detail = first.map { "ledger \($0.0), SQLite \($0.1)" } ?? "ledger \(ledger.count) departments, SQLite \(sqlite.count)"
        note("at \(date) for \(scope) the answers disagree: \(detail)")
    }

    mutating func note(_ problem: String) {
        if problems.count < 10 { problems.append(problem) }
    }
}

/// Every figure of a run, the ledger's beside SQLite's.
struct BenchReport {
    struct Row {
        var measure: Measure
        var ledger: Double
        var sqlite: Double?

        /// How many times better the ledger is (above 1: better), or nil without a baseline.
        var ratio: Double? {
            guard let sqlite, sqlite > 0, ledger > 0 else { return nil }
            return measure.higherIsBetter ? ledger / sqlite : sqlite / ledger
        }
    }

    /// A figure of the web interface beside the socket's for the same question.
    struct WebRow {
        var question: WebQuestion
        var p50: Bool
        var web: Double
        var socket: Double

        var measure: String { question.rawValue + (p50 ? "_p50" : "_p99") }
        var label: String { question.label + (p50 ? ", p50" : ", p99") }
    }

    let options: BenchOptions
    let sqliteVersion: String
    var rows: [Row] = []
    var webRows: [WebRow] = []
    var agreement = Agreement()
    var webAgreement = WebAgreement()
    var storedEvents = 0

    init(options: BenchOptions, sqliteVersion: String) {
        self.options = options
        self.sqliteVersion = sqliteVersion
    }

    mutating func add(_ measure: Measure, ledger: Double, sqlite: Double?) {
        rows.append(Row(measure: measure, ledger: ledger, sqlite: sqlite))
    }

    mutating func addWeb(_ question: WebQuestion, p50: (web: Double, socket: Double), p99: (web: Double, socket: Double)) {
        webRows.append(WebRow(question: question, p50: true, web: p50.web, socket: p50.socket))
        webRows.append(WebRow(question: question, p50: false, web: p99.web, socket: p99.socket))
    }

    /// Whether every answer compared agreed: the socket's with SQLite's, the web's with the socket's.
    var agrees: Bool { agreement.agrees && (webRows.isEmpty || webAgreement.agrees) }

    func markdown() -> String {
        var lines = [
            "",
            "\(storedEvents) events stored (\(options.events) generated, seed \(options.seed), then 2 × \(options.runs) × \(options.singles) single appends, on the newest day and backdated to their line's start); medians of \(options.runs) runs; `at` at \(options.queries) dates; one line of \(options.lineEvents) funding events on as many days in fresh stores, oldest first and newest first",
            "",
            "| measure | ledger | SQLite \(sqliteVersion) | ledger vs SQLite | target |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for row in rows {
            let baseline = row.sqlite.map { Self.format($0, row.measure.unit) } ?? "–"
            let ratio = row.ratio.map { Self.times($0) } ?? "–"
            lines.append("| \(row.measure.label) | \(Self.format(row.ledger, row.measure.unit)) | \(baseline) | \(ratio) | \(row.measure.target) |")
        }
        lines.append("")
        if agreement.agrees {
            lines.append("answers agree: \(agreement.compared) `at` answers, every department's pledged, funded and line counts equal to SQLite's")
        } else {
            lines.append("ANSWERS DISAGREE (\(agreement.compared) compared):")
            lines += agreement.problems.map { "- \($0)" }
        }
        if !webRows.isEmpty {
            lines += [
                "",
                "The web interface (`ledgerd --http`, one keep-alive connection) beside the socket's `at` for the same question, timed in the same loop:",
                "",
                "| measure | HTTP | socket | HTTP vs socket | target |",
                "| --- | ---: | ---: | ---: | --- |",
            ]
            for row in webRows {
                let ratio = row.socket > 0 ? "\(Self.decimal(row.web / row.socket, places: 2))× the time" : "–"
                lines.append(
                    "| \(row.label) | \(Self.format(row.web, .seconds)) | \(Self.format(row.socket, .seconds)) | \(ratio) | \(row.question.target(p50: row.p50)) |"
                )
            }
            lines.append("")
            if webAgreement.agrees {
                lines.append("web answers agree: \(webAgreement.compared) `/api/at` bodies byte for byte the socket's `result`")
            } else {
                lines.append("WEB ANSWERS DISAGREE (\(webAgreement.compared) compared):")
                lines += webAgreement.problems.map { "- \($0)" }
            }
        }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        var figures: [JSONValue] = []
        for row in rows {
            var fields: [(String, JSONValue)] = [
                ("measure", .string(row.measure.rawValue)), ("label", .string(row.measure.label)),
                ("unit", .string(row.measure.unit.rawValue)),
                ("ledger", Self.number(row.ledger, row.measure.unit)),
                ("sqlite", row.sqlite.map { Self.number($0, row.measure.unit) } ?? .null),
            ]
            fields.append(("ratio", row.ratio.map { .number(Self.decimal($0, places: 2)) } ?? .null))
            figures.append(.object(JSONObject(fields)))
        }
        let object = JSONValue.object(JSONObject([
            ("events", .integer(Int64(options.events))), ("stored_events", .integer(Int64(storedEvents))),
            ("seed", .integer(Int64(bitPattern: options.seed))), ("runs", .integer(Int64(options.runs))),
            ("queries", .integer(Int64(options.queries))), ("sqlite_version", .string(sqliteVersion)),
            ("figures", .array(figures)),
            ("web", .array(webRows.map { row in
                .object(JSONObject([
                    ("measure", .string(row.measure)), ("unit", .string(Measure.Unit.seconds.rawValue)),
                    ("http", Self.number(row.web, .seconds)), ("socket", Self.number(row.socket, .seconds)),
                    ("ratio", row.socket > 0 ? .number(Self.decimal(row.web / row.socket, places: 2)) : .null),
                ]))
            })),
            ("web_agreement", .object(JSONObject([
                ("compared", .integer(Int64(webAgreement.compared))), ("agree", .bool(webAgreement.agrees)),
                ("problems", .array(webAgreement.problems.map(JSONValue.string))),
            ]))),
            ("agreement", .object(JSONObject([
                ("compared", .integer(Int64(agreement.compared))), ("agree", .bool(agreement.agrees)),
                ("problems", .array(agreement.problems.map(JSONValue.string))),
            ]))),
        ]))
        var bytes: [UInt8] = []
        CanonicalJSON.encode(object, sortKeys: false, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A figure as a JSON number in its unit: seconds to the microsecond, rates and sizes whole.
    private static func number(_ value: Double, _ unit: Measure.Unit) -> JSONValue {
        switch unit {
        case .seconds: .number(decimal(value, places: 6))
        case .eventsPerSecond, .bytes: .integer(Int64(value.rounded()))
        }
    }

    static func format(_ value: Double, _ unit: Measure.Unit) -> String {
        switch unit {
        case .eventsPerSecond: "\(grouped(Int(value.rounded()))) events/s"
        case .bytes where value >= 1_048_576: "\(decimal(value / 1_048_576, places: 1)) MiB"
        case .bytes: "\(grouped(Int(value.rounded()))) B"
        case .seconds where value >= 1: "\(decimal(value, places: 2)) s"
        case .seconds: "\(decimal(value * 1000, places: value < 0.01 ? 2 : 1)) ms"
        }
    }

    static func times(_ ratio: Double) -> String {
        "\(decimal(ratio, places: ratio < 10 ? 2 : 1))×"
    }

    /// `value` with `places` decimals, rounded half away from zero, without locale or floating-point printing.
    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let whole = scaled / scale
        let fraction = String(scaled % scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard places > 0 else { return "\(sign)\(whole)" }
        return "\(sign)\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
