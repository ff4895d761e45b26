import Testing
import LedgerCore

@Suite struct CivilDateTests {
    @Test(arguments: ["2025-04-15", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "1970-01-01"])
    func readsAndWritesISODates(text: String) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(date.description == text)
        #expect(CivilDate(iso: Substring(text)) == date)
        #expect(CivilDate(iso: "on \(text).".dropFirst(3).dropLast()) == date)
    }

    @Test(arguments: [
        "", "2025-2-3", "2025-02-3", "2025-1-01", "2025-02-30", "2025-04-31", "2023-02-29", "1900-02-29",
        "0000-01-01", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "+2025-02-03", "-2025-02-03",
        "2025-02-03 ", " 2025-02-03", "2025-02-03T00:00", "2025/01/01", "20250101", "2025-01-01T",
        "202５-01-01", "2025-0a-01", "2025--1-01", "10000-01-01",
    ])
    func rejectsAnythingButStrictISO(text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test func validatesFields() {
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 0, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 10_000, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 2025, month: 0, day: 1) == nil)
        #expect(CivilDate(year: 2025, month: 12, day: 0) == nil)
        #expect(CivilDate.isLeapYear(2000))
        #expect(!CivilDate.isLeapYear(1900))
        #expect(CivilDate.isLeapYear(2024))
        #expect(!CivilDate.isLeapYear(2025))
    }

    @Test(arguments: [
        ("1970-01-01", 0), ("1969-12-31", -1), ("2000-01-01", 10_957), ("2000-03-01", 11_017),
        ("2025-04-15", 20_193), ("1600-02-29", -135_081), ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
    ])
    func countsDaysFromTheEpoch(text: String, days: Int) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
    }

    @Test func everyDayFrom1900To2100FollowsTheDayBefore() throws {
        var date = try #require(CivilDate(iso: "1900-01-01"))
        let end = try #require(CivilDate(iso: "2100-12-31"))
        var days = date.daysSinceEpoch
        var steps = 0
        var mismatches: [String] = []
        while date < end {
            let next = date.adding(days: 1)
            let expected =
                date.day < date.lastDayOfMonth
                ? CivilDate(year: date.year, month: date.month, day: date.day + 1)
                : date.month < 12
                    ? CivilDate(year: date.year, month: date.month + 1, day: 1)
                    : CivilDate(year: date.year + 1, month: 1, day: 1)
            days += 1
            steps += 1
            // One expectation at the end keeps the 73,413 checks fast.
            if next != expected || next.daysSinceEpoch != days { mismatches.append(next.description) }
            date = next
        }
        #expect(mismatches == [])
        #expect(steps == 73_413)
        #expect(days == 47_846)
    }

    @Test func addsAndCountsDays() throws {
        let leapEve = try #require(CivilDate(iso: "2024-02-28"))
        #expect(leapEve.adding(days: 1).description == "2024-02-29")
        #expect(leapEve.adding(days: 2).description == "2024-03-01")
        #expect(try #require(CivilDate(iso: "2025-12-31")).adding(days: 1).description == "2026-01-01")
        #expect(try #require(CivilDate(iso: "2025-03-01")).adding(days: -1).description == "2025-02-28")
        let newYear = try #require(CivilDate(iso: "2025-01-01"))
        let newYearsEve = try #require(CivilDate(iso: "2025-12-31"))
        #expect(newYear.days(to: newYearsEve) == 364)
        #expect(newYearsEve.days(to: newYear) == -364)
        #expect(newYear.days(to: newYear) == 0)
    }

    @Test func clampsToTheCalendarRange() {
        #expect(CivilDate.earliest.description == "0001-01-01")
        #expect(CivilDate.latest.description == "9999-12-31")
        #expect(CivilDate.latest.adding(days: 1) == .latest)
        #expect(CivilDate.latest.adding(days: .max) == .latest)
        #expect(CivilDate.earliest.adding(days: -1) == .earliest)
        #expect(CivilDate.earliest.adding(days: .min) == .earliest)
        #expect(CivilDate(daysSinceEpoch: .max) == .latest)
        #expect(CivilDate(daysSinceEpoch: .min) == .earliest)
    }

    @Test(arguments: [
        ("2025-04-15", "15 April 2025"), ("2025-01-01", "1 January 2025"), ("2024-02-29", "29 February 2024"),
        ("1999-12-31", "31 December 1999"),
    ])
    func writesDatesForPeople(text: String, long: String) throws {
        #expect(try #require(CivilDate(iso: text)).longDescription == long)
    }

    @Test(arguments: [
        ("2024-02-01", 29), ("2025-02-01", 28), ("1900-02-01", 28), ("2000-02-01", 29), ("2025-04-15", 30),
        ("2025-12-25", 31), ("2025-01-31", 31), ("2025-09-01", 30),
    ])
    func knowsTheLengthOfEachMonth(text: String, last: Int) throws {
        #expect(try #require(CivilDate(iso: text)).lastDayOfMonth == last)
    }

    @Test(arguments: [("1970-01-01", 4), ("2025-04-15", 2), ("2025-03-30", 7), ("2000-01-01", 6), ("0001-01-01", 1)])
    func knowsTheWeekday(text: String, weekday: Int) throws {
        #expect(try #require(CivilDate(iso: text)).weekday == weekday)
    }

    @Test func ordersByDay() throws {
        let texts = ["2025-04-15", "2024-12-31", "2025-04-14", "2025-01-20", "0001-01-01"]
        let sorted = try texts.map { try #require(CivilDate(iso: $0)) }.sorted().map(\.description)
        #expect(sorted == ["0001-01-01", "2024-12-31", "2025-01-20", "2025-04-14", "2025-04-15"])
    }
}
