import Testing
import LedgerCore

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1_744_709_400_000, "2025-04-15T09:30:00.000Z"),
        (1_744_709_400_007, "2025-04-15T09:30:00.007Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (.min, "0001-01-01T00:00:00.000Z"),
        (.max, "9999-12-31T23:59:59.999Z"),
    ])
    func writesRFC3339InUTCWithMilliseconds(milliseconds: Int64, text: String) {
        let instant = Timestamp(millisecondsSinceEpoch: milliseconds)
        #expect(instant.rfc3339 == text)
        #expect(instant.description == text)
        #expect(Timestamp(rfc3339: text) == instant)
    }

    @Test(arguments: [
        ("2025-04-15T09:30:00Z", "2025-04-15T09:30:00.000Z"),
        ("2025-04-15t09:30:00z", "2025-04-15T09:30:00.000Z"),
        ("2025-04-15 09:30:00Z", "2025-04-15T09:30:00.000Z"),
        ("2025-04-15T09:30:00.1Z", "2025-04-15T09:30:00.100Z"),
        ("2025-04-15T09:30:00.12Z", "2025-04-15T09:30:00.120Z"),
        ("2025-04-15T09:30:00.123456789Z", "2025-04-15T09:30:00.123Z"),
        ("2025-04-15T09:30:00.999999999Z", "2025-04-15T09:30:00.999Z"),
        ("2025-04-15T10:30:00+01:00", "2025-04-15T09:30:00.000Z"),
        ("2025-04-15T00:30:00.5+01:00", "2025-04-14T23:30:00.500Z"),
        ("2025-04-14T23:30:00-05:30", "2025-04-15T05:00:00.000Z"),
        ("2025-04-15T09:30:00-00:00", "2025-04-15T09:30:00.000Z"),
        ("2024-12-31T23:59:59.999-23:59", "2025-01-01T23:58:59.999Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"),
    ])
    func readsRFC3339AndAppliesTheOffset(text: String, utc: String) throws {
        #expect(try #require(Timestamp(rfc3339: text)).rfc3339 == utc)
    }

    @Test(arguments: [
        "", "2025-04-15", "2025-04-15T09:30:00", "2025-04-15T09:30Z", "2025-04-15T24:00:00Z",
        "2025-04-15T09:60:00Z", "2025-06-30T23:59:60Z", "2025-04-15T09:30:00.Z", "2025-04-15T09:30:00.1234567890Z",
        "2025-04-15T09:30:00,5Z", "2025-04-15T09:30:00+0100", "2025-04-15T09:30:00+01", "2025-04-15T09:30:00+24:00",
        "2025-04-15T09:30:00+01:60", "2025-02-30T09:30:00Z", "2025-04-15T09:30:00Z ", " 2025-04-15T09:30:00Z",
        "2025-04-15X09:30:00Z", "2025-04-15  09:30:00Z", "2025-04-15T9:30:00Z", "2025-4-15T09:30:00Z",
        "2025-04-15T09:30:00.000ZZ", "+2025-04-15T09:30:00Z", "2025-04-15T09:30:00UTC", "2025-04-15T09:30:00+01:00Z",
        "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "0000-12-31T23:00:00Z",
    ])
    func rejectsAnythingElse(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func roundTripsManyInstants() {
        var state: UInt64 = 0x2025_0415
        let span = UInt64(Timestamp.latest.millisecondsSinceEpoch - Timestamp.earliest.millisecondsSinceEpoch)
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let instant = Timestamp(
                millisecondsSinceEpoch: Timestamp.earliest.millisecondsSinceEpoch + Int64((state >> 1) % span))
            #expect(Timestamp(rfc3339: instant.rfc3339) == instant)
        }
    }

    @Test func ordersByInstant() {
        #expect(Timestamp(millisecondsSinceEpoch: -1) < Timestamp(millisecondsSinceEpoch: 0))
        #expect(Timestamp.earliest < Timestamp.latest)
    }

    @Test(arguments: [
        ("2025-04-15T22:59:59.999Z", "2025-04-15", "2025-04-15", true),
        ("2025-04-15T23:00:00.000Z", "2025-04-15", "2025-04-16", true),
        ("2025-01-10T23:59:59.999Z", "2025-01-10", "2025-01-10", false),
        ("2025-01-11T00:00:00.000Z", "2025-01-11", "2025-01-11", false),
        // Spring forward: 01:00 UTC on Sunday 30 March 2025.
        ("2025-03-29T23:59:59.999Z", "2025-03-29", "2025-03-29", false),
        ("2025-03-30T00:00:00.000Z", "2025-03-30", "2025-03-30", false),
        ("2025-03-30T00:59:59.999Z", "2025-03-30", "2025-03-30", false),
        ("2025-03-30T01:00:00.000Z", "2025-03-30", "2025-03-30", true),
        ("2025-03-30T22:59:59.999Z", "2025-03-30", "2025-03-30", true),
        ("2025-03-30T23:00:00.000Z", "2025-03-30", "2025-03-31", true),
        // Fall back: 01:00 UTC on Sunday 26 October 2025.
        ("2025-10-25T22:59:59.999Z", "2025-10-25", "2025-10-25", true),
        ("2025-10-25T23:00:00.000Z", "2025-10-25", "2025-10-26", true),
        ("2025-10-26T00:59:59.999Z", "2025-10-26", "2025-10-26", true),
        ("2025-10-26T01:00:00.000Z", "2025-10-26", "2025-10-26", false),
        ("2025-10-26T23:59:59.999Z", "2025-10-26", "2025-10-26", false),
        ("2025-10-27T00:00:00.000Z", "2025-10-27", "2025-10-27", false),
        ("1969-12-31T23:59:59.999Z", "1969-12-31", "1969-12-31", false),
    ])
    func knowsTheDateInUTCAndInLondon(text: String, utc: String, london: String, summer: Bool) throws {
        let instant = try #require(Timestamp(rfc3339: text))
        #expect(instant.utcDate.description == utc)
        #expect(instant.londonDate.description == london)
        #expect(instant.isBritishSummerTime == summer)
    }

    @Test(arguments: [
        ("2025-04-15", "2025-04-14T23:00:00.000Z", "2025-04-15T22:59:59.999Z", 24),
        ("2025-01-10", "2025-01-10T00:00:00.000Z", "2025-01-10T23:59:59.999Z", 24),
        ("2025-03-29", "2025-03-29T00:00:00.000Z", "2025-03-29T23:59:59.999Z", 24),
        ("2025-03-30", "2025-03-30T00:00:00.000Z", "2025-03-30T22:59:59.999Z", 23),
        ("2025-03-31", "2025-03-30T23:00:00.000Z", "2025-03-31T22:59:59.999Z", 24),
        ("2025-10-25", "2025-10-24T23:00:00.000Z", "2025-10-25T22:59:59.999Z", 24),
        ("2025-10-26", "2025-10-25T23:00:00.000Z", "2025-10-26T23:59:59.999Z", 25),
        ("2025-10-27", "2025-10-27T00:00:00.000Z", "2025-10-27T23:59:59.999Z", 24),
        ("2024-03-31", "2024-03-31T00:00:00.000Z", "2024-03-31T22:59:59.999Z", 23),
        ("2024-10-27", "2024-10-26T23:00:00.000Z", "2024-10-27T23:59:59.999Z", 25),
        ("2026-03-29", "2026-03-29T00:00:00.000Z", "2026-03-29T22:59:59.999Z", 23),
        ("2026-10-25", "2026-10-24T23:00:00.000Z", "2026-10-25T23:59:59.999Z", 25),
        ("2000-03-26", "2000-03-26T00:00:00.000Z", "2000-03-26T22:59:59.999Z", 23),
        ("2000-10-29", "2000-10-28T23:00:00.000Z", "2000-10-29T23:59:59.999Z", 25),
        ("0001-01-01", "0001-01-01T00:00:00.000Z", "0001-01-01T23:59:59.999Z", 24),
        ("9999-12-31", "9999-12-31T00:00:00.000Z", "9999-12-31T23:59:59.999Z", 24),
    ])
    func boundsEachLondonDay(date: String, start: String, end: String, hours: Int64) throws {
        let day = try #require(CivilDate(iso: date))
        let first = Timestamp.startOfLondonDay(day)
        let last = Timestamp.endOfLondonDay(day)
        #expect(first.rfc3339 == start)
        #expect(last.rfc3339 == end)
        #expect(last.millisecondsSinceEpoch - first.millisecondsSinceEpoch + 1 == hours * 3_600_000)
        #expect(first.londonDate == day)
        #expect(last.londonDate == day)
        if day > .earliest {
            #expect(Timestamp(millisecondsSinceEpoch: first.millisecondsSinceEpoch - 1).londonDate == day.adding(days: -1))
        }
        if day < .latest {
            #expect(Timestamp(millisecondsSinceEpoch: last.millisecondsSinceEpoch + 1).londonDate == day.adding(days: 1))
        }
    }

    @Test func everyLondonDayFrom2020To2030StartsWhereTheDayBeforeEnds() throws {
        var day = try #require(CivilDate(iso: "2020-01-01"))
        let end = try #require(CivilDate(iso: "2030-12-31"))
        var hours: [Int64: Int] = [:]
        var mismatches: [String] = []
        while day <= end {
            let first = Timestamp.startOfLondonDay(day)
            let last = Timestamp.endOfLondonDay(day)
            let previous = Timestamp.endOfLondonDay(day.adding(days: -1))
            if first.millisecondsSinceEpoch != previous.millisecondsSinceEpoch + 1 || first.londonDate != day
                || last.londonDate != day
            {
                mismatches.append(day.description)
            }
            hours[(last.millisecondsSinceEpoch - first.millisecondsSinceEpoch + 1) / 3_600_000, default: 0] += 1
            day = day.adding(days: 1)
        }
        #expect(mismatches == [])
        // 4,018 days in eleven years: one 23-hour and one 25-hour day in each year, the rest 24 hours.
        #expect(hours == [23: 11, 24: 3996, 25: 11])
    }
}
