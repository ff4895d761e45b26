/// Checks that bytes are well-formed UTF-8 (Unicode Table 3-7): no overlong forms,
/// no encoded surrogates, nothing above U+10FFFF, no truncated sequences.
enum UTF8Validator {
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        let end = bytes.count
        var index = 0
        while index < end {
            // Skip ASCII eight bytes at a time: most input is ASCII.
            if let base = bytes.baseAddress {
                while index + 8 <= end {
                    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 != 0 { break }
                    index += 8
                }
            }
            guard index < end else { return }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            var rangeProblem = ""
            switch lead {
            case 0xC2...0xDF:
                length = 2
            case 0xE0:
                length = 3
                low = 0xA0
                rangeProblem = "overlong encoding"
            case 0xED:
                length = 3
                high = 0x9F
                rangeProblem = "encoded surrogate"
            case 0xE1...0xEF:
                length = 3
            case 0xF0:
                length = 4
                low = 0x90
                rangeProblem = "overlong encoding"
            case 0xF4:
                length = 4
                high = 0x8F
                rangeProblem = "code point above U+10FFFF"
            case 0xF1...0xF3:
                length = 4
            case 0x80...0xBF:
                throw JSONParseError(
                    .invalidUTF8, "invalid UTF-8 byte \(hexByte(lead)): a continuation byte with no lead byte",
                    offset: index)
            case 0xC0, 0xC1:
                throw JSONParseError(
                    .invalidUTF8, "invalid UTF-8 byte \(hexByte(lead)): overlong encoding", offset: index)
            default:
                throw JSONParseError(.invalidUTF8, "invalid UTF-8 byte \(hexByte(lead))", offset: index)
            }
            guard index + length <= end else {
                throw JSONParseError(
                    .invalidUTF8, "truncated UTF-8 sequence starting with byte \(hexByte(lead))", offset: index)
            }
            let second = bytes[index + 1]
            if second < low || second > high {
                if second >= 0x80 && second <= 0xBF {
                    throw JSONParseError(
                        .invalidUTF8,
                        "invalid UTF-8 sequence \(hexByte(lead)) \(hexByte(second)): \(rangeProblem)",
                        offset: index)
                }
                throw JSONParseError(
                    .invalidUTF8, "invalid UTF-8 byte \(hexByte(second)) after lead byte \(hexByte(lead))",
                    offset: index + 1)
            }
            var position = index + 2
            while position < index + length {
                let byte = bytes[position]
                guard byte >= 0x80 && byte <= 0xBF else {
                    throw JSONParseError(
                        .invalidUTF8, "invalid UTF-8 byte \(hexByte(byte)) after lead byte \(hexByte(lead))",
                        offset: position)
                }
                position += 1
            }
            index += length
        }
    }

    /// `0xFF`.
    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [0x30, 0x78, digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }
}
