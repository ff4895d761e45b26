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
        try connection.at(date: date, department: department, knownAt: knownAtText ?? knownAt?.rfc3339)
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
            let report: AppendReport
            do {
                report = try connection.append(Array(batch.values[start..<end]))
            } catch {
                guard let refusal = error.refusal else { throw error }
                throw Self.failure(refusal, offset: start, before: total)
            }
            total.appended += report.appended
            total.duplicates += report.duplicates
            total.firstSeq = total.firstSeq ?? report.firstSeq
            total.lastSeq = report.lastSeq ?? total.lastSeq
            start = end
            progress(start, batch.values.count)
        }
        return total
    }

    /// The daemon's refusal of the batch starting at `offset`: a rule of the ledger, said as the
    /// embedded ledger says it, or another error, with what went in before it.
    private static func failure(_ refusal: ProtocolError, offset: Int, before total: AppendReport) -> any Error {
        guard let rule = ValidationError.Code(rawValue: refusal.code) else {
            return CommandFailure(
                "\(refusal.code): \(refusal.message)\(total.appended > 0 ? "; \(AppendCommand.summary(total)) before it" : "; nothing was appended")"
            )
        }
        return AppendRefusal(error: ValidationError(rule, field: refusal.field, refusal.message, index: refusal.index), offset: offset, before: total)
    }

    /// Runs `body`, turning the daemon's refusal into a failure said as `code: message`.
    static func plainly<Value>(_ body: () throws(ClientError) -> Value) throws -> Value {
        do {
            return try body()
        } catch {
            guard let refusal = error.refusal else { throw error }
            throw CommandFailure(refusal.description)
        }
    }

    func history(of line: String) throws -> [HistoryEntry] {
        try connection.history(line: line).map { object in
            var event = object
            let retractedBy = event["retracted_by"]?.stringValue
            event["retracted_by"] = nil
            let (stored, hash) = try StoredEventDecoder.decode(.object(event))
            event["hash"] = nil
            return HistoryEntry(stored: stored, hash: hash, canonical: CanonicalJSON.encode(.object(event)), retractedBy: retractedBy)
        }
    }

    func export(fromSeq: UInt64, _ body: ([UInt8]) throws -> Void) throws {
        var events = try Self.plainly { () throws(ClientError) in try connection.export(from: max(fromSeq, 1)) }
        while let event = try Self.plainly({ () throws(ClientError) in try events.next() }) {
            try body(CanonicalJSON.encode(.object(event)))
        }
    }

    func verify() throws -> ChainVerification {
        switch try Self.plainly({ () throws(ClientError) in try connection.verify() }) {
        case .intact(let count, let head): return .intact(count: count, head: Hex.bytes(head) ?? [])
        case .broken(let seq, let message): return .broken(seq: seq, reason: message)
        }
    }
}
