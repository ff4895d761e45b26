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
            "law stage - introduced",
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
}
