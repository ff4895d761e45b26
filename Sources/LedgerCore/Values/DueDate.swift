/// A deadline or publication date as precise as it was given: a year, a month or a day.
public struct DueDate: Sendable, Hashable, CustomStringConvertible {
    /// How much of the date was given.
    public enum Precision: String, Sendable, Hashable, CaseIterable {
        /// `YYYY`: some time in that year.
        case year
        /// `YYYY-MM`: some time in that month.
        case month
        /// `YYYY-MM-DD`: that day.
        case day
    }

    /// How much of the date was given.
    public let precision: Precision
    /// The year, 1...9999.
    public let year: Int
    /// The month, 1...12, unless the precision is `.year`.
    public let month: Int?
    /// The day of the month, only when the precision is `.day`.
    public let day: Int?

    /// A whole year, or nil outside 1...9999.
    public init?(year: Int) {
        guard (1...9999).contains(year) else { return nil }
        self.precision = .year
        self.year = year
        self.month = nil
        self.day = nil
    }

    /// A whole month, or nil unless year is 1...9999 and month 1...12.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.precision = .month
        self.year = year
        self.month = month
        self.day = nil
    }

    /// A single day.
    public init(_ date: CivilDate) {
        self.precision = .day
        self.year = date.year
        self.month = date.month
        self.day = date.day
    }

    /// Parses exactly `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a valid year, month or day.
    public init?(parsing text: some StringProtocol) {
        guard let parsed = text.parsingUTF8({ Self(bytes: $0) }) else { return nil }
        self = parsed
    }

    /// Parses exactly `YYYY`, `YYYY-MM` or `YYYY-MM-DD` in UTF-8 bytes, as `init(parsing:)` does text.
    public init?(utf8 bytes: UnsafeRawBufferPointer) {
        self.init(bytes: bytes)
    }

    /// The period written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` in `bytes`.
    private init?<Bytes: RandomAccessCollection<UInt8>>(bytes: Bytes) where Bytes.Index == Int {
        switch bytes.count {
        case 4:
            guard let year = FixedDigits.read(bytes, from: 0, count: 4) else { return nil }
            self.init(year: year)
        case 7:
            guard bytes[bytes.startIndex + 4] == UInt8(ascii: "-"),
                let year = FixedDigits.read(bytes, from: 0, count: 4),
                let month = FixedDigits.read(bytes, from: 5, count: 2)
            else { return nil }
            self.init(year: year, month: month)
        case 10:
            guard let date = CivilDate(isoBytes: bytes) else { return nil }
            self.init(date)
        default:
            return nil
        }
    }

    /// The first day of the period: 1 January for a year, the 1st for a month.
    public var firstDay: CivilDate {
        CivilDate(year: year, month: month ?? 1, day: day ?? 1) ?? .earliest
    }

    /// The last day of the period: 31 December for a year, the month's last day, or the day itself.
    public var lastDay: CivilDate {
        let lastMonth = month ?? 12
        let lastDay = day ?? Gregorian.daysInMonth(year: year, month: lastMonth)
        // The initialisers only admit valid fields, so the fallback is never taken.
        return CivilDate(year: year, month: lastMonth, day: lastDay) ?? .latest
    }

    /// Whether the deadline has passed on `date`: true iff `date` is after the last day of the period.
    public func isOverdue(on date: CivilDate) -> Bool {
        date > lastDay
    }

    /// Whether this period ends later than `other` does.
    public func isLater(than other: DueDate) -> Bool {
        lastDay > other.lastDay
    }

    /// Days from the end of `other`'s period to the end of this one (negative if this ends first).
    public func days(after other: DueDate) -> Int {
        other.lastDay.days(to: lastDay)
    }

    /// Appends `description`'s bytes to `bytes`, without building the string.
    public func appendDescription(to bytes: inout [UInt8]) {
        FixedDigits.appendASCII(year, width: 4, to: &bytes)
        if let month {
            bytes.append(UInt8(ascii: "-"))
            FixedDigits.appendASCII(month, width: 2, to: &bytes)
        }
        if let day {
            bytes.append(UInt8(ascii: "-"))
            FixedDigits.appendASCII(day, width: 2, to: &bytes)
        }
    }

    /// The form it was given in: `2025`, `2025-07` or `2025-07-15`.
    public var description: String {
        var text = ""
        FixedDigits.append(year, width: 4, to: &text)
        if let month {
            text.append("-")
            FixedDigits.append(month, width: 2, to: &text)
        }
        if let day {
            text.append("-")
            FixedDigits.append(day, width: 2, to: &text)
        }
        return text
    }

    /// The form for people: `2025`, `July 2025` or `15 April 2025`.
    public var longDescription: String {
        switch (month, day) {
        case (let month?, let day?): return "\(day) \(Gregorian.monthNames[month - 1]) \(year)"
        case (let month?, nil): return "\(Gregorian.monthNames[month - 1]) \(year)"
        default: return "\(year)"
        }
    }
}
