import LMDB
import LedgerCore
@testable import LedgerStore
import LedgerTestSupport
import Testing

/// `at D --known-at T` from the line index: the timeline shortcut, the fold, and stores written
/// before the line index carried retractions and amounts.
@Suite struct KnownAtTests {
    /// Every recording time of the mixed ledger, a millisecond either side, and none.
    static func cutoffs(_ recorded: [Timestamp]) -> [Timestamp] {
        recorded.flatMap { time in
            [-1, 0, 1].map { Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + $0) }
        }
    }

    @Test func theShortcutAndTheFoldAgreeAtEveryCutOff() throws {
        let (fixture, recorded) = try RebuildTests.mixedLedger()
        var differingFromNow = 0
        for date in RebuildTests.dates {
            let day = try #require(CivilDate(iso: date))
            for cutoff in Self.cutoffs(recorded) {
                for department in [nil, "home-office", "justice"] {
                    let answer = try fixture.log.at(day, department: department, knownAt: cutoff)
                    #expect(answer == (try fixture.log.atByFold(day, department: department, knownAt: cutoff)), "at \(date) known at \(cutoff)")
                    if answer != (try fixture.log.at(day, department: department)) { differingFromNow += 1 }
                }
            }
        }
        // The cut-offs do leave things out: the comparisons are not all of the present state.
        #expect(differingFromNow > 50)
    }

    @Test func aCorrectionRecordedLaterStillCountsTheRetractedFundingBeforeIt() throws {
        let (fixture, recorded) = try RebuildTests.mixedLedger()
        // police-funding (£500k on 2025-02-03) was retracted in the third append, which also
        // funded £10 and £20: known as of the second append, only the £500k counts.
        let before = try fixture.at("2025-04-15", knownAt: recorded[1])
        let after = try fixture.at("2025-04-15", knownAt: recorded[2])
        #expect(before.line("police")?.state.funded == Pence(50_000_000))
        #expect(after.line("police")?.state.funded == Pence(3000))
    }

    @Test func aDamagedLineIndexEntryIsReportedNotMisread() throws {
        let (fixture, recorded) = try RebuildTests.mixedLedger()
        let layout = fixture.log.layout
        try fixture.log.write { txn in
            try txn.withCursor(layout.lineIndex) { cursor in
                let entry = try #require(try cursor.seek(atOrAfter: StoreKeys.lineEventsPrefix("police")))
                #expect(StoreKeys.hasPrefix(entry.key, StoreKeys.lineEventsPrefix("police")))
                // An unknown flag.
                try cursor.replaceCurrent(key: entry.key, value: [4, 0, 10])
            }
        }
        // As known now the timeline answers, and reads no event entry.
        _ = try fixture.at("2025-04-15")
        #expect {
            try fixture.at("2025-04-15", knownAt: recorded[1])
        } throws: { error in
            (error as? StoreError)?.code == .corrupted && "\(error)".contains("line event record is damaged")
        }
    }

    @Test func aStoreOfTheEarlierFormatIsUpgradedWhenOpenedForWriting() throws {
        let (fixture, recorded) = try RebuildTests.mixedLedger()
        let answers = try RebuildTests.answers(fixture, knownAt: Self.cutoffs(recorded))
        let current = try RebuildTests.contents(of: fixture)
        try Self.downgrade(fixture)

        var readOnly = EventLog.Options()
        readOnly.readOnly = true
        #expect {
            try EventLog(path: fixture.directory.path, options: readOnly)
        } throws: { error in
            (error as? StoreError)?.code == .unsupportedFormat && "\(error)".contains("ledger rebuild --db")
        }

        try fixture.reopen()
        #expect(try RebuildTests.contents(of: fixture) == current)
        #expect(try RebuildTests.answers(fixture, knownAt: Self.cutoffs(recorded)) == answers)
    }

    /// Rewrites the store as the earliest format wrote it: each line's events in a database of
    /// their own, `line_events` (keyed `line 0x00 day seq`, valued with the recorded time and the
    /// type's name alone), its timeline in another, `timeline` (keyed `line 0x00 day`), no late
    /// funding sums, no `line_index`, and format `ledger-1`.
    static func downgrade(_ fixture: StoreFixture) throws {
        let path = fixture.directory.path
        fixture.log = try EventLog(path: try TemporaryDirectory().path)
        let environment = try Environment(path: path)
        let databases = try environment.openDatabases(["line_index", "line_events", "timeline", "meta"])
        try environment.write { txn in
            var events: [([UInt8], [UInt8])] = []
            var timeline: [([UInt8], [UInt8])] = []
            try txn.withCursor(databases[0]) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let key = current.key
                    let separator = try #require(key.firstIndex(of: 0))
                    let line = Array(key[...separator])
                    let rest = Array(key[(separator + 2)...])
                    // A late funding sum (kind 0): the earliest format kept none.
                    if key[separator + 1] == 1 {
                        let record = try LineEventRecord(bytes: current.value)
                        let old = BigEndian.bytes(UInt64(bitPattern: record.recorded.millisecondsSinceEpoch)) + Array(record.type.rawValue.utf8)
                        events.append((line + rest, old))
                    } else if key[separator + 1] == 2 {
                        // Newest first, the day complemented: the earlier format kept the day as it is.
                        let day = ~(try #require(BigEndian.uint32(rest)))
                        timeline.append((line + BigEndian.bytes(day), current.value))
                    }
                    entry = try cursor.next()
                }
            }
            #expect(events.count == 35)
            #expect(timeline.count > 10)
            for (key, value) in events { try txn.put(databases[1], key, value) }
            for (key, value) in timeline { try txn.put(databases[2], key, value) }
            try txn.deleteDatabase(named: "line_index")
            try txn.put(databases[3], Array("format".utf8), Array("ledger-1".utf8))
        }
    }
}

/// The line index record's layout round-trips and knows when its event counts.
@Suite struct LineEventRecordTests {
    @Test func theRecordRoundTripsEveryField() throws {
        let record = LineEventRecord(
            recorded: Timestamp(millisecondsSinceEpoch: 1_751_284_800_000),
            retractedAt: Timestamp(millisecondsSinceEpoch: 1_751_371_200_000),
            fundedAmount: Pence(250_000_000), type: .funded
        )
        // Flags and type, then 6-byte varints for both times and 5 bytes for £2.5m.
        #expect(record.bytes.count == 2 + 6 + 6 + 5)
        #expect(try LineEventRecord(bytes: record.bytes) == record)
        var late = LineEventRecord(recorded: Timestamp(millisecondsSinceEpoch: 1_751_284_800_000), fundedAmount: Pence(-7), type: .funded)
        late.isLate = true
        #expect(try LineEventRecord(bytes: late.bytes) == late)
        let plain = LineEventRecord(recorded: Timestamp(millisecondsSinceEpoch: 5), type: .slipped)
        #expect(plain.bytes == [0, LineEventRecord.code(of: .slipped), 10])
        #expect(try LineEventRecord(bytes: plain.bytes) == plain)
        // Read in place in the map, or from a slice that does not start at 0: the same record.
        #expect(try record.bytes.withUnsafeBytes { raw in try LineEventRecord(bytes: raw) } == record)
        #expect(try LineEventRecord(bytes: ([7, 7] + record.bytes)[2...]) == record)
        #expect(throws: StoreError.self) { try LineEventRecord(bytes: ([7] + plain.bytes + [0])[1...]) }
        // Cut short, with a byte too many, or with an unknown flag or type: damaged, not misread.
        #expect(throws: StoreError.self) { try LineEventRecord(bytes: Array(record.bytes.dropLast())) }
        #expect(throws: StoreError.self) { try LineEventRecord(bytes: plain.bytes + [0]) }
        #expect(throws: StoreError.self) { try LineEventRecord(bytes: [4, 0, 10]) }
        #expect(throws: StoreError.self) { try LineEventRecord(bytes: [0, UInt8(EventType.allCases.count), 10]) }
    }

    @Test func everyTypeHasItsOwnCodeAndTheCodesAreDense() {
        #expect(LineEventRecord.typesByCode.count == EventType.allCases.count)
        for (code, type) in LineEventRecord.typesByCode.enumerated() {
            #expect(LineEventRecord.code(of: type) == UInt8(code))
        }
        // Codes are part of the store format: these never change.
        #expect(LineEventRecord.code(of: .announced) == 0 && LineEventRecord.code(of: .funded) == 1 && LineEventRecord.code(of: .corrected) == 9)
    }

    @Test func anEventCountsFromItsRecordingUntilItsRetraction() {
        let record = LineEventRecord(
            recorded: Timestamp(millisecondsSinceEpoch: 100), retractedAt: Timestamp(millisecondsSinceEpoch: 200), type: .funded
        )
        #expect(!record.counts(knownAt: Timestamp(millisecondsSinceEpoch: 99)))
        #expect(record.counts(knownAt: Timestamp(millisecondsSinceEpoch: 100)))
        #expect(record.counts(knownAt: Timestamp(millisecondsSinceEpoch: 199)))
        #expect(!record.counts(knownAt: Timestamp(millisecondsSinceEpoch: 200)))
        #expect(!record.counts(knownAt: nil))
    }
}
