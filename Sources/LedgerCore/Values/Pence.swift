/// An amount of money in GBP, counted in whole pence; negative only for a difference of amounts.
public struct Pence: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in pence.
    public let value: Int64

    /// The amount of `value` pence.
    public init(_ value: Int64) {
        self.value = value
    }

    /// No money.
    public static let zero = Pence(0)

    /// £10tn, the largest amount one event may carry.
    public static let limit = Pence(1_000_000_000_000_000)

    /// The sum of two amounts.
    ///
    /// Int64 holds more than 9,000 amounts at `limit` (£10tn each), so realistic sums cannot
    /// overflow; use `adding(reportingOverflow:)` where the operands come unchecked from input.
    public static func + (lhs: Pence, rhs: Pence) -> Pence {
        Pence(lhs.value + rhs.value)
    }

    /// The difference of two amounts, negative when `rhs` is larger.
    public static func - (lhs: Pence, rhs: Pence) -> Pence {
        Pence(lhs.value - rhs.value)
    }

    /// Adds `rhs` to `lhs`.
    public static func += (lhs: inout Pence, rhs: Pence) {
        lhs = lhs + rhs
    }

    /// Subtracts `rhs` from `lhs`.
    public static func -= (lhs: inout Pence, rhs: Pence) {
        lhs = lhs - rhs
    }

    /// The sum, or nil if it does not fit in Int64.
    public func adding(reportingOverflow other: Pence) -> Pence? {
        let (sum, overflow) = value.addingReportingOverflow(other.value)
        return overflow ? nil : Pence(sum)
    }

    /// Whether `lhs` is less money than `rhs`.
    public static func < (lhs: Pence, rhs: Pence) -> Bool {
        lhs.value < rhs.value
    }

    /// The same as `formatted`.
    public var description: String { formatted }

    /// The amount for people, exact and never rounded: `£2.5m`, `£250k`, `£1.25bn`, `£1,234.56`, `-£2.5m`.
    ///
    /// `k` is used for whole thousands of pounds below £1m; `m`, `bn` and `tn` for amounts of at
    /// least a million, billion or trillion pounds that are whole thousands, millions or billions
    /// (so at most three decimals, trailing zeros dropped); anything else is written in full
    /// pounds with thousands separators, and pence only when there are some.
    public var formatted: String {
        (value < 0 ? "-£" : "£") + Pence.unsignedText(value.magnitude)
    }

    /// Parses an amount as people write it: `£2.5m`, `250k`, `£1,234.56`, `£2.5 million`, `1234`.
    ///
    /// A leading `£` is optional; the integer part may have thousands commas in correct groups;
    /// without a suffix at most two decimals are allowed; a suffix (`k`/`thousand`, `m`/`million`,
    /// `bn`/`billion`, `tn`/`trillion`, any case, optionally after a space) scales the number,
    /// which must then come to a whole number of pence. Negative amounts and amounts above
    /// `limit` are rejected.
    public init(parsing text: String) throws(PenceParseError) {
        self = try PenceParser.parse(text)
    }

    private static let scales: [(unit: UInt64, step: UInt64, suffix: String)] = [
        (1_000_000_000_000, 1_000_000_000, "tn"),
        (1_000_000_000, 1_000_000, "bn"),
        (1_000_000, 1000, "m"),
        (1000, 1000, "k"),
    ]

    private static func unsignedText(_ pence: UInt64) -> String {
        let pounds = pence / 100
        let penny = pence % 100
        if penny == 0 {
            for scale in scales where pounds >= scale.unit && pounds % scale.step == 0 {
                var text = grouped(pounds / scale.unit)
                // The fraction is in thousandths of the unit, since step is at least unit / 1000.
                var thousandths = (pounds % scale.unit) / (scale.unit / 1000)
                if thousandths != 0 {
                    var width = 3
                    while thousandths % 10 == 0 {
                        thousandths /= 10
                        width -= 1
                    }
                    text.append(".")
                    FixedDigits.append(Int(thousandths), width: width, to: &text)
                }
                return text + scale.suffix
            }
        }
        var text = grouped(pounds)
        if penny != 0 {
            text.append(".")
            FixedDigits.append(Int(penny), width: 2, to: &text)
        }
        return text
    }

    /// `1234567` as `1,234,567`.
    private static func grouped(_ number: UInt64) -> String {
        let digits = Array(String(number))
        var text = ""
        text.reserveCapacity(digits.count + digits.count / 3)
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
