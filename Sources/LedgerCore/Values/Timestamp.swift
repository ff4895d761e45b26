/// An instant: whole milliseconds since 1970-01-01T00:00:00Z, within the years 0001 to 9999 (UTC).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    static let millisecondsPerDay: Int64 = 86_400_000
    static let millisecondsPerHour: Int64 = 3_600_000
    static let earliestMilliseconds = Int64(Gregorian.firstDay) * millisecondsPerDay
    static let latestMilliseconds = Int64(Gregorian.lastDay + 1) * millisecondsPerDay - 1

    /// Milliseconds since the Unix epoch; negative before 1970.
    public let millisecondsSinceEpoch: Int64

    /// The instant `millisecondsSinceEpoch` ms after the epoch, clamped to `earliest...latest`.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = min(
            max(millisecondsSinceEpoch, Timestamp.earliestMilliseconds), Timestamp.latestMilliseconds)
    }

    /// 0001-01-01T00:00:00.000Z, the earliest instant.
    public static let earliest = Timestamp(millisecondsSinceEpoch: earliestMilliseconds)
    /// 9999-12-31T23:59:59.999Z, the latest instant.
    public static let latest = Timestamp(millisecondsSinceEpoch: latestMilliseconds)

    /// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, or returns nil.
    ///
    /// The separator may be `T`, `t` or one space; the fraction has 1 to 9 digits and is
    /// truncated to milliseconds; a numeric offset is applied to give UTC. Hour 24, minute 60
    /// and leap second 60 are rejected, as is an instant outside the years 0001 to 9999 UTC.
    public init?(rfc3339 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 35,
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = FixedDigits.read(bytes, from: 0, count: 4),
            let month = FixedDigits.read(bytes, from: 5, count: 2),
            let day = FixedDigits.read(bytes, from: 8, count: 2),
            let hour = FixedDigits.read(bytes, from: 11, count: 2),
            let minute = FixedDigits.read(bytes, from: 14, count: 2),
            let second = FixedDigits.read(bytes, from: 17, count: 2),
            let date = CivilDate(year: year, month: month, day: day),
            hour < 24, minute < 60, second < 60
        else { return nil }

        var index = 19
        var milliseconds = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if index - fractionStart < 3 {
                    milliseconds = milliseconds * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                }
                index += 1
            }
            let fractionDigits = index - fractionStart
            guard (1...9).contains(fractionDigits) else { return nil }
            for _ in fractionDigits..<max(fractionDigits, 3) { milliseconds *= 10 }
        }

        var offsetMinutes = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHours = FixedDigits.read(bytes, from: index + 1, count: 2),
                let offsetRest = FixedDigits.read(bytes, from: index + 4, count: 2),
                offsetHours < 24, offsetRest < 60
            else { return nil }
            offsetMinutes = (offsetHours * 60 + offsetRest) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }

        let secondOfDay = Int64((hour * 60 + minute) * 60 + second)
        let local = Int64(date.daysSinceEpoch) * Timestamp.millisecondsPerDay
            + secondOfDay * 1000 + Int64(milliseconds)
        let utc = local - Int64(offsetMinutes) * 60_000
        guard utc >= Timestamp.earliestMilliseconds, utc <= Timestamp.latestMilliseconds else { return nil }
        self.millisecondsSinceEpoch = utc
    }

    /// The UTC form with exactly three fraction digits, `2025-04-15T09:30:00.000Z`.
    public var rfc3339: String {
        let (days, millisecondOfDay) = Timestamp.split(millisecondsSinceEpoch)
        let time = Int(millisecondOfDay)
        let date = CivilDate(daysSinceEpoch: days)
        // Every stored event carries one: written as bytes, not assembled from strings.
        return String(unsafeUninitializedCapacity: 24) { text in
            func put(_ value: Int, at start: Int, width: Int) {
                var rest = value
                for position in stride(from: start + width - 1, through: start, by: -1) {
                    text[position] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(date.year, at: 0, width: 4)
            text[4] = UInt8(ascii: "-")
            put(date.month, at: 5, width: 2)
            text[7] = UInt8(ascii: "-")
            put(date.day, at: 8, width: 2)
            text[10] = UInt8(ascii: "T")
            put(time / 3_600_000, at: 11, width: 2)
            text[13] = UInt8(ascii: ":")
            put(time / 60_000 % 60, at: 14, width: 2)
            text[16] = UInt8(ascii: ":")
            put(time / 1000 % 60, at: 17, width: 2)
            text[19] = UInt8(ascii: ".")
            put(time % 1000, at: 20, width: 3)
            text[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// The same as `rfc3339`.
    public var description: String { rfc3339 }

    /// The civil date of this instant in UTC.
    public var utcDate: CivilDate {
        CivilDate(daysSinceEpoch: Timestamp.split(millisecondsSinceEpoch).days)
    }

    /// The civil date of this instant in Europe/London.
    ///
    /// The current UK rule is applied to every year: British Summer Time (UTC+1) from 01:00 UTC
    /// on the last Sunday of March to 01:00 UTC on the last Sunday of October, otherwise UTC+0.
    /// Historical departures from that rule (before 1996, the 1968–71 experiment) are ignored.
    public var londonDate: CivilDate {
        let local = millisecondsSinceEpoch + Timestamp.londonOffset(at: millisecondsSinceEpoch)
        return CivilDate(daysSinceEpoch: Timestamp.split(local).days)
    }

    /// Whether London keeps British Summer Time (UTC+1) at this instant, under the rule of `londonDate`.
    public var isBritishSummerTime: Bool {
        Timestamp.londonOffset(at: millisecondsSinceEpoch) != 0
    }

    /// The first millisecond of `date` in Europe/London (midnight local time), under the rule of `londonDate`.
    public static func startOfLondonDay(_ date: CivilDate) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: startOfLondonDay(days: date.daysSinceEpoch))
    }

    /// The last millisecond of `date` in Europe/London, under the rule of `londonDate`.
    public static func endOfLondonDay(_ date: CivilDate) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: startOfLondonDay(days: date.daysSinceEpoch + 1) - 1)
    }

    /// Whether `lhs` is an earlier instant than `rhs`.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// Splits milliseconds since the epoch into a day number and the millisecond of that day, flooring.
    static func split(_ milliseconds: Int64) -> (days: Int, millisecondOfDay: Int64) {
        var days = milliseconds / millisecondsPerDay
        var rest = milliseconds % millisecondsPerDay
        if rest < 0 {
            days -= 1
            rest += millisecondsPerDay
        }
        return (Int(days), rest)
    }

    /// London's offset from UTC, in milliseconds, at the UTC instant `milliseconds`.
    static func londonOffset(at milliseconds: Int64) -> Int64 {
        let year = CivilDate(daysSinceEpoch: split(milliseconds).days).year
        let start = Int64(lastSunday(year: year, month: 3)) * millisecondsPerDay + millisecondsPerHour
        let end = Int64(lastSunday(year: year, month: 10)) * millisecondsPerDay + millisecondsPerHour
        return milliseconds >= start && milliseconds < end ? millisecondsPerHour : 0
    }

    /// Day number of the last Sunday of a month.
    static func lastSunday(year: Int, month: Int) -> Int {
        let last = Gregorian.daysFromCivil(
            year: year, month: month, day: Gregorian.daysInMonth(year: year, month: month))
        return last - Gregorian.weekday(ofDay: last) % 7
    }

    /// The UTC millisecond at which local midnight starts day number `days` in London.
    static func startOfLondonDay(days: Int) -> Int64 {
        let midnight = Int64(days) * millisecondsPerDay
        // Local midnight is never skipped or repeated in London (the clocks change at 01:00 UTC),
        // so exactly one of the two offsets is consistent with the instant it produces.
        let summer = midnight - millisecondsPerHour
        if londonOffset(at: summer) == millisecondsPerHour { return summer }
        return midnight
    }
}

extension Timestamp {
    /// A `known_at` cut-off: an RFC 3339 time, or a civil date meaning the last millisecond of
    /// that day in Europe/London.
    public init?(cutoff text: some StringProtocol) {
        if let day = CivilDate(iso: text) {
            self = Timestamp.endOfLondonDay(day)
        } else if let instant = Timestamp(rfc3339: text) {
            self = instant
        } else {
            return nil
        }
    }
}
