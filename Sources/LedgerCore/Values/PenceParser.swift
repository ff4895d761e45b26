/// Reads amounts of money as people write them; see `Pence.init(parsing:)`.
enum PenceParser {
    /// Suffixes and the power of ten of pence they stand for.
    private static let suffixes: [(word: String, exponent: Int)] = [
        ("k", 5), ("thousand", 5),
        ("m", 8), ("million", 8),
        ("bn", 11), ("billion", 11),
        ("tn", 14), ("trillion", 14),
    ]

    static func parse(_ text: String) throws(PenceParseError) -> Pence {
        let quoted = "\"\(text)\""
        let bytes = Array(trimmed(Array(text.utf8)))
        guard !bytes.isEmpty else { throw PenceParseError(.empty, "an amount is required") }

        var index = 0
        if bytes.starts(with: [0xC2, 0xA3]) { index = 2 }  // "£" in UTF-8
        if bytes.first == UInt8(ascii: "-") || (index < bytes.count && bytes[index] == UInt8(ascii: "-")) {
            throw PenceParseError(.negative, "\(quoted) is negative: amounts cannot be negative")
        }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw PenceParseError(.malformed, "\(quoted) is not an amount such as £2.5m, £250k or £1,234.56")
        }

        var digits: [UInt8] = []
        var groups: [Int] = [0]
        while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ",") {
            if bytes[index] == UInt8(ascii: ",") {
                groups.append(0)
            } else {
                digits.append(bytes[index] - UInt8(ascii: "0"))
                groups[groups.count - 1] += 1
            }
            index += 1
        }
        if groups.count > 1 {
            let firstOK = (1...3).contains(groups[0])
            guard firstOK, groups.dropFirst().allSatisfy({ $0 == 3 }) else {
                throw PenceParseError(
                    .misplacedComma, "\(quoted) has misplaced commas: write thousands as 1,234,567")
            }
        }

        var fraction: [UInt8] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) {
                fraction.append(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard !fraction.isEmpty else {
                throw PenceParseError(.malformed, "\(quoted) has a decimal point with no digits after it")
            }
        }

        let restStart = index
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        let word = String(decoding: bytes[index...].map(lowercased), as: UTF8.self)
        var exponent = 2
        var suffixed = false
        if index < bytes.count {
            guard let match = suffixes.first(where: { $0.word == word }) else {
                let rest = String(decoding: bytes[restStart...], as: UTF8.self)
                throw PenceParseError(
                    .malformed, "\(quoted) ends in \"\(rest)\", not k, m, bn, tn, thousand, million, billion or trillion")
            }
            exponent = match.exponent
            suffixed = true
        }

        if !suffixed, fraction.count > 2 {
            throw PenceParseError(
                .tooManyDecimals, "\(quoted) has more than two decimal places: pence are at most two digits")
        }
        while fraction.last == 0 { fraction.removeLast() }
        if fraction.count > exponent {
            throw PenceParseError(.fractionOfPenny, "\(quoted) is not a whole number of pence")
        }

        // Accumulate in UInt64 and stop at the first step past the limit, so nothing can overflow.
        let limit = UInt64(Pence.limit.value)
        var pence: UInt64 = 0
        let scaled = digits + fraction + Array(repeating: 0, count: exponent - fraction.count)
        for digit in scaled {
            pence = pence * 10 + UInt64(digit)
            if pence > limit {
                throw PenceParseError(.aboveLimit, "\(quoted) is above the limit of £10tn")
            }
        }
        return Pence(Int64(pence))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    private static func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return bytes[first...last]
    }
}
