/// Small helpers for the fixed-width ASCII forms of dates and times.
enum FixedDigits {
    /// The number written by `count` ASCII digits of `bytes` from `start`, or nil if any is not a digit.
    static func read<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, from start: Int, count: Int) -> Int? where Bytes.Index == Int {
        guard start >= 0, count > 0, start + count <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            let byte = bytes[bytes.startIndex + index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Appends a non-negative `value` to `text`, left-padded with zeros to `width` digits.
    static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width {
            text.append(String(repeating: "0", count: width - digits.count))
        }
        text.append(digits)
    }

    /// Appends `value`, from 0 to 10^width − 1, as exactly `width` ASCII digits, left-padded with zeros.
    static func appendASCII(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}

extension StringProtocol {
    /// `parse` run on the text's UTF-8, read in place where it is contiguous (every native string
    /// and substring), else on a copy.
    func parsingUTF8<Parsed>(_ parse: (UnsafeBufferPointer<UInt8>) -> Parsed?) -> Parsed? {
        utf8.withContiguousStorageIfAvailable(parse) ?? Array(utf8).withUnsafeBufferPointer(parse)
    }
}
