import LedgerCore
import LedgerTestSupport
import Testing

/// The fold behind `at D`, rule by rule, with exact figures (docs/at.md).
@Suite struct LineFoldTests {
    let decoder = EventDecoder(today: nil)

    /// Decodes NDJSON events and numbers them as a log would.
    func stored(_ lines: [String]) throws -> [StoredEvent] {
        try lines.enumerated().map { index, text in
            StoredEvent(
                seq: UInt64(index + 1),
                recorded: Timestamp(millisecondsSinceEpoch: 1_750_000_000_000 + Int64(index)),
                event: try decoder.decode(Events.json(text))
            )
        }
    }

    func date(_ text: String) throws -> CivilDate {
        try #require(CivilDate(iso: text))
    }

    @Test func announcedSetsThePledgeAndAmendedReplacesIt() throws {
        let events = try stored([
            Events.announced("plan", amount: 1_000_000_000, on: "2025-01-16"),
            Events.event("amended", "plan", on: "2025-03-01", #""amount_pence":1200000000"#),
        ])
        let before = try #require(LineFold.state(of: events, through: date("2025-02-28")))
        #expect(before.pledged == Pence(1_000_000_000))
        let after = try #require(LineFold.state(of: events, through: date("2025-03-01")))
        #expect(after.pledged == Pence(1_200_000_000))
        #expect(after.slips == 0)
    }

    @Test func anAnnouncementWithoutAnAmountPledgesNothing() throws {
        let events = try stored([Events.announced("law", kind: "legislation")])
        #expect(LineFold.state(of: events)?.pledged == .zero)
    }

    @Test func fundingAddsUp() throws {
        let events = try stored([
            Events.announced("plan", amount: 1_000_000_000),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":250000000"#),
            Events.event("funded", "plan", on: "2025-03-01", #""amount_pence":125000000"#),
        ])
        #expect(LineFold.state(of: events, through: try date("2025-02-15"))?.funded == Pence(250_000_000))
        #expect(LineFold.state(of: events)?.funded == Pence(375_000_000))
    }

    @Test func eventsFoldInEffectiveOrderNotRecordedOrder() throws {
        // The later-recorded amendment is effective first, so the earlier-recorded one wins.
        let events = try stored([
            Events.announced("plan", amount: 100, on: "2025-01-01"),
            Events.event("amended", "plan", on: "2025-03-01", #""amount_pence":300"#),
            Events.event("amended", "plan", on: "2025-02-01", #""amount_pence":200"#),
        ])
        #expect(LineFold.state(of: events)?.pledged == Pence(300))
        #expect(LineFold.state(of: events, through: try date("2025-02-15"))?.pledged == Pence(200))
    }

    @Test func slipsCountAndAddDaysFromTheEndOfEachPeriod() throws {
        let events = try stored([
            Events.announced("audit", due: "2025-07", kind: "review", on: "2025-01-16"),
            // 2025-07 ends 31 July; 2025-09 ends 30 September: 61 days.
            Events.event("slipped", "audit", on: "2025-06-01", #""due":"2025-09","reason":"delayed""#),
            // A day precision: 30 September to 15 October is 15 days.
            Events.event("slipped", "audit", on: "2025-09-01", #""due":"2025-10-15","reason":"again""#),
            // A year precision: 15 October 2025 to 31 December 2026 is 442 days.
            Events.event("slipped", "audit", on: "2025-10-01", #""due":"2026","reason":"next year""#),
        ])
        let state = try #require(LineFold.state(of: events))
        #expect(state.slips == 3)
        #expect(state.slippedDays == 61 + 15 + 442)
        #expect(state.due?.description == "2026")
    }

    @Test func anAmendedDueIsNotASlip() throws {
        let events = try stored([
            Events.announced("audit", due: "2025-07", kind: "review"),
            Events.event("amended", "audit", on: "2025-02-01", #""due":"2025-12""#),
        ])
        let state = try #require(LineFold.state(of: events))
        #expect(state.due?.description == "2025-12")
        #expect(state.slips == 0)
        #expect(state.slippedDays == 0)
    }

    @Test func overdueIsTheDayAfterTheEndOfThePeriod() throws {
        let events = try stored([Events.announced("tracking", due: "2025-07", kind: "policy")])
        let state = try #require(LineFold.state(of: events))
        #expect(!state.isOverdue(on: try date("2025-07-31")))
        #expect(state.isOverdue(on: try date("2025-08-01")))
    }

    @Test func deliveredAndWithdrawnLinesAreNeverOverdue() throws {
        let delivered = try stored([
            Events.announced("law", due: "2025-04-15", kind: "legislation"),
            Events.event("delivered", "law", on: "2025-04-10"),
        ])
        let state = try #require(LineFold.state(of: delivered))
        #expect(state.status == .delivered)
        #expect(!state.isOverdue(on: try date("2026-01-01")))
    }

    @Test func legislationRecordsTheLatestStage() throws {
        let events = try stored([
            Events.announced("duty", kind: "legislation"),
            Events.event("legislated", "duty", on: "2025-02-25", #""stage":"introduced","bill":"Crime and Policing Bill""#),
            Events.event("legislated", "duty", on: "2025-03-10", #""stage":"second-reading","bill":"Crime and Policing Bill""#),
        ])
        let state = try #require(LineFold.state(of: events))
        #expect(state.stage == .secondReading)
        #expect(state.bill == "Crime and Policing Bill")
        #expect(LineFold.state(of: events, through: try date("2025-03-01"))?.stage == .introduced)
    }

    @Test func retractedEventsDoNotCount() throws {
        let events = try stored([
            Events.announced("plan", amount: 1_000, id: "a"),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":500"#, id: "f"),
        ])
        #expect(LineFold.state(of: events, excluding: ["f"])?.funded == .zero)
        #expect(LineFold.state(of: events, excluding: ["a"]) == nil)
    }

    @Test func theTimelineHoldsOneStatePerEffectiveDate() throws {
        let events = try stored([
            Events.announced("plan", amount: 1_000, on: "2025-01-16"),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":100"#),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":200"#),
            Events.event("funded", "plan", on: "2025-01-20", #""amount_pence":5"#),
        ])
        let timeline = LineFold.timeline(of: events)
        #expect(timeline.map(\.date.description) == ["2025-01-16", "2025-01-20", "2025-02-01"])
        #expect(timeline.map { $0.state?.funded.value } == [0, 5, 305])
    }
}
