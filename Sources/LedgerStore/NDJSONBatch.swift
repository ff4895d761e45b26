import LedgerCore

/// A file of newline-delimited JSON events, split and parsed, each with its line number.
public struct NDJSONBatch: Sendable {
    /// The longest line accepted, in bytes (docs/events.md: 1 MiB).
    public static let defaultLineLimit = 1 << 20

    /// The parsed events.
    public var values: [JSONValue] = []
    /// The 1-based line number in the file of each event.
    public var lineNumbers: [Int] = []

    /// Splits and parses `bytes`; blank lines are skipped. A line that is not JSON is refused
    /// with its line number as the error's index.
    public init(bytes: [UInt8], lineLimit: Int = defaultLineLimit) throws(ValidationError) {
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var line = bytes[start..<end]
            start = end + 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard line.count <= lineLimit else {
                throw ValidationError(
                    .lineTooLong, "line \(lineNumber) is \(line.count) bytes, over the limit of \(lineLimit)",
                    index: lineNumber
                )
            }
            do {
                values.append(try JSONParser.parse(Array(line)))
            } catch {
                let code: ValidationError.Code = switch error.code {
                case .invalidUTF8: .invalidUTF8
                case .tooDeep: .tooDeep
                case .duplicateKey: .duplicateKey
                default: .invalidJSON
                }
                throw ValidationError(code, "\(error.message) at byte \(error.offset + 1) of line \(lineNumber)", index: lineNumber)
            }
            lineNumbers.append(lineNumber)
        }
    }
}
