import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// A `funded` event dated before events already on its line (a late one, the normal case of a
/// record backfilled from documents) costs the same few records however long the line and however
/// far back it is dated, and every answer stays what folding the events gives.
@Suite struct LateFundingTests {
    /// The derived databases, with `line_index` counted in its two parts.
    static let derived = RebuildTests.derived.filter { $0 != "line_index" } + RebuildTests.lineIndexParts

    /// A line announced on 2020-01-01 with `days` fundings of 1p on consecutive days from 2020-01-02.
    static func longLine(days: Int) throws -> (StoreFixture, [String]) {
        let fixture = try StoreFixture()
        let start = try #require(CivilDate(iso: "2020-01-01"))
        var lines = [Events.announced("long", amount: 1_000_000, on: "2020-01-01")]
        for day in 1...days {
            lines.append(Events.event("funded", "long", on: start.adding(days: day).description, #""amount_pence":1"#, id: "f\(day)"))
        }
        for batch in stride(from: 0, to: lines.count, by: 500) {
            try fixture.append(Array(lines[batch..<min(batch + 500, lines.count)]))
        }
        return (fixture, lines)
    }

    /// How many records of the derived databases differ between two snapshots (added, removed or changed).
    static func changedRecords(_ before: [String: [[UInt8]]], _ after: [String: [[UInt8]]]) -> [String: Int] {
        var changed: [String: Int] = [:]
        for name in derived {
            func pairs(_ flat: [[UInt8]]) -> [[UInt8]: [UInt8]] {
                var result: [[UInt8]: [UInt8]] = [:]
                for index in stride(from: 0, to: flat.count, by: 2) { result[flat[index]] = flat[index + 1] }
                return result
            }
            let old = pairs(before[name] ?? [])
            let new = pairs(after[name] ?? [])
            let count = Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.count
            if count > 0 { changed[name] = count }
        }
        return changed
    }

    @Test func aBackdatedFundingChangesTheSameFewRecordsHoweverLongItsLine() throws {
        var changes: [[String: Int]] = []
        for days in [100, 2_000] {
            let (fixture, lines) = try Self.longLine(days: days)
            let before = try RebuildTests.contents(of: fixture)
            let late = Events.event("funded", "long", on: "2020-01-01", #""amount_pence":7"#, id: "late")
            try fixture.append([late])
            let after = try RebuildTests.contents(of: fixture)
            changes.append(Self.changedRecords(before, after))
            // It counts from its own date on, and only from then.
            #expect(try fixture.at("2020-01-01").line("long")?.state.funded == Pence(7))
            let last = try #require(CivilDate(iso: "2020-01-01")).adding(days: days).description
            #expect(try fixture.at(last).line("long")?.state.funded == Pence(Int64(days) + 7))
            #expect(try fixture.at(last) == (try Events.result(lines + [late], at: try #require(CivilDate(iso: last)))))
        }
        // One id, one line event entry, and the four running late funding sums: no timeline entry.
        #expect(changes[0] == ["ids": 1, "line events": 1, "late funding": 4])
        #expect(changes[1] == changes[0])
    }

    @Test func newestFirstAndOldestFirstGiveTheSameAnswersAndStoreAsMuch() throws {
        let start = try #require(CivilDate(iso: "2020-01-01"))
        let announce = Events.announced("long", amount: 1_000_000, on: "2020-01-01")
        let fundings = (1...400).map { day in
            Events.event("funded", "long", on: start.adding(days: day * 3).description, #""amount_pence":\#(day)"#, id: "f\(day)")
        }
        let oldestFirst = try StoreFixture()
        let newestFirst = try StoreFixture()
        try oldestFirst.append([announce])
        try newestFirst.append([announce])
        for funding in fundings { try oldestFirst.append([funding]) }
        for funding in fundings.reversed() { try newestFirst.append([funding]) }
        for offset in [0, 1, 2, 3, 299, 300, 301, 600, 1_199, 1_200, 1_201, 4_000] {
            let date = start.adding(days: offset)
            let answer = try oldestFirst.log.at(date)
            #expect(try newestFirst.log.at(date) == answer, "at \(date)")
            #expect(answer == (try Events.result([announce] + fundings, at: date)), "at \(date)")
        }
        // Oldest first, each funding is a timeline entry; newest first, all but the first are late.
        let oldest = try RebuildTests.contents(of: oldestFirst)
        let newest = try RebuildTests.contents(of: newestFirst)
        #expect((oldest["late funding"] ?? []).isEmpty)
        #expect((newest["timeline"] ?? []).count == 2 * 2)
        // A bucket per late day, and per 64-day, 4,096-day and 262,144-day block holding one (days
        // are numbered from 1,000,000 at 1970-01-01 in the keys).
        let lateDays = (1...399).map { start.adding(days: $0 * 3).daysSinceEpoch + 1_000_000 }
        let buckets = [0, 6, 12, 18].map { shift in Set(lateDays.map { $0 >> shift }).count }
        #expect(buckets[0] == 399 && buckets[3] == 1)
        #expect((newest["late funding"] ?? []).count == 2 * buckets.reduce(0, +))
    }

    @Test func retractingALateFundingTakesItOutAndTheLastActivityStaysWhereAnotherCounts() throws {
        let fixture = try StoreFixture()
        try fixture.append([
            Events.announced("plan", amount: 1_000_000, due: "2025-12", on: "2025-01-10"),
            Events.event("slipped", "plan", on: "2025-03-01", #""due":"2026-01","reason":"moved""#),
        ])
        try fixture.append([
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":5"#, id: "kept"),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":9"#, id: "wrong"),
            Events.event("funded", "plan", on: "2025-01-20", #""amount_pence":100"#, id: "earlier"),
        ])
        #expect(try fixture.at("2025-02-01").line("plan")?.state.funded == Pence(114))
        let before = try RebuildTests.contents(of: fixture)
        try fixture.append([Events.event("corrected", "plan", on: "2025-04-01", #""retracts":"wrong","reason":"twice""#)])
        let after = try RebuildTests.contents(of: fixture)
        // The correction's own entries, and the retracted amount out of four sums: the timeline
        // gains only the correction's date.
        #expect(Self.changedRecords(before, after)["late funding"] == 4)
        #expect(Self.changedRecords(before, after)["timeline"] == 1)
        let state = try #require(try fixture.at("2025-02-15").line("plan")?.state)
        #expect(state.funded == Pence(105))
        #expect(state.lastActivity == CivilDate(iso: "2025-02-01"))
        let answers = try ["2025-01-19", "2025-01-20", "2025-02-01", "2025-03-01", "2025-04-01"].map { try fixture.at($0) }
        _ = try fixture.log.rebuildProjections()
        #expect(try ["2025-01-19", "2025-01-20", "2025-02-01", "2025-03-01", "2025-04-01"].map { try fixture.at($0) } == answers)
        #expect(try RebuildTests.contents(of: fixture) == after)
    }

    @Test func aBackdatedEventThatFoldsTheLineAgainLeavesTheLateAmountsWhereTheyAre() throws {
        let fixture = try StoreFixture()
        var lines = [
            Events.announced("plan", amount: 1_000_000, due: "2025-12", on: "2025-01-10"),
            Events.event("funded", "plan", on: "2025-06-01", #""amount_pence":1"#),
        ]
        lines.append(Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":10"#))
        lines.append(Events.event("funded", "plan", on: "2025-04-01", #""amount_pence":100"#))
        lines.append(Events.event("amended", "plan", on: "2025-03-01", #""amount_pence":2000000"#))
        lines.append(Events.event("funded", "plan", on: "2025-03-15", #""amount_pence":1000"#))
        for line in lines { try fixture.append([line]) }
        let dates = ["2025-01-31", "2025-02-01", "2025-03-01", "2025-03-15", "2025-04-01", "2025-06-01"]
        for date in dates {
            #expect(try fixture.at(date) == (try Events.result(lines, at: try #require(CivilDate(iso: date)))), "at \(date)")
        }
        let appended = try RebuildTests.contents(of: fixture)
        _ = try fixture.log.rebuildProjections()
        #expect(try RebuildTests.contents(of: fixture) == appended)
    }
}
