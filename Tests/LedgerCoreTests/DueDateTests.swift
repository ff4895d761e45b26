import Testing
import LedgerCore

@Suite struct DueDateTests {
    @Test(arguments: [
        ("2025", DueDate.Precision.year, "2025-12-31", "2025"),
        ("2025-07", .month, "2025-07-31", "July 2025"),
        ("2024-02", .month, "2024-02-29", "February 2024"),
        ("2025-02", .month, "2025-02-28", "February 2025"),
        ("1900-02", .month, "1900-02-28", "February 1900"),
        ("2025-04", .month, "2025-04-30", "April 2025"),
        ("2025-04-15", .day, "2025-04-15", "15 April 2025"),
        ("2025-04-05", .day, "2025-04-05", "5 April 2025"),
        ("2024-02-29", .day, "2024-02-29", "29 February 2024"),
        ("9999", .year, "9999-12-31", "9999"),
    ])
    func readsEachPrecision(text: String, precision: DueDate.Precision, lastDay: String, long: String) throws {
        let due = try #require(DueDate(parsing: text))
        #expect(due.precision == precision)
        #expect(due.description == text)
        #expect(due.lastDay.description == lastDay)
        #expect(due.longDescription == long)
        var bytes = Array("due ".utf8)
        due.appendDescription(to: &bytes)
        #expect(bytes == Array("due \(text)".utf8))
        // A slice of a longer text reads the same as the text alone.
        let padded = "[\(text)]"
        #expect(DueDate(parsing: padded.dropFirst().dropLast()) == due)
    }

    @Test(arguments: [
        "", "25", "202", "20255", "2025-7", "2025-13", "2025-00", "0000", "0000-01", "2025-02-29", "2025-07-1",
        "2025-07-32", "2025/07", "2025-07-15T00:00", " 2025", "2025 ", "2025-", "-2025", "+2025", "2025-07-",
        "٢٠٢٥", "20a5", "2025-7-15",
    ])
    func rejectsAnyOtherForm(text: String) {
        #expect(DueDate(parsing: text) == nil)
    }

    @Test func namesItsFields() throws {
        let month = try #require(DueDate(parsing: "2025-07"))
        #expect(month.year == 2025)
        #expect(month.month == 7)
        #expect(month.day == nil)
        #expect(month.firstDay.description == "2025-07-01")
        #expect(month == DueDate(year: 2025, month: 7))
        #expect(DueDate(parsing: "2025") == DueDate(year: 2025))
        #expect(DueDate(parsing: "2025-04-15") == DueDate(try #require(CivilDate(iso: "2025-04-15"))))
        #expect(DueDate(parsing: "2025") != DueDate(parsing: "2025-12-31"))
        #expect(DueDate(year: 0) == nil)
        #expect(DueDate(year: 2025, month: 13) == nil)
    }

    @Test(arguments: [
        ("2025-07", "2025-07-31", false), ("2025-07", "2025-08-01", true), ("2025-07", "2025-01-01", false),
        ("2025", "2025-12-31", false), ("2025", "2026-01-01", true),
        ("2025-04-15", "2025-04-15", false), ("2025-04-15", "2025-04-16", true),
        ("2024-02", "2024-02-29", false), ("2024-02", "2024-03-01", true),
    ])
    func isOverdueOnlyAfterTheEndOfItsPeriod(due: String, on date: String, overdue: Bool) throws {
        let due = try #require(DueDate(parsing: due))
        #expect(due.isOverdue(on: try #require(CivilDate(iso: date))) == overdue)
    }

    @Test(arguments: [
        ("2025-08", "2025-07-31", true, 31), ("2025-07", "2025-07-31", false, 0), ("2025", "2025-12-30", true, 1),
        ("2025-12", "2025-07", true, 153), ("2026", "2025", true, 365), ("2025-07", "2025-12", false, -153),
        ("2025-04-15", "2025", false, -260),
    ])
    func comparesByTheEndOfThePeriod(later: String, earlier: String, isLater: Bool, days: Int) throws {
        let a = try #require(DueDate(parsing: later))
        let b = try #require(DueDate(parsing: earlier))
        #expect(a.isLater(than: b) == isLater)
        #expect(a.days(after: b) == days)
    }
}
