import LMDB
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// Rebuilding the projections from the events log gives back exactly what appends wrote.
@Suite struct RebuildTests {
    static let databases = ["events", "ids", "line_index", "lines", "department_lines", "retractions", "meta"]
    static let derived = ["ids", "line_index", "lines", "department_lines", "retractions"]
    /// The three parts of `line_index` that `contents` also gives apart: each line's late funding
    /// sums (`line 0x00 0x00 …`), its events (`line 0x00 0x01 …`) and its timeline (`line 0x00 0x02 …`).
    static let lineIndexParts = ["late funding", "line events", "timeline"]

    /// Every key/value pair of every database, read with the store closed; `wiping` empties those named first.
    static func contents(of fixture: StoreFixture, wiping: [String] = []) throws -> [String: [[UInt8]]] {
        let path = fixture.directory.path
        let elsewhere = try TemporaryDirectory()
        fixture.log = try EventLog(path: elsewhere.path)
        var result: [String: [[UInt8]]] = [:]
        do {
            let environment = try Environment(path: path)
            let opened = try environment.openDatabases(databases)
            try environment.write { txn in
                // Which databases the environment holds, as the key of one more entry.
                result["names"] = try txn.databaseNames().map { Array($0.utf8) }
                for (name, database) in zip(databases, opened) {
                    var pairs: [[UInt8]] = []
                    try txn.withCursor(database) { cursor in
                        var entry = try cursor.first()
                        while let current = entry {
                            pairs.append(current.key)
                            pairs.append(current.value)
                            entry = try cursor.next()
                        }
                    }
                    result[name] = pairs
                    if wiping.contains(name) { try txn.empty(database) }
                }
            }
        }
        try fixture.reopen()
        for (kind, part) in lineIndexParts.enumerated() {
            result[part] = lineIndexPart(result["line_index"] ?? [], kind: UInt8(kind))
        }
        return result
    }

    /// The key/value pairs of `line_index` whose key has `kind` after the line's slug and its 0x00.
    static func lineIndexPart(_ pairs: [[UInt8]], kind: UInt8) -> [[UInt8]] {
        stride(from: 0, to: pairs.count, by: 2).flatMap { index -> [[UInt8]] in
            let key = pairs[index]
            guard let separator = key.firstIndex(of: 0), separator + 1 < key.count, key[separator + 1] == kind else { return [] }
            return [key, pairs[index + 1]]
        }
    }

    /// Appends in several batches, a day apart, events of every kind the projections treat specially.
    static func mixedLedger() throws -> (StoreFixture, [Timestamp]) {
        let fixture = try StoreFixture()
        var recorded: [Timestamp] = []
        func nextDay() {
            recorded.append(fixture.now)
            fixture.now = Timestamp(millisecondsSinceEpoch: fixture.now.millisecondsSinceEpoch + 86_400_000)
        }
        try fixture.append([
            Events.announced("action-plan", amount: 1_000_000_000, due: "2025-07", on: "2025-01-10", id: "plan"),
            Events.announced("police", amount: 250_000_000, due: "2025-06", parent: "action-plan", on: "2025-01-12", id: "police"),
            Events.announced("audit", amount: 250_000_000, due: "2025", parent: "action-plan", on: "2025-01-12"),
            Events.announced("mandatory-reporting", department: "justice", due: "2025-04-15", kind: "legislation", on: "2025-01-16", id: "law"),
            Events.announced("mistake", amount: 700, on: "2025-01-20", id: "mistake"),
            Events.event("funded", "action-plan", on: "2025-02-01", #""amount_pence":100000000"#, id: "first-funding"),
            Events.event("funded", "police", on: "2025-02-03", #""amount_pence":50000000"#, id: "police-funding"),
        ])
        nextDay()
        try fixture.append([
            Events.event("funded", "action-plan", on: "2025-01-20", #""amount_pence":50000000"#, id: "late-funding"),
            Events.event("slipped", "action-plan", on: "2025-03-01", #""due":"2025-10","reason":"consultation""#),
            Events.event("corrected", "action-plan", on: "2025-06-01", #""retracts":"first-funding","reason":"was a re-announcement""#),
            Events.event("legislated", "mandatory-reporting", on: "2025-02-10", #""stage":"introduced","bill":"Crime and Policing Bill""#),
            Events.event("amended", "audit", on: "2025-02-15", #""amount_pence":300000000,"title":"National audit""#),
        ])
        nextDay()
        try fixture.append([
            Events.event("corrected", "mistake", on: "2025-05-01", #""retracts":"mistake","reason":"never promised""#),
            Events.event("amended", "police", on: "2025-01-25", #""due":"2025-09""#, id: "backdated-amendment"),
            Events.event("funded", "police", on: "2025-01-15", #""amount_pence":1000"#),
            Events.event("funded", "police", on: "2025-03-01", #""amount_pence":2000"#),
            Events.event("corrected", "police", on: "2025-04-01", #""retracts":"police-funding","reason":"double counted""#),
            Events.event("delivered", "police", on: "2025-05-20", #""note":"all cases reopened""#),
            Events.event("withdrawn", "audit", on: "2025-04-02", #""reason":"folded into the inquiry""#),
        ])
        nextDay()
        try fixture.append([
            Events.announced("mistake", amount: 900, department: "justice", on: "2025-02-01", id: "mistake-again"),
            Events.event("slipped", "mandatory-reporting", on: "2025-04-10", #""due":"2025-12","reason":"parliamentary time""#),
            Events.event("funded", "action-plan", on: "2025-01-11", #""amount_pence":7"#),
            // A late amount retracted: it comes out of the late funding sums, and its entry says so.
            Events.event("corrected", "action-plan", on: "2025-06-02", #""retracts":"late-funding","reason":"counted twice""#),
            Events.event("legislated", "mandatory-reporting", on: "2025-05-01", #""stage":"royal-assent","bill":"Crime and Policing Bill""#),
            Events.event("delivered", "mandatory-reporting", on: "2025-05-02"),
        ])
        nextDay()
        // The second release's events, some backdated among the others.
        try fixture.append([
            Events.announced("rec-13", due: "2024", kind: "recommendation", on: "2022-10-20", #""made_by":"IICSA""#),
            Events.event("responded", "rec-13", on: "2023-05-22", #""response":"accepted-in-principle""#),
            Events.event("progress", "action-plan", on: "2025-02-20", #""note":"first cases passed on""#),
            Events.event("amended", "action-plan", on: "2025-01-30", #""money":"reannounced""#),
            Events.event("legislated", "mandatory-reporting", on: "2025-03-15", #""stage":"committee","bill":"Crime and Policing Bill","house":"lords""#),
            Events.announced("inquiry", amount: 6_500_000_000, on: "2025-04-01"),
            Events.event("withdrawn", "action-plan", on: "2025-06-10", #""reason":"overtaken","replaced_by":"inquiry""#),
            Events.event("funded", "inquiry", on: "2025-04-05", #""amount_pence":100"#),
            Events.event("progress", "inquiry", on: "2025-05-05", #""note":"chair sought""#),
            Events.event("funded", "inquiry", on: "2025-04-02", #""amount_pence":5"#),
        ])
        nextDay()
        return (fixture, recorded)
    }

    static let dates = ["2025-01-10", "2025-01-19", "2025-01-25", "2025-02-02", "2025-03-01", "2025-04-15", "2025-05-21", "2025-12-31"]

    static func answers(_ fixture: StoreFixture, knownAt: [Timestamp]) throws -> [AtResult] {
        var results: [AtResult] = []
        for date in dates {
            results.append(try fixture.at(date))
            results.append(try fixture.at(date, department: "justice"))
            for cutoff in knownAt { results.append(try fixture.at(date, knownAt: cutoff)) }
        }
        return results
    }

    @Test func rebuildingReproducesEveryDerivedDatabase() throws {
        let (fixture, _) = try Self.mixedLedger()
        let before = try Self.contents(of: fixture, wiping: Self.derived)
        #expect(before["timeline"]?.isEmpty == false)
        #expect(before["late funding"]?.isEmpty == false)
        #expect(before["retractions"]?.count == 8)  // four retractions, key and value each
        // Wiped: the projections now answer nothing until they are rebuilt.
        #expect(try fixture.at("2025-04-15").departments.isEmpty)

        let report = try fixture.log.rebuildProjections()
        #expect(report == RebuildReport(events: 35, lines: 7))
        let after = try Self.contents(of: fixture)
        for name in Self.databases {
            #expect(after[name] == before[name], "database \(name)")
        }
    }

    @Test func rebuildingKeepsEveryAnswer() throws {
        let (fixture, recorded) = try Self.mixedLedger()
        let before = try Self.answers(fixture, knownAt: recorded)
        #expect(before.first { $0.line("mistake") != nil } != nil)
        _ = try Self.contents(of: fixture, wiping: Self.derived)
        _ = try fixture.log.rebuildProjections()
        #expect(try Self.answers(fixture, knownAt: recorded) == before)
        // And the rebuilt store takes appends as before.
        try fixture.append([Events.event("funded", "action-plan", on: "2025-01-15", #""amount_pence":3"#)])
        #expect(try fixture.at("2025-01-16").line("action-plan")?.state.funded == Pence(10))
    }

    /// How an event of the log can be found damaged by a rebuild, and what the rebuild says.
    enum Damage: CaseIterable, CustomTestStringConvertible {
        case cutShort, notJSON, missing

        var testDescription: String { "\(self)" }

        /// The error's message, for event `seq`.
        func message(seq: UInt64) -> String {
            switch self {
            case .cutShort: "event \(seq) is damaged"
            case .notJSON: "event \(seq) does not decode"
            case .missing: "the events log has no event \(seq)"
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedEventStopsTheRebuildAndChangesNothing(_ damage: Damage) throws {
        let (fixture, _) = try Self.mixedLedger()
        // Event 20, past the first few, so that the rebuild has written entries before meeting it.
        let seq: UInt64 = 20
        let before = try Self.contents(of: fixture)
        let elsewhere = try TemporaryDirectory()
        fixture.log = try EventLog(path: elsewhere.path)
        do {
            let environment = try Environment(path: fixture.directory.path)
            let events = try environment.openDatabases(["events"])[0]
            try environment.write { txn in
                let key = BigEndian.bytes(seq)
                let value = try #require(try txn.get(events, key))
                switch damage {
                case .cutShort: try txn.put(events, key, Array(value.prefix(20)))
                case .notJSON: try txn.put(events, key, Array(value.prefix(32)) + Array("{\"seq\":".utf8))
                case .missing: try txn.delete(events, key)
                }
            }
        }
        try fixture.reopen()

        let error = try #require(throws: StoreError.self) { try fixture.log.rebuildProjections() }
        #expect(error.code == .corrupted)
        #expect(error.message.hasPrefix(damage.message(seq: seq)), "\(error.message)")
        let after = try Self.contents(of: fixture)
        for name in Self.derived {
            #expect(after[name] == before[name], "database \(name)")
        }
    }
}
