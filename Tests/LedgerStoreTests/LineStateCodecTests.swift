import LedgerCore
@testable import LedgerStore
import Testing

/// A timeline entry holds a line's state compactly: every field comes back as written, the
/// line's slug comes from the key, each choice is one byte whose code is pinned, and a damaged
/// record is refused rather than misread.
@Suite struct LineStateCodecTests {
    static let line = "national-grooming-gangs-inquiry"

    static var full: LineState {
        var state = LineState(
            line: line, announcedOn: CivilDate(year: 2025, month: 6, day: 16)!,
            announcement: Announcement(
                department: "home-office", departmentName: "Home Office", title: "A national inquiry, £65m",
                parent: "grooming-gangs-action-plan", kind: .legislation
            )
        )
        state.status = .delivered
        state.pledged = Pence(6_500_000_000)
        state.funded = Pence(-25)
        state.due = DueDate(year: 2029, month: 3)
        state.slips = 2
        state.slippedDays = 400
        state.stage = .considerationOfAmendments
        state.bill = "Crime and Policing Bill"
        state.house = .lords
        state.replacedBy = "another-line"
        state.deliveredOn = CivilDate(year: 2026, month: 1, day: 2)
        state.lateDays = 31
        state.response = .underConsideration
        state.madeBy = "Independent Inquiry into Child Sexual Abuse"
        state.money = .reannounced
        state.lastActivity = CivilDate(year: 2026, month: 6, day: 30)!
        return state
    }

    @Test func everyFieldComesBackAsWritten() throws {
        let full = Self.full
        #expect(try LineStateCodec.decode(LineStateCodec.encode(full), line: Self.line) == full)
        let plain = LineState(
            line: Self.line, announcedOn: CivilDate(year: 2025, month: 1, day: 16)!,
            announcement: Announcement(department: "home-office", title: "£10m", kind: .funding)
        )
        #expect(try LineStateCodec.decode(LineStateCodec.encode(plain), line: Self.line) == plain)
        #expect(LineStateCodec.encode(nil).isEmpty)
        #expect(try LineStateCodec.decode([], line: Self.line) == nil)
    }

    @Test func theSlugIsNotStoredAndEachChoiceIsOneByte() {
        let bytes = LineStateCodec.encode(Self.full)
        #expect(!bytes.containsSubsequence(Array(Self.line.utf8)))
        for word in ["legislation", "delivered", "consideration", "lords", "under-consideration", "reannounced"] {
            #expect(!bytes.containsSubsequence(Array(word.utf8)), "\(word) is stored as text")
        }
    }

    /// The codes are part of the store format: a reordered or inserted case would misread every
    /// stored state, so the order of each choice's cases is pinned here.
    @Test func theCodesArePinned() {
        #expect(CommitmentKind.allCases == [.funding, .legislation, .policy, .review, .recommendation])
        #expect(LineStatus.allCases == [.active, .delivered, .withdrawn])
        #expect(BillStage.allCases.map(\.rawValue) == [
            "introduced", "second-reading", "committee", "report", "third-reading", "consideration-of-amendments",
            "carried-over", "royal-assent", "commenced",
        ])
        #expect(House.allCases == [.commons, .lords])
        #expect(GovernmentResponse.allCases.map(\.rawValue) == ["accepted", "accepted-in-principle", "partially-accepted", "rejected", "under-consideration"])
        #expect(MoneyKind.allCases == [.new, .reannounced, .unclear])
        #expect(LineStateCodec.code(of: CommitmentKind?.none) == 0)
        #expect(LineStateCodec.code(of: LineStatus.withdrawn) == 3)
    }

    @Test func aDamagedRecordIsRefused() throws {
        let bytes = LineStateCodec.encode(Self.full)
        #expect(throws: StoreError.self) { try LineStateCodec.decode(Array(bytes.dropLast()), line: Self.line) }
        #expect(throws: StoreError.self) { try LineStateCodec.decode(bytes + [0], line: Self.line) }
        var version = bytes
        version[0] = 3
        #expect(throws: StoreError.self) { try LineStateCodec.decode(version, line: Self.line) }
        // A kind code beyond the cases: the byte after the version, department, name and title.
        let plain = LineStateCodec.encode(LineState(
            line: Self.line, announcedOn: CivilDate(year: 2025, month: 1, day: 16)!,
            announcement: Announcement(department: "d", title: "t", kind: .funding)
        ))
        // version, "d" (2 bytes), no name (1), "t" (2): the kind code is at 6.
        #expect(plain[6] == 1)
        var kind = plain
        kind[6] = UInt8(CommitmentKind.allCases.count + 1)
        #expect(throws: StoreError.self) { try LineStateCodec.decode(kind, line: Self.line) }
    }
}

extension Array where Element == UInt8 {
    fileprivate func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
