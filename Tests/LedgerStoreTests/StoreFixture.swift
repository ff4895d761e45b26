import LedgerCore
import LedgerStore
import LedgerTestSupport

/// A ledger in a temporary directory, with a controllable clock.
final class StoreFixture {
    let directory: TemporaryDirectory
    var log: EventLog
    /// 2025-06-30T12:00:00Z: the "now" of appends unless a test moves it.
    var now = Timestamp(millisecondsSinceEpoch: 1_751_284_800_000)

    init(options: EventLog.Options = EventLog.Options()) throws {
        directory = try TemporaryDirectory("ledger-store")
        log = try EventLog(path: directory.path, options: options)
    }

    @discardableResult
    func append(_ lines: [String]) throws -> AppendReport {
        try log.append(Events.batch(lines), now: now)
    }

    /// Appends and returns the refusal, or nil if the batch was accepted.
    func refusal(_ lines: [String]) throws -> ValidationError? {
        do {
            try append(lines)
            return nil
        } catch let error as ValidationError {
            return error
        }
    }

    func reopen(options: EventLog.Options = EventLog.Options()) throws {
        log = try EventLog(path: directory.path, options: options)
    }

    func export() throws -> [String] {
        var lines: [String] = []
        try log.export { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines
    }

    func at(_ date: String, department: String? = nil, knownAt: Timestamp? = nil) throws -> AtResult {
        guard let day = CivilDate(iso: date) else { throw StoreError(.storage, "bad test date \(date)") }
        return try log.at(day, department: department, knownAt: knownAt, knownAtText: knownAt?.rfc3339)
    }
}

