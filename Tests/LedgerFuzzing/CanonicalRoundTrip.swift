import LedgerCore

/// What the JCS encoder promises for any document the parser accepts: encoding, parsing the
/// encoding and encoding again gives the same value and the same bytes, and those bytes are
/// UTF-8 with every object's keys in JCS (UTF-16) order.
public enum CanonicalRoundTrip {
    /// How far one input got.
    public enum Outcome: Sendable, Equatable {
        /// The parser refused it, with this code.
        case refused(JSONParseError.Code)
        /// It parsed, and its canonical bytes round-trip.
        case canonical([UInt8])
    }

    /// Checks one input; a broken invariant is thrown as a finding.
    public static func check(_ bytes: [UInt8]) throws(FuzzFinding) -> Outcome {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            try require(!error.message.isEmpty, "a parse error has no message")
            try require(error.offset >= 0 && error.offset <= bytes.count, "parse error offset \(error.offset) outside \(bytes.count) bytes")
            if error.code == .invalidUTF8 {
                try require(String(validating: bytes, as: UTF8.self) == nil, "valid UTF-8 refused as invalid: \(excerpt(bytes))")
            }
            try sameAsTextParser(bytes, .failure(error))
            return .refused(error.code)
        }
        try require(String(validating: bytes, as: UTF8.self) != nil, "invalid UTF-8 was parsed: \(excerpt(bytes))")
        try sameAsTextParser(bytes, .success(value))

        let canonical = CanonicalJSON.encode(value)
        try require(String(validating: canonical, as: UTF8.self) != nil, "canonical bytes are not UTF-8: \(excerpt(canonical))")
        let again: JSONValue
        do {
            again = try JSONParser.parse(canonical)
        } catch {
            throw FuzzFinding("canonical bytes do not parse (\(error)): \(excerpt(canonical)) from \(excerpt(bytes))")
        }
        try require(again == value, "canonical bytes parse to another value: \(excerpt(canonical)) from \(excerpt(bytes))")
        let twice = CanonicalJSON.encode(again)
        try require(twice == canonical, "encoding twice differs: \(excerpt(canonical)) then \(excerpt(twice))")
        try keysInOrder(again, canonical)

        // The compact form in the order written must parse back to the same members in the same order.
        let written = Array(CanonicalJSON.string(value, sortKeys: false).utf8)
        let reparsed: JSONValue
        do {
            reparsed = try JSONParser.parse(written)
        } catch {
            throw FuzzFinding("compact bytes do not parse (\(error)): \(excerpt(written))")
        }
        try require(reparsed == value && sameOrder(reparsed, value), "compact bytes parse to another value: \(excerpt(written))")
        return .canonical(canonical)
    }

    /// Parsing the same text as a Swift string gives the same value or the same error.
    private static func sameAsTextParser(_ bytes: [UInt8], _ fromBytes: Result<JSONValue, JSONParseError>) throws(FuzzFinding) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let fromText = Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(text) }
        switch (fromBytes, fromText) {
        case (.success(let left), .success(let right)):
            try require(left == right && sameOrder(left, right), "the text parser gives another value for \(excerpt(bytes))")
        case (.failure(let left), .failure(let right)):
            try require(left == right, "the text parser fails otherwise (\(right) against \(left)) for \(excerpt(bytes))")
        case (.success, .failure(let error)):
            throw FuzzFinding("only the text parser refuses (\(error)): \(excerpt(bytes))")
        case (.failure(let error), .success):
            throw FuzzFinding("only the byte parser refuses (\(error)): \(excerpt(bytes))")
        }
    }

    /// Every object's keys, as they stand in canonical bytes, strictly ascend by UTF-16 code units.
    private static func keysInOrder(_ value: JSONValue, _ canonical: [UInt8]) throws(FuzzFinding) {
        switch value {
        case .array(let elements):
            for element in elements { try keysInOrder(element, canonical) }
        case .object(let object):
            let keys = object.keys
            for (left, right) in zip(keys, keys.dropFirst()) {
                try require(
                    left.utf16.lexicographicallyPrecedes(right.utf16),
                    "keys out of JCS order (\(excerpt(Array(left.utf8))) before \(excerpt(Array(right.utf8)))) in \(excerpt(canonical))"
                )
            }
            for (_, member) in object { try keysInOrder(member, canonical) }
        default:
            break
        }
    }

    /// Whether two equal values also hold their objects' members in the same order.
    static func sameOrder(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.array(let leftElements), .array(let rightElements)):
            return leftElements.count == rightElements.count && zip(leftElements, rightElements).allSatisfy { sameOrder($0, $1) }
        case (.object(let leftObject), .object(let rightObject)):
            let leftMembers = Array(leftObject)
            let rightMembers = Array(rightObject)
            return leftMembers.count == rightMembers.count && zip(leftMembers, rightMembers).allSatisfy {
                Array($0.key.utf8) == Array($1.key.utf8) && sameOrder($0.value, $1.value)
            }
        default:
            return left == right
        }
    }
}
