import LedgerClient
import LedgerCore
import LedgerProtocol
import LedgerStore

/// What the commands need of a ledger, whether opened directly or reached through the daemon.
protocol LedgerBackend {
    func at(_ date: CivilDate, department: String?, knownAt: Timestamp?, knownAtText: String?) throws -> AtResult
    /// Appends events in batches (one, if they fit); `progress` hears how many were sent.
    func append(_ batch: NDJSONBatch, progress: (Int, Int) -> Void) throws -> AppendReport
    func history(of line: String) throws -> [HistoryEntry]
    func export(fromSeq: UInt64, _ body: ([UInt8]) throws -> Void) throws
    func verify() throws -> ChainVerification
}

/// A refused append: the error, the batch's first index in the file, and what went in before it.
struct AppendRefusal: Error {
    let error: ValidationError
    let offset: Int
    let before: AppendReport
}

/// The ledger opened directly: the whole file is one atomic batch.
struct EmbeddedLedger: LedgerBackend {
    let log: EventLog

    func at(_ date: CivilDate, department: String?, knownAt: Timestamp?, knownAtText: String?) throws -> AtResult {
        try log.at(date, department: department, knownAt: knownAt, knownAtText: knownAtText)
    }

    func append(_ batch: NDJSONBatch, progress: (Int, Int) -> Void) throws -> AppendReport {
        do {
            return try log.append(batch.values, now: SystemClock.now())
        } catch let error as ValidationError {
            throw AppendRefusal(error: error, offset: 0, before: AppendReport(appended: 0, duplicates: 0, firstSeq: nil, lastSeq: nil))
        }
    }

    func history(of line: String) throws -> [HistoryEntry] { try log.history(of: line) }

    func export(fromSeq: UInt64, _ body: ([UInt8]) throws -> Void) throws { try log.export(fromSeq: fromSeq, body) }

    func verify() throws -> ChainVerification { try log.verify() }
}

/// The ledger reached through `ledgerd`'s socket.
struct DaemonLedger: LedgerBackend {
    let connection: LedgerConnection
    /// A request line stays well under the daemon's 1 MiB limit.
    static let requestBytes = 768 << 10

    func at(_ date: CivilDate, department: String?, knownAt: Timestamp?, knownAtText: String?) throws -> AtResult {
        var request = JSONObject([("op", .string("at")), ("date", .string(date.description))])
        if let department { request["department"] = .string(department) }
        if let knownAtText { request["known_at"] = .string(knownAtText) }
        let response = try connection.request(.object(request))
        return try AtResultDecoder.decode(response["result"] ?? .null)
    }

    func append(_ batch: NDJSONBatch, progress: (Int, Int) -> Void) throws -> AppendReport {
        var total = AppendReport(appended: 0, duplicates: 0, firstSeq: nil, lastSeq: nil)
        var start = 0
        while start < batch.values.count {
            var end = start
            var bytes = 0
            while end < batch.values.count, end - start < 10_000 {
                let size = CanonicalJSON.encode(batch.values[end]).count + 1
                if end > start && bytes + size > Self.requestBytes { break }
                bytes += size
                end += 1
            }
            let request = JSONValue.object(JSONObject([("op", .string("append")), ("events", .array(Array(batch.values[start..<end])))]))
            do {
                let response = try connection.request(request)
                guard case .appended(let report) = try ResponseDecoder.decode(.object(response)) else {
                    throw ClientError.broken("the daemon did not answer the append")
                }
                total.appended += report.appended
                total.duplicates += report.duplicates
                total.firstSeq = total.firstSeq ?? report.firstSeq
                total.lastSeq = report.lastSeq ?? total.lastSeq
            } catch ClientError.refused(let code, let message, let index, let field) {
                guard let rule = ValidationError.Code(rawValue: code) else {
                    throw CommandFailure("\(code): \(message)\(total.appended > 0 ? "; \(AppendCommand.summary(total)) before it" : "; nothing was appended")")
                }
                throw AppendRefusal(error: ValidationError(rule, field: field, message, index: index), offset: start, before: total)
            }
            start = end
            progress(start, batch.values.count)
        }
        return total
    }

    func history(of line: String) throws -> [HistoryEntry] {
        let response = try connection.request(.object(JSONObject([("op", .string("history")), ("line", .string(line))])))
        guard case .history(let objects) = try ResponseDecoder.decode(.object(response)) else {
            throw ClientError.broken("the daemon did not answer the history request")
        }
        return try objects.map { object in
            var event = object
            let retractedBy = event["retracted_by"]?.stringValue
            event["retracted_by"] = nil
            let (stored, hash) = try StoredEventDecoder.decode(.object(event))
            event["hash"] = nil
            return HistoryEntry(stored: stored, hash: hash, canonical: CanonicalJSON.encode(.object(event)), retractedBy: retractedBy)
        }
    }

    func export(fromSeq: UInt64, _ body: ([UInt8]) throws -> Void) throws {
        try connection.send(.object(JSONObject([("op", .string("export")), ("from_seq", .integer(Int64(max(fromSeq, 1))))])))
        while let line = try connection.receive() {
            switch try ResponseDecoder.decode(line) {
            case .event(let event): try body(CanonicalJSON.encode(.object(event)))
            case .exportDone: return
            case .error(let error): throw CommandFailure(error.description)
            default: throw ClientError.broken("unexpected line in an export")
            }
        }
        throw ClientError.broken("the export ended early")
    }

    func verify() throws -> ChainVerification {
        try connection.send(.object(JSONObject([("op", .string("verify"))])))
        guard let line = try connection.receive() else { throw ClientError.broken("no answer to verify") }
        switch try ResponseDecoder.decode(line) {
        case .verified(let count, let head): return .intact(count: count, head: Hex.bytes(head) ?? [])
        case .error(let error) where error.code == "chain_broken": return .broken(seq: error.seq ?? 0, reason: error.message)
        case .error(let error): throw CommandFailure(error.description)
        default: throw ClientError.broken("unexpected answer to verify")
        }
    }
}
