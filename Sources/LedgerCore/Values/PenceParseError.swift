/// Why a written amount of money could not be read as `Pence`.
public struct PenceParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable, machine-readable reason.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Nothing but white space was given.
        case empty
        /// The text is not a number of pounds with an optional `£` and suffix.
        case malformed
        /// A minus sign: amounts are never negative.
        case negative
        /// Thousands commas not in groups of three digits.
        case misplacedComma = "misplaced_comma"
        /// More than two decimals without a suffix such as `m`.
        case tooManyDecimals = "too_many_decimals"
        /// With its suffix applied, the amount is not a whole number of pence.
        case fractionOfPenny = "fraction_of_penny"
        /// Above `Pence.limit` (£10tn).
        case aboveLimit = "above_limit"
    }

    /// The stable, machine-readable reason.
    public let code: Code
    /// What is wrong, for people, quoting the text.
    public let message: String

    /// An error with a reason and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
