/// A strict RFC 8259 JSON parser: one value, valid UTF-8, no duplicate keys, bounded nesting.
public enum JSONParser {
    /// Parses `bytes` as exactly one JSON value, nested at most `maxDepth` arrays and objects deep.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                try UTF8Validator.validate(buffer)
                var reader = JSONReader(buffer, maxDepth: maxDepth)
                return try reader.document()
            }
        }
        return try result.get()
    }

    /// Parses `text` as exactly one JSON value, nested at most `maxDepth` arrays and objects deep.
    public static func parse(_ text: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            // A Swift string is always valid UTF-8, so there is nothing to validate.
            Result { () throws(JSONParseError) -> JSONValue in
                var reader = JSONReader(buffer, maxDepth: maxDepth)
                return try reader.document()
            }
        }
        return try result.get()
    }
}
