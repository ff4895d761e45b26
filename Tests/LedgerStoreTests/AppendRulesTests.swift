import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// Every rule that needs the ledger, refused with its code against a real store (docs/events.md).
@Suite struct AppendRulesTests {
    static let existing = [
        Events.announced("action-plan", amount: 1_000_000_000, due: "2025-07", id: "plan"),
        Events.announced("image-database", amount: 500_000_000, department: "justice", id: "caid"),
        Events.announced("hillsborough-law", kind: "legislation", on: "2025-02-20", id: "hillsborough"),
        Events.event("funded", "action-plan", on: "2025-02-01", #""amount_pence":100"#, id: "plan-funded"),
        Events.event("corrected", "action-plan", on: "2025-02-02", #""retracts":"plan-funded","reason":"typo""#, id: "fix"),
        Events.announced("mistaken-line", amount: 5, id: "mistaken"),
        Events.event("corrected", "mistaken-line", on: "2025-02-03", #""retracts":"mistaken","reason":"never announced""#, id: "unannounce"),
        Events.announced("iicsa-rec-13", kind: "recommendation", on: "2022-10-20", id: "rec-13", #""made_by":"IICSA""#),
    ]

    /// (the batch appended after `existing`, expected code, expected field, index of the bad event)
    static let refused: [([String], ValidationError.Code, String, Int)] = [
        ([Events.event("funded", "nowhere", on: "2025-03-01", #""amount_pence":1"#)], .unknownLine, "line", 0),
        ([Events.event("funded", "hillsborough-law", on: "2025-02-19", #""amount_pence":1"#)], .beforeAnnouncement, "effective", 0),
        ([Events.announced("action-plan", amount: 5)], .alreadyAnnounced, "line", 0),
        ([Events.event("slipped", "hillsborough-law", on: "2025-03-01", #""due":"2025-09","reason":"late""#)], .noDueDate, "due", 0),
        ([Events.event("slipped", "action-plan", on: "2025-03-01", #""due":"2025-07-31","reason":"same day""#)], .slipNotLater, "due", 0),
        ([Events.event("slipped", "action-plan", on: "2025-03-01", #""due":"2025-06","reason":"earlier""#)], .slipNotLater, "due", 0),
        ([Events.announced("child", amount: 5, parent: "missing")], .unknownParent, "parent", 0),
        ([Events.announced("child", amount: 5, department: "justice", parent: "action-plan")], .parentInOtherDepartment, "parent", 0),
        ([Events.event("corrected", "action-plan", on: "2025-03-01", #""retracts":"ghost","reason":"x""#)], .unknownEvent, "retracts", 0),
        ([Events.event("corrected", "action-plan", on: "2025-03-01", #""retracts":"fix","reason":"x""#)], .retractsCorrection, "retracts", 0),
        ([Events.event("corrected", "action-plan", on: "2025-03-01", #""retracts":"plan-funded","reason":"x""#)], .alreadyRetracted, "retracts", 0),
        ([Events.event("corrected", "action-plan", on: "2025-03-01", #""retracts":"caid","reason":"x""#)], .lineMismatch, "line", 0),
        ([Events.event("funded", "action-plan", on: "2025-03-01", #""amount_pence":999"#, id: "plan-funded")], .idConflict, "id", 0),
        ([Events.event("responded", "action-plan", on: "2025-03-01", #""response":"accepted""#)], .notARecommendation, "response", 0),
        ([Events.event("withdrawn", "action-plan", on: "2025-03-01", #""reason":"x","replaced_by":"action-plan""#)], .replacedBySelf, "replaced_by", 0),
        ([Events.event("withdrawn", "action-plan", on: "2025-03-01", #""reason":"x","replaced_by":"never-announced""#)], .unknownReplacement, "replaced_by", 0),
        ([Events.event("withdrawn", "action-plan", on: "2025-03-01", #""reason":"x","replaced_by":"mistaken-line""#)], .unknownReplacement, "replaced_by", 0),
        ([Events.event("responded", "iicsa-rec-13", on: "2023-05-22", #""response":"noted""#)], .invalidValue, "response", 0),
        ([Events.event("progress", "action-plan", on: "2025-03-01", #""note":"""#)], .invalidValue, "note", 0),
        ([Events.event("legislated", "hillsborough-law", on: "2025-03-01", #""stage":"introduced","bill":"B","house":"senate""#)], .invalidValue, "house", 0),
        // Within one batch: the second event conflicts with the first.
        ([
            Events.event("funded", "action-plan", on: "2025-03-01", #""amount_pence":1"#, id: "twice"),
            Events.event("funded", "action-plan", on: "2025-03-01", #""amount_pence":2"#, id: "twice"),
        ], .idConflict, "id", 1),
        // A line announced earlier in the same batch is known to the events after it.
        ([
            Events.announced("new-line", amount: 5),
            Events.event("slipped", "new-line", on: "2025-03-01", #""due":"2026","reason":"x""#),
        ], .noDueDate, "due", 1),
    ]

    @Test(arguments: refused)
    func refusesAndChangesNothing(_ batch: [String], _ code: ValidationError.Code, _ field: String, _ index: Int) throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.existing)
        let before = try fixture.export()
        let error = try #require(try fixture.refusal(batch))
        #expect(error.code == code, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.index == index, "\(error)")
        #expect(try fixture.export() == before)
    }

    @Test func aReplacementAnnouncedEarlierInTheBatchIsKnownAndAResponseIsTakenOnARecommendation() throws {
        let fixture = try StoreFixture()
        try fixture.append(Self.existing)
        let report = try fixture.append([
            Events.announced("national-inquiry", amount: 6_500_000_000, on: "2025-06-16"),
            Events.event("withdrawn", "action-plan", on: "2025-06-16", #""reason":"overtaken","replaced_by":"national-inquiry""#),
            Events.event("responded", "iicsa-rec-13", on: "2023-05-22", #""response":"accepted","note":"to legislate""#),
        ])
        #expect(report.appended == 3)
        let state = try fixture.at("2025-06-30")
        #expect(state.line("action-plan")?.state.replacedBy == "national-inquiry")
        #expect(state.line("iicsa-rec-13")?.state.response == .accepted)
    }

    @Test func eventsLaterInABatchSeeEarlierOnes() throws {
        let fixture = try StoreFixture()
        let report = try fixture.append([
            Events.announced("plan", amount: 1_000, due: "2025-07"),
            Events.announced("part", amount: 400, parent: "plan"),
            Events.event("slipped", "plan", on: "2025-03-01", #""due":"2025-09","reason":"late""#),
            Events.event("funded", "part", on: "2025-03-01", #""amount_pence":400"#, id: "part-funded"),
            Events.event("corrected", "part", on: "2025-03-02", #""retracts":"part-funded","reason":"wrong line""#),
        ])
        #expect(report.appended == 5)
        let state = try fixture.at("2025-04-01")
        #expect(state.line("plan")?.state.due?.description == "2025-09")
        #expect(state.line("plan")?.childrenPledged == Pence(400))
        #expect(state.line("part")?.state.funded == .zero)
    }

    @Test func aSlipIsCheckedAgainstTheDueInEffectOnItsDate() throws {
        let fixture = try StoreFixture()
        try fixture.append([
            Events.announced("audit", due: "2025-04", kind: "review", on: "2025-01-16"),
            Events.event("amended", "audit", on: "2025-03-01", #""due":"2025-10""#),
        ])
        // On 2025-02-01 the due in effect is 2025-04, so 2025-06 is later then.
        #expect(try fixture.append([
            Events.event("slipped", "audit", on: "2025-02-01", #""due":"2025-06","reason":"late""#),
        ]).appended == 1)
        let error = try fixture.refusal([
            Events.event("slipped", "audit", on: "2025-03-05", #""due":"2025-08","reason":"earlier than October""#),
        ])
        #expect(error?.code == .slipNotLater)
    }

    @Test func aRetractedAnnouncementFreesTheLineToBeAnnouncedAgain() throws {
        let fixture = try StoreFixture()
        try fixture.append([
            Events.announced("typo-line", amount: 5, id: "wrong"),
            Events.event("corrected", "typo-line", on: "2025-01-17", #""retracts":"wrong","reason":"wrong amount""#),
        ])
        #expect(try fixture.at("2025-02-01").line("typo-line") == nil)
        try fixture.append([Events.announced("typo-line", amount: 50, on: "2025-01-18")])
        #expect(try fixture.at("2025-02-01").line("typo-line")?.state.pledged == Pence(50))
    }
}
