import LedgerCore
import LedgerTestSupport
import Testing

/// What `ledger diff` reports between two dates.
@Suite struct AtDiffTests {
    func result(_ lines: [String], at date: String) throws -> AtResult {
        try Events.result(lines, at: try #require(CivilDate(iso: date)))
    }

    @Test func reportsEachKindOfChange() throws {
        let events = [
            Events.announced("plan", amount: 1_000_000_000, due: "2025-07"),
            Events.announced("law", due: "2025-04-15", kind: "legislation"),
            Events.announced("dropped", amount: 500),
            Events.event("funded", "plan", on: "2025-03-01", #""amount_pence":250000000"#),
            Events.event("amended", "plan", on: "2025-03-02", #""amount_pence":1200000000"#),
            Events.event("slipped", "plan", on: "2025-03-03", #""due":"2025-09","reason":"late""#),
            Events.event("legislated", "law", on: "2025-03-04", #""stage":"introduced","bill":"Public Office Bill""#),
            Events.event("withdrawn", "dropped", on: "2025-03-05", #""reason":"dropped""#),
            Events.announced("new-fund", amount: 600_000_000, on: "2025-03-06"),
        ]
        let diff = AtDiff(from: try result(events, at: "2025-02-01"), to: try result(events, at: "2025-05-01"))
        let summary = diff.changes.map { "\($0.line) \($0.kind.rawValue) \($0.before ?? "-") \($0.after ?? "-")" }
        #expect(summary == [
            "dropped withdrawn active withdrawn",
            "law stage - Public Office Bill, introduced",
            "law overdue - 2025-04-15",
            "new-fund announced - Title of new-fund, pledged £6m",
            "plan rescoped £10m £12m",
            "plan slipped 2025-07 2025-09",
            "plan funded £0 £2.5m",
        ])
        let text = diff.render()
        #expect(text.contains("Pledged £10,000,005 → £18m, funded £0 → £2.5m."))
        #expect(text.contains("  plan: slipped 2025-07 → 2025-09"))
    }

    @Test func reportsResponsesProgressReplacementsLateDeliveriesAndHouses() throws {
        let events = [
            Events.announced("audit", due: "2025-05", kind: "review"),
            Events.announced("local", amount: 500_000_000),
            Events.announced("rec-13", kind: "recommendation", on: "2022-10-20", #""made_by":"IICSA""#),
            Events.announced("duty", kind: "legislation"),
            Events.event("legislated", "duty", on: "2025-02-25", #""stage":"introduced","bill":"Crime and Policing Bill","house":"commons""#),
            Events.announced("national", amount: 6_500_000_000, on: "2025-06-16"),
            Events.event("delivered", "audit", on: "2025-07-01"),
            Events.event("withdrawn", "local", on: "2025-06-16", #""reason":"overtaken","replaced_by":"national""#),
            Events.event("responded", "rec-13", on: "2025-04-08", #""response":"accepted""#),
            Events.event("legislated", "duty", on: "2025-10-16", #""stage":"committee","bill":"Crime and Policing Bill","house":"lords""#),
        ]
        let from = try result(events, at: "2025-03-01")
        let to = try result(events, at: "2025-12-31")
        let note = AtDiff.Note(department: "home-office", line: "local", effective: try #require(CivilDate(iso: "2025-05-01")), text: "Oldham named as a pilot")
        let diff = AtDiff(from: from, to: to, notes: [note])
        let summary = diff.changes.map { "\($0.line) \($0.kind.rawValue) \($0.before ?? "-") \($0.after ?? "-")" }
        #expect(summary == [
            "audit delivered active on 2025-07-01, 31 days late",
            "duty stage Crime and Policing Bill, Commons introduced Crime and Policing Bill, Lords committee",
            "local progress 2025-05-01 Oldham named as a pilot",
            "local withdrawn active withdrawn",
            "local replaced - national",
            "national announced - Title of national, pledged £65m",
            "rec-13 responded - accepted",
        ])
        let text = diff.render()
        #expect(text.contains("  audit: delivered on 2025-07-01, 31 days late"))
        #expect(text.contains("  local: replaced by national"))
        #expect(text.contains("  local: progress 2025-05-01: Oldham named as a pilot"))
        #expect(text.contains("  rec-13: response none → accepted"))
        #expect(text.contains("  duty: bill stage Crime and Policing Bill, Commons introduced → Crime and Policing Bill, Lords committee"))
    }
}
