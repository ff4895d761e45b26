import LedgerCore
@testable import LedgerStore
import LedgerTestSupport
import Testing

/// `at D` and `at D --known-at T` against a real store: late records, corrections, parents.
@Suite struct PointInTimeTests {
    /// Two appends a day apart: the second backfills a funding dated before the first was recorded.
    func backfilledLedger() throws -> (StoreFixture, Timestamp) {
        let fixture = try StoreFixture()
        try fixture.append([
            Events.announced("action-plan", amount: 1_000_000_000, due: "2025-07", id: "plan"),
            Events.event("funded", "action-plan", on: "2025-02-01", #""amount_pence":100000000"#, id: "first-funding"),
        ])
        let firstRecorded = fixture.now
        fixture.now = Timestamp(millisecondsSinceEpoch: firstRecorded.millisecondsSinceEpoch + 86_400_000)
        try fixture.append([
            Events.event("funded", "action-plan", on: "2025-01-20", #""amount_pence":50000000"#, id: "late-funding"),
            Events.event("slipped", "action-plan", on: "2025-03-01", #""due":"2025-10","reason":"consultation""#),
            Events.event("corrected", "action-plan", on: "2025-06-01", #""retracts":"first-funding","reason":"was a re-announcement""#),
        ])
        return (fixture, firstRecorded)
    }

    @Test func aLateRecordCountsFromItsEffectiveDate() throws {
        let (fixture, _) = try backfilledLedger()
        #expect(try fixture.at("2025-01-19").line("action-plan")?.state.funded == .zero)
        #expect(try fixture.at("2025-01-20").line("action-plan")?.state.funded == Pence(50_000_000))
    }

    @Test func aCorrectionAppliesAtEveryDate() throws {
        let (fixture, _) = try backfilledLedger()
        // The correction is effective in June, yet the retracted February funding is gone in March too.
        #expect(try fixture.at("2025-03-01").line("action-plan")?.state.funded == Pence(50_000_000))
    }

    @Test func knownAtShowsWhatTheLedgerSaidThen() throws {
        let (fixture, firstRecorded) = try backfilledLedger()
        let then = try fixture.at("2025-04-15", knownAt: firstRecorded)
        let line = try #require(then.line("action-plan"))
        #expect(line.state.funded == Pence(100_000_000))
        #expect(line.state.slips == 0)
        #expect(line.state.due?.description == "2025-07")
        #expect(then.knownAt == firstRecorded.rfc3339)
        let now = try #require(try fixture.at("2025-04-15").line("action-plan"))
        #expect(now.state.funded == Pence(50_000_000))
        #expect(now.state.slips == 1)
        #expect(now.state.slippedDays == 92)
    }

    @Test func aCutOffAfterTheNewestEventAnswersAsNowFromTheProjections() throws {
        let (fixture, firstRecorded) = try backfilledLedger()
        let newest = try fixture.log.head().recorded
        #expect(newest > firstRecorded)
        for date in ["2025-01-25", "2025-03-01", "2025-06-01"] {
            let day = try #require(CivilDate(iso: date))
            var asNow = try fixture.log.at(day)
            asNow.knownAt = newest.rfc3339
            #expect(try fixture.log.at(day, knownAt: newest, knownAtText: newest.rfc3339) == asNow)
            #expect(try fixture.log.atByFold(day, knownAt: newest) == fixture.log.at(day))
        }
        // A millisecond earlier the second append is not known yet.
        let justBefore = Timestamp(millisecondsSinceEpoch: newest.millisecondsSinceEpoch - 1)
        let then = try fixture.at("2025-04-15", knownAt: justBefore)
        #expect(then.line("action-plan")?.state.funded == Pence(100_000_000))
    }

    @Test func knownAtBeforeAnythingWasRecordedIsEmpty() throws {
        let (fixture, firstRecorded) = try backfilledLedger()
        let before = Timestamp(millisecondsSinceEpoch: firstRecorded.millisecondsSinceEpoch - 1)
        #expect(try fixture.at("2025-04-15", knownAt: before).departments.isEmpty)
    }

    @Test func theProjectionAndTheFoldAgreeAtEveryDate() throws {
        let (fixture, _) = try backfilledLedger()
        let far = Timestamp(millisecondsSinceEpoch: 4_000_000_000_000)
        var day = try #require(CivilDate(iso: "2025-01-10"))
        while day <= (try #require(CivilDate(iso: "2025-11-01"))) {
            let projected = try fixture.log.at(day)
            let folded = try fixture.log.atByFold(day, knownAt: far)
            #expect(projected == folded, "at \(day)")
            day = day.adding(days: 7)
        }
    }

    @Test func backdatedFundingUpdatesTheProjectionLikeAFold() throws {
        let fixture = try StoreFixture()
        try fixture.append([
            Events.announced("plan", amount: 1_000, due: "2025-07", on: "2025-01-10"),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":10"#),
            Events.event("amended", "plan", on: "2025-03-01", #""amount_pence":2000"#),
            Events.event("slipped", "plan", on: "2025-04-01", #""due":"2025-09","reason":"late""#),
        ])
        // Only funding goes back in time here, so the timeline is patched in place.
        try fixture.append([
            Events.event("funded", "plan", on: "2025-01-20", #""amount_pence":1"#),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":100"#),
            Events.event("funded", "plan", on: "2025-05-01", #""amount_pence":1000"#),
        ])
        #expect(try fixture.at("2025-01-25").line("plan")?.state.funded == Pence(1))
        #expect(try fixture.at("2025-03-15").line("plan")?.state.funded == Pence(111))
        #expect(try fixture.at("2025-06-01").line("plan")?.state.funded == Pence(1111))
        // A backdated amendment cannot be patched in: the line is folded again.
        try fixture.append([Events.event("amended", "plan", on: "2025-02-15", #""title":"Renamed""#)])
        #expect(try fixture.at("2025-02-20").line("plan")?.state.title == "Renamed")
        #expect(try fixture.at("2025-06-01").line("plan")?.state.funded == Pence(1111))
        let far = Timestamp(millisecondsSinceEpoch: 4_000_000_000_000)
        var day = try #require(CivilDate(iso: "2025-01-05"))
        while day <= (try #require(CivilDate(iso: "2025-07-01"))) {
            #expect(try fixture.log.at(day) == fixture.log.atByFold(day, knownAt: far), "at \(day)")
            day = day.adding(days: 3)
        }
    }

    @Test func aRetractedAnnouncementRemovesTheLineFromEveryState() throws {
        let fixture = try StoreFixture()
        try fixture.append([
            Events.announced("action-plan", amount: 1_000_000_000, id: "plan"),
            Events.announced("mistake", amount: 700, id: "mistake"),
        ])
        let recorded = fixture.now
        fixture.now = Timestamp(millisecondsSinceEpoch: recorded.millisecondsSinceEpoch + 1000)
        try fixture.append([Events.event("corrected", "mistake", on: "2025-05-01", #""retracts":"mistake","reason":"never promised""#)])
        let state = try fixture.at("2025-02-01")
        #expect(state.line("mistake") == nil)
        #expect(state.pledged == Pence(1_000_000_000))
        #expect(state.departments.first?.counts.lines == 1)
        #expect(try fixture.at("2025-02-01", knownAt: recorded).line("mistake")?.state.pledged == Pence(700))
    }

    @Test func oneDepartmentOnly() throws {
        let fixture = try StoreFixture()
        try fixture.append([
            Events.announced("action-plan", amount: 1_000_000_000),
            Events.announced("image-database", amount: 500_000_000, department: "justice"),
        ])
        let justice = try fixture.at("2025-02-01", department: "justice")
        #expect(justice.departments.map(\.department) == ["justice"])
        #expect(justice.pledged == Pence(500_000_000))
        #expect(try fixture.at("2025-02-01", department: "nobody").departments.isEmpty)
    }

    @Test func historyListsEveryEventInDateOrderWithRetractions() throws {
        let (fixture, _) = try backfilledLedger()
        let history = try fixture.log.history(of: "action-plan")
        #expect(history.map(\.stored.event.id).prefix(3) == ["plan", "late-funding", "first-funding"])
        #expect(history.first { $0.stored.event.id == "first-funding" }?.retractedBy != nil)
        #expect(history.count == 5)
    }
}
