@testable import LedgerCore
import LedgerTestSupport
import Testing

/// Departments, parents and children, totals and counts (docs/at.md).
@Suite struct AtReportTests {
    func states(_ lines: [String], through date: String) throws -> [LineState] {
        try Events.states(lines, through: try #require(CivilDate(iso: date)))
    }

    let plan = [
        Events.announced("action-plan", amount: 1_000_000_000, due: "2025-07"),
        Events.announced("police", amount: 250_000_000, parent: "action-plan"),
        Events.announced("inquiries", amount: 500_000_000, parent: "action-plan"),
        Events.announced("audit", amount: 250_000_000, parent: "action-plan", on: "2025-02-01"),
        Events.announced("undercover", amount: 1_100_000_000),
        Events.announced("image-database", amount: 500_000_000, department: "justice"),
        Events.event("funded", "police", on: "2025-02-01", #""amount_pence":250000000"#),
        Events.event("funded", "action-plan", on: "2025-02-01", #""amount_pence":100000000"#),
        Events.event("withdrawn", "undercover", on: "2025-03-01", #""reason":"dropped""#),
        Events.event("funded", "undercover", on: "2025-02-01", #""amount_pence":300000000"#),
    ]

    @Test func childrenAreSummedUnderTheirParentAndCountedOnce() throws {
        let day = try #require(CivilDate(iso: "2025-02-15"))
        let result = AtReport.build(at: day, knownAt: nil, states: try states(plan, through: "2025-02-15"))
        let home = try #require(result.departments.first { $0.department == "home-office" })
        let parent = try #require(home.lines.first { $0.state.line == "action-plan" })
        #expect(parent.childrenPledged == Pence(1_000_000_000))
        // £10m plan + £11m undercover; the children are inside the £10m.
        #expect(home.pledged == Pence(2_100_000_000))
        // Funding counts on every line: £2.5m police + £1m plan + £3m undercover.
        #expect(home.funded == Pence(650_000_000))
        #expect(home.lines.map(\.state.line) == ["action-plan", "audit", "inquiries", "police", "undercover"])
        #expect(result.departments.map(\.department) == ["home-office", "justice"])
        #expect(result.pledged == Pence(2_600_000_000))
    }

    @Test func aChildAnnouncedLaterIsNotCountedBeforeItsDate() throws {
        let day = try #require(CivilDate(iso: "2025-01-20"))
        let result = AtReport.build(at: day, knownAt: nil, states: try states(plan, through: "2025-01-20"))
        let parent = try #require(result.allLines.first { $0.state.line == "action-plan" })
        #expect(parent.childrenPledged == Pence(750_000_000))
        #expect(!result.allLines.contains { $0.state.line == "audit" })
    }

    @Test func withdrawnLinesLeaveTheTotalsButStayCounted() throws {
        let day = try #require(CivilDate(iso: "2025-03-01"))
        let result = AtReport.build(at: day, knownAt: nil, states: try states(plan, through: "2025-03-01"))
        let home = try #require(result.departments.first { $0.department == "home-office" })
        #expect(home.pledged == Pence(1_000_000_000))
        #expect(home.funded == Pence(350_000_000))
        #expect(home.counts == LineCounts(lines: 5, active: 4, delivered: 0, withdrawn: 1, overdue: 0, slipped: 0))
    }

    @Test func overdueLinesAreCountedAfterTheirPeriod() throws {
        let day = try #require(CivilDate(iso: "2025-08-01"))
        let result = AtReport.build(at: day, knownAt: nil, states: try states(plan, through: "2025-08-01"))
        let home = try #require(result.departments.first { $0.department == "home-office" })
        #expect(home.counts.overdue == 1)
        #expect(home.lines.first { $0.state.line == "action-plan" }?.overdue == true)
    }

    @Test func oneDepartmentCanBeAskedFor() throws {
        let day = try #require(CivilDate(iso: "2025-02-15"))
        let result = AtReport.build(at: day, knownAt: nil, states: try states(plan, through: "2025-02-15"), department: "justice")
        #expect(result.departments.map(\.department) == ["justice"])
        #expect(result.pledged == Pence(500_000_000))
    }

    @Test func theJSONHasExactlyTheDocumentedShape() throws {
        let day = try #require(CivilDate(iso: "2025-02-15"))
        let result = AtReport.build(at: day, knownAt: nil, states: try states(plan, through: "2025-02-15"), department: "justice")
        let text = CanonicalJSON.string(AtJSON.value(result), sortKeys: false)
        #expect(text == #"{"at":"2025-02-15","known_at":null,"totals":{"pledged_pence":500000000,"funded_pence":0,"reannounced_pence":0},"departments":[{"department":"justice","name":null,"pledged_pence":500000000,"funded_pence":0,"reannounced_pence":0,"counts":{"lines":1,"active":1,"delivered":0,"withdrawn":0,"overdue":0,"slipped":0,"late":0,"recommendations":0,"accepted":0,"rejected":0},"lines":[{"line":"image-database","title":"Title of image-database","kind":"funding","parent":null,"status":"active","overdue":false,"pledged_pence":500000000,"funded_pence":0,"children_pledged_pence":0,"due":null,"slips":0,"slipped_days":0,"stage":null,"bill":null,"house":null,"replaced_by":null,"delivered_on":null,"late_days":null,"response":null,"made_by":null,"money":null,"last_activity":"2025-01-16"}]}]}"#)
    }

    @Test func theTableShowsTheCutOffPoundsAndTheTree() throws {
        let day = try #require(CivilDate(iso: "2025-02-15"))
        let text = AtTable.render(AtReport.build(at: day, knownAt: nil, states: try states(plan, through: "2025-02-15")))
        #expect(text.hasPrefix("Commitments at the end of 15 February 2025 (Europe/London), as known now\n"))
        #expect(text.contains("  Pledged £21m, funded £6.5m. 5 lines: 5 active, 0 delivered, 0 withdrawn; 0 overdue, 0 slipped."))
        #expect(text.contains("├─ audit"))
        #expect(text.contains("└─ police"))
        #expect(text.contains("£2.5m"))
    }

    @Test func csvQuotesFieldsThatNeedIt() {
        #expect(AtCSV.field("plain") == "plain")
        #expect(AtCSV.field(#"a "quoted", title"#) == #""a ""quoted"", title""#)
    }
}

/// A department's name comes from its earliest announced line that gives one.
@Suite struct DepartmentNameTests {
    func announced(_ line: String, on date: String, name: String?) -> String {
        var text = Events.announced(line, on: date)
        if let name {
            text.removeLast()
            text += #","department_name":"\#(name)"}"#
        }
        return text
    }

    @Test func theEarliestNamedLineNamesTheDepartment() throws {
        let lines = [
            announced("b-line", on: "2025-01-10", name: nil),
            announced("c-line", on: "2025-01-12", name: "Home Office"),
            announced("a-line", on: "2025-01-12", name: "The Home Office"),
            announced("d-line", on: "2025-01-11", name: nil),
            announced("e-line", on: "2025-01-13", name: "HO"),
        ]
        func name(at date: String) throws -> String? {
            let day = try #require(CivilDate(iso: date))
            return AtReport.build(at: day, knownAt: nil, states: try Events.states(lines, through: day)).departments.first?.name
        }
        #expect(try name(at: "2025-01-11") == nil)
        // Two named lines announced the same day: the first by slug.
        #expect(try name(at: "2025-01-12") == "The Home Office")
        #expect(try name(at: "2025-02-01") == "The Home Office")
    }
}

/// The daemon writes `at` answers straight to bytes; they must be exactly the documented JSON.
@Suite struct AtJSONEncodingTests {
    @Test(arguments: [nil, "2025-06-01T12:00:00Z"])
    func theDirectBytesAreTheEncodedValue(knownAt: String?) throws {
        let plan = AtReportTests().plan + [
            Events.event("slipped", "action-plan", on: "2025-02-10", #""due":"2025-12","reason":"late \"quoted\" ünïcode""#),
            Events.event("legislated", "police", on: "2025-02-11", #""stage":"royal-assent","bill":"Crime and Policing Bill""#),
        ]
        let day = try #require(CivilDate(iso: "2026-01-01"))
        let result = AtReport.build(at: day, knownAt: knownAt, states: try Events.states(plan, through: day))
        var direct: [UInt8] = []
        AtJSON.encode(result, into: &direct)
        #expect(String(decoding: direct, as: UTF8.self) == CanonicalJSON.string(AtJSON.value(result), sortKeys: false))
        #expect(result.allLines.contains { $0.overdue } && result.allLines.contains { $0.state.stage != nil })
    }

    /// The answer is written into room reckoned beforehand: a line with every member at its
    /// widest (the longest choices, integers of 20 characters, strings escaped to six bytes each)
    /// still fits, and is written exactly as the value is encoded.
    @Test func theWidestLinesFitTheRoomMadeForThem() throws {
        let control = String(repeating: "\u{1}", count: 40)
        var states: [LineState] = []
        for (index, department) in ["a", control, "b\"\\"].enumerated() {
            let announcement = Announcement(
                department: department, departmentName: control, title: control + "\"\\ é", amount: Pence(.min),
                due: DueDate(try #require(CivilDate(iso: "9999-12-31"))), parent: control, kind: .recommendation,
                madeBy: control, money: .reannounced
            )
            var state = LineState(line: "\(control)\(index)", announcedOn: .earliest, announcement: announcement)
            state.status = .withdrawn
            state.funded = Pence(.min)
            state.slips = Int(Int64.min)
            state.slippedDays = Int(Int64.min)
            state.stage = .considerationOfAmendments
            state.bill = control
            state.house = .commons
            state.replacedBy = control
            state.deliveredOn = .latest
            state.lateDays = Int(Int64.min)
            state.response = .acceptedInPrinciple
            state.lastActivity = .latest
            states.append(state)
        }
        let result = AtReport.build(at: .latest, knownAt: control + "\"", states: states)
        var direct = Array("prefix:".utf8)
        AtJSON.encode(result, into: &direct)
        #expect(String(decoding: direct, as: UTF8.self) == "prefix:" + CanonicalJSON.string(AtJSON.value(result), sortKeys: false))
    }

    @Test func anEmptyLedgerIsEncodedToo() throws {
        let result = AtReport.build(at: try #require(CivilDate(iso: "2025-01-01")), knownAt: nil, states: [])
        var direct = Array("prefix:".utf8)
        AtJSON.encode(result, into: &direct)
        #expect(String(decoding: direct, as: UTF8.self) == "prefix:" + CanonicalJSON.string(AtJSON.value(result), sortKeys: false))
    }
}
