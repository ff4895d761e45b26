import Foundation
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// A store written by the previous release (format `ledger-2`, loaded with `mdb_load` from the
/// dump of one that release's `ledgerd` wrote) opens, is upgraded to the current format, and keeps every
/// event byte for byte; its projections then carry the second release's fields.
@Suite struct FormatUpgradeTests {
    static let resources = Paths.packageRoot + "/Tests/LedgerStoreTests/Resources"

    /// The previous release's store, loaded into a fresh directory.
    static func previousReleaseStore(_ format: String = "ledger-2") throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("\(format)-store")
        let load = Process()
        load.executableURL = URL(fileURLWithPath: "/usr/bin/mdb_load")
        load.arguments = ["-f", resources + "/\(format)-store.dump", directory.path]
        load.standardError = FileHandle.nullDevice
        try load.run()
        load.waitUntilExit()
        guard load.terminationStatus == 0 else { throw DaemonFailure(message: "mdb_load exited \(load.terminationStatus)") }
        return directory
    }

    static func exportLines(_ log: EventLog) throws -> [String] {
        var lines: [String] = []
        try log.export { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines
    }

    static var readOnly: EventLog.Options {
        var options = EventLog.Options()
        options.readOnly = true
        return options
    }

    /// Checks that the store in `directory`, of the earlier `format`, is refused read-only with a
    /// message saying how to upgrade it, then opens it for writing (upgrading it) and checks that
    /// every one of its `events` is exported byte for byte as before and the chain is intact.
    static func upgrade(_ directory: TemporaryDirectory, from format: String, events: Int) throws -> EventLog {
        #expect {
            try EventLog(path: directory.path, options: readOnly)
        } throws: { error in
            (error as? StoreError)?.code == .unsupportedFormat && "\(error)".contains("earlier format \(format)")
        }
        let log = try EventLog(path: directory.path)
        let expected = try String(contentsOfFile: resources + "/\(format)-export.ndjson", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(expected.count == events)
        #expect(try exportLines(log) == expected)
        #expect(try log.verify() == .intact(count: events, head: try log.head().hash))
        // `line_index` holds what `line_events`, `timeline` and `late_funding` held, and they are gone.
        #expect(try databaseNames(directory) == ["department_lines", "events", "ids", "line_index", "lines", "meta", "retractions"])
        return log
    }

    /// The named databases in the environment in `directory`, as `mdb_stat -a` lists them.
    static func databaseNames(_ directory: TemporaryDirectory) throws -> [String] {
        let stat = Process()
        let output = Pipe()
        stat.executableURL = URL(fileURLWithPath: "/usr/bin/mdb_stat")
        stat.arguments = ["-a", directory.path]
        stat.standardOutput = output
        try stat.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        stat.waitUntilExit()
        return text.split(separator: "\n").compactMap { line in
            line.hasPrefix("Status of ") && line != "Status of Main DB" ? String(line.dropFirst("Status of ".count)) : nil
        }
    }

    @Test(.needsMDBLoad)
    func aStoreOfThePreviousReleaseIsUpgradedKeepingEveryEvent() throws {
        let directory = try Self.previousReleaseStore()
        let log = try Self.upgrade(directory, from: "ledger-2", events: 30)

        let endOf2025 = try #require(CivilDate(iso: "2025-12-31"))
        let state = try #require(try log.at(endOf2025).line("hillsborough-law")?.state)
        #expect(state.status == .delivered)
        #expect(state.deliveredOn == CivilDate(iso: "2025-10-01"))
        // Due 2025-09 after its slip: delivered a day after that month ended.
        #expect(state.lateDays == 1)
        #expect(state.lastActivity == CivilDate(iso: "2025-10-01"))
        #expect(state.house == nil)
        let caid = try #require(try log.at(endOf2025).line("child-abuse-image-database")?.state)
        // The retracted funding no longer counts, and neither its date nor the correction's is activity.
        #expect(caid.funded == .zero)
        #expect(caid.lastActivity == CivilDate(iso: "2025-01-16"))

        // Upgraded once: it now opens read-only, and a rebuild derives the same projections.
        let answer = try log.at(endOf2025)
        let exported = try Self.exportLines(log)
        #expect(try EventLog(path: directory.path, options: Self.readOnly).at(endOf2025) == answer)
        _ = try log.rebuildProjections()
        #expect(try log.at(endOf2025) == answer)
        #expect(try Self.exportLines(log) == exported)
    }

    /// The `at` result as the socket and `ledger at --format json` give it, parsed.
    static func json(_ result: AtResult) throws -> JSONValue {
        var bytes: [UInt8] = []
        AtJSON.encode(result, into: &bytes)
        return try JSONParser.parse(bytes)
    }

    /// Checks that `log` answers `at` at three dates exactly as the store's earlier `format`
    /// did: its `ledger at --format json` output, kept beside its dump.
    static func expectTheAnswersOf(_ format: String, from log: EventLog) throws {
        for date in ["2025-08-01", "2025-12-31", "2026-06-30"] {
            let text = try String(contentsOfFile: resources + "/\(format)-at-\(date).json", encoding: .utf8)
            let before = try JSONParser.parse(Array(text.utf8))
            #expect(try json(log.at(try #require(CivilDate(iso: date)))) == before, "at \(date)")
        }
    }

    /// The dump of a store of the earlier `format`, loaded and upgraded (`upgrade`), answering `at`
    /// as that format did, and opening read-only once upgraded; with the directory that keeps it.
    static func upgradedWithTheSameAnswers(_ format: String, events: Int) throws -> (TemporaryDirectory, EventLog) {
        let directory = try previousReleaseStore(format)
        let log = try upgrade(directory, from: format, events: events)
        try expectTheAnswersOf(format, from: log)
        #expect(try EventLog(path: directory.path, options: readOnly).eventCount() == events)
        return (directory, log)
    }

    /// A store of format `ledger-3` (the bundled record and two fundings recorded after later
    /// events of their line, written by that format's `ledger append --db` and dumped with
    /// `mdb_dump -a`) is upgraded to the current format: every event byte for byte, the same answers as
    /// that format gave (its `ledger at --format json` output, kept beside the dump), and late
    /// fundings from then on kept as late funding sums.
    @Test(.needsMDBLoad)
    func aStoreOfFormat3IsUpgradedWithTheSameAnswers() throws {
        // Upgraded once, it opens read-only; and it takes a late funding into the new projection.
        let (_, log) = try Self.upgradedWithTheSameAnswers("ledger-3", events: 230)
        let line = "national-grooming-gangs-inquiry"
        let endOfJuly = try #require(CivilDate(iso: "2025-07-31"))
        let funded = try #require(try log.at(endOfJuly).line(line)?.state.funded)
        let late = #"{"id":"after-upgrade","type":"funded","line":"\#(line)","effective":"2025-07-01","amount_pence":25,"source":{"title":"A later record of an earlier payment"}}"#
        _ = try log.append([try JSONParser.parse(Array(late.utf8))], now: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000))
        #expect(try log.at(endOfJuly).line(line)?.state.funded == funded + Pence(25))
    }

    /// A store of format `ledger-4`, release 0.1.0's (the bundled record, a late funding, and a
    /// second late funding retracted by a correction, written by that release's `ledger append
    /// --db` and dumped with `mdb_dump -a`), is upgraded: every event byte for byte, the same
    /// answers as that release gave (its `ledger at --format json` output, kept beside the dump),
    /// and its ids, now kept as a seq and 16 bytes of digest, still tell a re-send from a clash
    /// and find the event a correction retracts.
    @Test(.needsMDBLoad)
    func aStoreOfRelease010IsUpgradedWithTheSameAnswers() throws {
        let (_, log) = try Self.upgradedWithTheSameAnswers("ledger-4", events: 231)

        let now = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)
        let exported = try Self.exportLines(log)
        // Every stored event re-sent as it was: all duplicates, nothing appended.
        let resent = try exported.map { line -> JSONValue in
            guard case .object(var object) = try JSONParser.parse(Array(line.utf8)) else { throw DaemonFailure(message: "not an object") }
            for field in ["seq", "recorded", "hash"] { object[field] = nil }
            return .object(object)
        }
        let again = try log.append(resent, now: now)
        #expect(again.appended == 0 && again.duplicates == 231)
        // The same id with other content is refused, naming the id.
        let clash = #"{"id":"ledger-4-late-funding","type":"funded","line":"national-grooming-gangs-inquiry","effective":"2025-07-01","amount_pence":2500001,"source":{"title":"A later record of an earlier payment"}}"#
        #expect {
            _ = try log.append([try JSONParser.parse(Array(clash.utf8))], now: now)
        } throws: { error in
            (error as? ValidationError)?.code == .idConflict && "\(error)".contains("ledger-4-late-funding")
        }
        // A correction of an event stored before the upgrade takes its late amount out.
        let line = "national-grooming-gangs-inquiry"
        let endOfJuly = try #require(CivilDate(iso: "2025-07-31"))
        let funded = try #require(try log.at(endOfJuly).line(line)?.state.funded)
        let erratum = #"{"id":"after-upgrade-erratum","type":"corrected","line":"national-grooming-gangs-inquiry","effective":"2025-08-20","retracts":"ledger-4-late-funding","reason":"Not paid after all.","source":{"title":"Ledger erratum"}}"#
        _ = try log.append([try JSONParser.parse(Array(erratum.utf8))], now: now)
        #expect(try log.at(endOfJuly).line(line)?.state.funded == funded - Pence(2_500_000))
        #expect(try Self.exportLines(log).count == 232)
        #expect(try log.verify() == .intact(count: 232, head: try log.head().hash))
    }

    /// A store of format `ledger-5`, the last with `line_events` and `timeline` apart (release
    /// 0.1.0's store upgraded by that format's `ledger rebuild --db`, then a backdated amendment
    /// and a late funding appended by its `ledger append --db`, and dumped with `mdb_dump -a`), is
    /// upgraded: every event byte for byte, the same answers as that format gave, each line's
    /// events and timeline side by side in `line_index`, and a rebuild deriving what the upgrade did.
    @Test(.needsMDBLoad)
    func aStoreOfFormat5IsUpgradedWithTheSameAnswers() throws {
        let (directory, log) = try Self.upgradedWithTheSameAnswers("ledger-5", events: 233)
        let line = "national-grooming-gangs-inquiry"
        let dates = try ["2025-07-09", "2025-07-20", "2025-07-31", "2025-12-31"].map { try #require(CivilDate(iso: $0)) }
        // The amendment dated before later events of its line, and the late funding, still count from their dates.
        let before = try #require(try log.at(dates[0]).line(line)?.state)
        let after = try #require(try log.at(dates[2]).line(line)?.state)
        #expect(after.pledged == Pence(6_000_000_000) && before.pledged != after.pledged)
        #expect(after.funded == before.funded + Pence(300_000))
        // A backdated amendment appended after the upgrade folds the line again in the new layout.
        let amendment = #"{"id":"after-upgrade-amendment","type":"amended","line":"\#(line)","effective":"2025-07-25","amount_pence":5500000000,"source":{"title":"A later record of another re-scoping"}}"#
        _ = try log.append([try JSONParser.parse(Array(amendment.utf8))], now: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000))
        #expect(try log.at(dates[2]).line(line)?.state.pledged == Pence(5_500_000_000))
        let answers = try dates.map { try log.at($0) }
        _ = try log.rebuildProjections()
        #expect(try dates.map { try log.at($0) } == answers)
        #expect(try Self.databaseNames(directory).contains("line_index"))
    }
}

extension Trait where Self == ConditionTrait {
    /// Loading a store's dump needs `mdb_load`, from lmdb-utils, which `deploy/packages.sh` installs.
    fileprivate static var needsMDBLoad: Self {
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mdb_load"), "needs mdb_load (lmdb-utils)")
    }
}
