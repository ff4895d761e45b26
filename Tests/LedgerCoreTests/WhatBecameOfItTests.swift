import LedgerCore
import LedgerTestSupport
import Testing

/// What became of a commitment: progress, replacement, late delivery, both Houses, responses to
/// recommendations and re-announced money, each rule with exact figures (docs/at.md).
@Suite struct WhatBecameOfItTests {
    func date(_ text: String) throws -> CivilDate {
        try #require(CivilDate(iso: text))
    }

    func line(_ slug: String, _ events: [String], at day: String) throws -> LineSnapshot {
        try #require(try Events.result(events, at: date(day)).line(slug))
    }

    @Test func aDeliveryThirtyOneDaysAfterAMonthDueIsThirtyOneDaysLate() throws {
        let events = [
            Events.announced("audit", due: "2025-05", kind: "review", on: "2025-01-16"),
            Events.event("delivered", "audit", on: "2025-07-01"),
        ]
        let state = try line("audit", events, at: "2025-07-01").state
        #expect(state.deliveredOn == (try date("2025-07-01")))
        #expect(state.lateDays == 31)
        #expect(state.isLate)
        let result = try Events.result(events, at: date("2025-07-01"))
        #expect(result.departments.first?.counts.late == 1)
    }

    @Test func aDeliveryOnTheLastDayIsOnTimeAndWithoutADueDateHasNoLateness() throws {
        let onTime = try line("audit", [
            Events.announced("audit", due: "2025-06", kind: "review"),
            Events.event("delivered", "audit", on: "2025-06-30"),
        ], at: "2025-12-31").state
        #expect(onTime.lateDays == 0)
        #expect(!onTime.isLate)
        let undated = try line("plan", [
            Events.announced("plan"),
            Events.event("delivered", "plan", on: "2025-06-30"),
        ], at: "2025-12-31").state
        #expect(undated.deliveredOn == (try date("2025-06-30")))
        #expect(undated.lateDays == nil)
    }

    @Test func latenessIsMeasuredFromTheDueDateInForceWhenDelivered() throws {
        // Due in May, slipped to June on 2 June, delivered 16 June: on time against June.
        let state = try line("audit", [
            Events.announced("audit", due: "2025-05", kind: "review"),
            Events.event("slipped", "audit", on: "2025-06-02", #""due":"2025-06","reason":"more time""#),
            Events.event("delivered", "audit", on: "2025-06-16"),
        ], at: "2025-06-30").state
        #expect(state.slips == 1)
        #expect(state.slippedDays == 30)
        #expect(state.lateDays == 0)
        // A slip after the delivery does not change how late it was.
        let later = try line("audit", [
            Events.announced("audit", due: "2025-05", kind: "review"),
            Events.event("delivered", "audit", on: "2025-06-16"),
            Events.event("slipped", "audit", on: "2025-06-20", #""due":"2025-07","reason":"late""#),
        ], at: "2025-06-30").state
        #expect(later.lateDays == 16)
    }

    @Test func aDeliveryIsKeptWhenTheLineIsLaterWithdrawnAndReplaced() throws {
        let events = [
            Events.announced("local-inquiries", amount: 500_000_000),
            Events.announced("national-inquiry", amount: 6_500_000_000, on: "2025-06-16"),
            Events.event("delivered", "local-inquiries", on: "2025-04-01"),
            Events.event("withdrawn", "local-inquiries", on: "2025-06-16", #""reason":"overtaken","replaced_by":"national-inquiry""#),
        ]
        let state = try line("local-inquiries", events, at: "2025-07-01").state
        #expect(state.status == .withdrawn)
        #expect(state.replacedBy == "national-inquiry")
        #expect(state.deliveredOn == (try date("2025-04-01")))
        let before = try line("local-inquiries", events, at: "2025-05-01").state
        #expect(before.replacedBy == nil)
        // The withdrawn line's pledge no longer counts; the replacement's does.
        #expect(try Events.result(events, at: date("2025-07-01")).departments.first?.pledged == Pence(6_500_000_000))
    }

    @Test func aRejectedRecommendationPastItsDueIsNotOverdue() throws {
        let events = [
            Events.announced("rec-19", due: "2023-12", kind: "recommendation", on: "2022-10-20"),
            Events.announced("rec-20", due: "2023-12", kind: "recommendation", on: "2022-10-20"),
            Events.event("responded", "rec-19", on: "2023-05-22", #""response":"rejected""#),
            Events.event("responded", "rec-20", on: "2023-05-22", #""response":"accepted-in-principle","note":"to be considered""#),
        ]
        let result = try Events.result(events, at: date("2024-06-01"))
        #expect(result.line("rec-19")?.overdue == false)
        #expect(result.line("rec-19")?.state.response == .rejected)
        #expect(result.line("rec-20")?.overdue == true)
        let counts = try #require(result.departments.first?.counts)
        #expect(counts.recommendations == 2)
        #expect(counts.accepted == 1)
        #expect(counts.rejected == 1)
        #expect(counts.overdue == 1)
        // Before any answer, neither is counted accepted or rejected.
        let unanswered = try #require(try Events.result(events, at: date("2023-01-01")).departments.first?.counts)
        #expect(unanswered.recommendations == 2)
        #expect(unanswered.accepted == 0)
        #expect(unanswered.rejected == 0)
    }

    @Test func theLatestResponseCounts() throws {
        let events = [
            Events.announced("rec-12", kind: "recommendation", on: "2022-10-20"),
            Events.event("responded", "rec-12", on: "2023-05-22", #""response":"under-consideration""#),
            Events.event("responded", "rec-12", on: "2025-04-08", #""response":"partially-accepted""#),
        ]
        #expect(try line("rec-12", events, at: "2024-01-01").state.response == .underConsideration)
        #expect(try line("rec-12", events, at: "2025-04-08").state.response == .partiallyAccepted)
        #expect(try Events.result(events, at: date("2025-04-08")).departments.first?.counts.accepted == 1)
    }

    @Test func aReannouncedChildDoesNotAddToItsDepartmentsReannouncedMoney() throws {
        let events = [
            Events.announced("plan", amount: 1_000_000_000),
            Events.announced("part", amount: 250_000_000, parent: "plan", #""money":"reannounced""#),
            Events.announced("network", amount: 1_100_000_000, #""money":"reannounced""#),
            Events.announced("database", amount: 500_000_000, #""money":"new""#),
        ]
        let result = try Events.result(events, at: date("2025-04-15"))
        let department = try #require(result.departments.first)
        #expect(department.pledged == Pence(2_600_000_000))
        #expect(department.reannounced == Pence(1_100_000_000))
        #expect(result.reannounced == Pence(1_100_000_000))
        #expect(result.line("part")?.state.money == .reannounced)
        #expect(result.line("database")?.state.money == .new)
        #expect(result.line("plan")?.state.money == nil)
    }

    @Test func anAmendmentCanSayTheMoneyWasAnnouncedBefore() throws {
        let events = [
            Events.announced("network", amount: 1_100_000_000),
            Events.event("amended", "network", on: "2025-03-10", #""money":"reannounced""#),
        ]
        let before = try Events.result(events, at: date("2025-03-09"))
        #expect(before.reannounced == .zero)
        let after = try Events.result(events, at: date("2025-03-10"))
        #expect(after.reannounced == Pence(1_100_000_000))
        // A withdrawn line's money is no part of the department's pledge, re-announced or not.
        let withdrawn = try Events.result(events + [
            Events.event("withdrawn", "network", on: "2025-05-01", #""reason":"dropped""#),
        ], at: date("2025-05-01"))
        #expect(withdrawn.reannounced == .zero)
    }

    @Test func lastActivityMovesWithAProgressNoteAndNotWithACorrection() throws {
        let events = [
            Events.announced("plan", amount: 100, on: "2025-01-16"),
            Events.event("progress", "plan", on: "2025-03-01", #""note":"287 cases passed to the Taskforce""#),
            Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":50"#, id: "funding"),
            Events.event("corrected", "plan", on: "2025-05-01", #""retracts":"funding","reason":"a typing error""#),
        ]
        let decoder = EventDecoder(today: nil)
        let stored = try events.enumerated().map { index, text in
            StoredEvent(seq: UInt64(index + 1), recorded: Timestamp(millisecondsSinceEpoch: 0), event: try decoder.decode(Events.json(text)))
        }
        let progressed = try #require(LineFold.state(of: stored, through: date("2025-04-30")))
        #expect(progressed.lastActivity == (try date("2025-03-01")))
        #expect(progressed.pledged == Pence(100))
        #expect(progressed.funded == Pence(50))
        let corrected = try #require(LineFold.state(of: stored, excluding: ["funding"]))
        #expect(corrected.lastActivity == (try date("2025-03-01")))
        #expect(corrected.funded == .zero)
        let announced = try #require(LineFold.state(of: stored, through: date("2025-02-28")))
        #expect(announced.lastActivity == (try date("2025-02-01")))
    }

    @Test func theLatestBillStageCarriesItsHouse() throws {
        let events = [
            Events.announced("duty", kind: "legislation"),
            Events.event("legislated", "duty", on: "2025-02-25", #""stage":"introduced","bill":"Crime and Policing Bill","house":"commons""#),
            Events.event("legislated", "duty", on: "2025-10-16", #""stage":"committee","bill":"Crime and Policing Bill","house":"lords""#),
            Events.event("legislated", "duty", on: "2026-04-29", #""stage":"royal-assent","bill":"Crime and Policing Act 2026""#),
        ]
        let commons = try line("duty", events, at: "2025-03-01").state
        #expect(commons.stage == .introduced)
        #expect(commons.house == .commons)
        let lords = try line("duty", events, at: "2026-01-01").state
        #expect(lords.stage == .committee)
        #expect(lords.house == .lords)
        let assent = try line("duty", events, at: "2026-04-29").state
        #expect(assent.stage == .royalAssent)
        #expect(assent.house == nil)
        #expect(assent.bill == "Crime and Policing Act 2026")
    }
}

/// How the table for people shows what became of each line.
@Suite struct WhatBecameOfItTableTests {
    @Test func theTableMarksLatenessReplacementResponsesHousesAndReannouncedMoney() throws {
        let events = [
            Events.announced("audit", due: "2025-05", kind: "review"),
            Events.event("delivered", "audit", on: "2025-07-01"),
            Events.announced("local-inquiries", amount: 500_000_000),
            Events.announced("national-grooming-gangs-inquiry", amount: 6_500_000_000, on: "2025-06-16"),
            Events.event("withdrawn", "local-inquiries", on: "2025-06-16", #""reason":"overtaken","replaced_by":"national-grooming-gangs-inquiry""#),
            Events.announced("rec-13", kind: "recommendation", on: "2022-10-20", #""made_by":"IICSA""#),
            Events.event("responded", "rec-13", on: "2025-04-08", #""response":"accepted-in-principle""#),
            Events.announced("duty", kind: "legislation"),
            Events.event("legislated", "duty", on: "2025-10-16", #""stage":"committee","bill":"Crime and Policing Bill","house":"lords""#),
            Events.announced("network", amount: 1_100_000_000, #""money":"reannounced""#),
        ]
        let text = AtTable.render(try Events.result(events, at: try #require(CivilDate(iso: "2025-12-31"))))
        #expect(text.contains("Pledged £76m (of which £11m re-announced), funded £0. 6 lines: 4 active, 1 delivered (1 late), 1 withdrawn;"))
        #expect(text.contains("1 recommendation: 1 accepted, 0 rejected."))
        let rows = text.split(separator: "\n").map(String.init)
        func row(_ slug: String) -> String { rows.first { $0.contains(" \(slug) ") || $0.hasPrefix("  \(slug)") } ?? "missing \(slug)" }
        #expect(row("audit").contains("LATE"))
        #expect(row("audit").contains("LATE 31 days"))
        #expect(row("local-inquiries").contains("replaced by national-grooming-gangs-inquiry"))
        #expect(row("rec-13").contains("accepted in principle"))
        #expect(row("rec-13").contains("from IICSA"))
        #expect(row("duty").contains("bill: Crime and Policing Bill, Lords committee"))
        #expect(row("network").contains("re-announced"))
    }
}
