/// No string of an input event may hold a control character (docs/events.md): whoever can append
/// could otherwise recolour, retitle or clear the terminal of whoever reads the ledger.
///
/// The rule is kept over field names rather than event types, so that it covers every string of
/// every type: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F) are refused everywhere,
/// save a line feed (U+000A) and a tab (U+0009) in the free-text fields, `note`, `reason` and
/// `quote` (`source.quote`), which are written in paragraphs.
public enum ControlCharacterRule {
    /// The fields, by name at any depth, whose text may hold line feeds and tabs.
    public static let freeTextFields: Set<String> = ["note", "reason", "quote"]

    /// Refuses the first control character in any string of `object` (keys included), naming
    /// the field as a path (`source.title`), the character (`U+001B`) and where it is.
    public static func check(_ object: JSONObject, path: String = "") throws(ValidationError) {
        for (key, value) in object {
            let field = path.isEmpty ? key : "\(path).\(key)"
            if let found = firstControl(in: key, allowingLayout: false) {
                throw ValidationError(
                    .controlCharacter, field: TerminalText.escaped(field),
                    "the field name \(FieldReader.quoted(field)) holds the control character \(TerminalText.codePoint(found.scalar)) at character \(found.position)"
                )
            }
            try check(value, field: field, freeText: freeTextFields.contains(key))
        }
    }

    private static func check(_ value: JSONValue, field: String, freeText: Bool) throws(ValidationError) {
        switch value {
        case .string(let text):
            guard let found = firstControl(in: text, allowingLayout: freeText) else { return }
            let rule = freeText
                ? "control characters other than a line feed (U+000A) or a tab (U+0009) are refused in free text"
                : "control characters are refused here (line feeds and tabs only in note, reason and source.quote)"
            throw ValidationError(
                .controlCharacter, field: field,
                "\(field) holds the control character \(TerminalText.codePoint(found.scalar)) at character \(found.position): \(rule)"
            )
        case .object(let object):
            try check(object, path: field)
        case .array(let elements):
            for (position, element) in elements.enumerated() {
                try check(element, field: "\(field)[\(position)]", freeText: freeText)
            }
        case .null, .bool, .integer, .number:
            return
        }
    }

    /// The first control character of `text` and its position, counting code points from 1 as
    /// string lengths are counted; line feeds and tabs pass when `allowingLayout`.
    private static func firstControl(in text: String, allowingLayout: Bool) -> (scalar: Unicode.Scalar, position: Int)? {
        guard TerminalText.containsControl(text) else { return nil }
        for (offset, scalar) in text.unicodeScalars.enumerated() where TerminalText.isControl(scalar) {
            if allowingLayout && (scalar == "\n" || scalar == "\t") { continue }
            return (scalar, offset + 1)
        }
        return nil
    }
}
