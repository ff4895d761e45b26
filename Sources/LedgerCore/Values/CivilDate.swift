/// A day of the proleptic Gregorian calendar, 0001-01-01 to 9999-12-31, with no time zone.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 1...9999.
    public let year: Int
    /// The month, 1...12.
    public let month: Int
    /// The day of the month, 1...31.
    public let day: Int

    /// The date, or nil unless year is 1...9999 and month and day name a day of that year.
    public init?(year: Int, month: Int, day: Int) {
        guard Gregorian.isValid(year: year, month: month, day: day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses strictly `YYYY-MM-DD`: exactly ten characters naming a valid date, nothing around them.
    public init?(iso text: some StringProtocol) {
        guard let parsed = text.parsingUTF8({ Self(isoBytes: $0) }) else { return nil }
        self = parsed
    }

    /// The date written as `YYYY-MM-DD` in `bytes`, or nil if they are not exactly such a date.
    init?<Bytes: RandomAccessCollection<UInt8>>(isoBytes bytes: Bytes) where Bytes.Index == Int {
        guard bytes.count == 10, bytes[bytes.startIndex + 4] == UInt8(ascii: "-"), bytes[bytes.startIndex + 7] == UInt8(ascii: "-"),
            let year = FixedDigits.read(bytes, from: 0, count: 4),
            let month = FixedDigits.read(bytes, from: 5, count: 2),
            let day = FixedDigits.read(bytes, from: 8, count: 2)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `daysSinceEpoch` days after 1970-01-01, clamped to 0001-01-01...9999-12-31.
    public init(daysSinceEpoch: Int) {
        let days = min(max(daysSinceEpoch, Gregorian.firstDay), Gregorian.lastDay)
        (year, month, day) = Gregorian.civilFromDays(days)
    }

    /// 0001-01-01, the earliest date.
    public static let earliest = CivilDate(daysSinceEpoch: Gregorian.firstDay)
    /// 9999-12-31, the latest date.
    public static let latest = CivilDate(daysSinceEpoch: Gregorian.lastDay)

    /// Days from 1970-01-01 (day 0) to this date; negative before 1970.
    public var daysSinceEpoch: Int {
        Gregorian.daysFromCivil(year: year, month: month, day: day)
    }

    /// The date `days` days later (earlier when negative), clamped to `earliest...latest`.
    public func adding(days: Int) -> CivilDate {
        let (sum, overflow) = daysSinceEpoch.addingReportingOverflow(days)
        if overflow { return days > 0 ? .latest : .earliest }
        return CivilDate(daysSinceEpoch: sum)
    }

    /// The number of days from this date to `other`: positive when `other` is later.
    public func days(to other: CivilDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// The number of days in this date's month (28 to 31).
    public var lastDayOfMonth: Int {
        Gregorian.daysInMonth(year: year, month: month)
    }

    /// ISO 8601 weekday: 1 is Monday, 7 is Sunday.
    public var weekday: Int {
        Gregorian.weekday(ofDay: daysSinceEpoch)
    }

    /// Whether `year` is a leap year of the Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool {
        Gregorian.isLeapYear(year)
    }

    /// The ISO 8601 form, `2025-04-15`.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the ISO 8601 form, `2025-04-15`, as its ten ASCII bytes.
    public func appendISO8601(to bytes: inout [UInt8]) {
        FixedDigits.appendASCII(year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        FixedDigits.appendASCII(month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        FixedDigits.appendASCII(day, width: 2, to: &bytes)
    }

    /// The form for people, `15 April 2025`.
    public var longDescription: String {
        "\(day) \(Gregorian.monthNames[month - 1]) \(year)"
    }

    /// Whether `lhs` is an earlier day than `rhs`.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
