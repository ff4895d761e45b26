/// Text for a terminal: control characters made visible, widths counted in columns, lines cut
/// or wrapped to fit. Every output for people goes through `escaped(_:)`, so that text an event
/// holds can never move the cursor, recolour, retitle or clear the reader's terminal.
public enum TerminalText {
    /// Whether `scalar` is a control character: C0 (U+0000–U+001F, with line feed and tab),
    /// DEL (U+007F) or C1 (U+0080–U+009F).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Whether `text` holds any control character, read from its UTF-8 bytes: C0 and DEL are
    /// single bytes, and C1 is 0xC2 followed by 0x80–0x9F.
    public static func containsControl(_ text: String) -> Bool {
        var afterC2 = false
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (afterC2 && byte >= 0x80 && byte <= 0x9F) { return true }
            afterC2 = byte == 0xC2
        }
        return false
    }

    /// The scalar's code point as people write it: `U+001B`.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// `text` with every control character (line feed and tab included) written as Swift writes
    /// it in a string literal, `\u{1B}`: readable, and naming the character exactly. Text with
    /// none is returned as it is.
    public static func escaped(_ text: String) -> String {
        guard containsControl(text) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Free text (a note, reason or quote) for reading over several lines: one line for each of
    /// its lines, a tab read as a space, and every other control character escaped.
    public static func paragraphs(_ text: String) -> [String] {
        guard containsControl(text) else { return [text] }
        // By scalars, so that the line feed of a CR LF ends a line too (its CR is escaped).
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { line in
            escaped(String(String.UnicodeScalarView(line.map { $0 == "\t" ? " " : $0 })))
        }
    }

    // MARK: Width

    /// The columns `text` takes on a terminal: one for each character, two for the wide and
    /// full-width characters of East Asian scripts and emoji, none for combining marks and
    /// invisible format characters. Control characters count none: escape them first.
    public static func width(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.reduce(0) { $0 + ($1 >= 0x20 && $1 != 0x7F ? 1 : 0) }
        }
        return text.reduce(0) { $0 + width(of: $1) }
    }

    /// The columns one character (a grapheme cluster) takes.
    static func width(of character: Character) -> Int {
        var columns = 0
        for scalar in character.unicodeScalars {
            columns = max(columns, width(of: scalar))
            if columns == 2 { break }
        }
        return columns
    }

    private static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value < 0x20 ? 0 : 1 }
        if isControl(scalar) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if value == 0x200B { return 0 }
        if isWide(value) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// The East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth W and F, by block).
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
             0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            true
        default:
            false
        }
    }

    // MARK: Fitting

    /// `text` cut to at most `columns` columns, ending in `…` when it is cut; never a character
    /// split. Zero or fewer columns give the empty string.
    public static func truncated(_ text: String, toWidth columns: Int) -> String {
        guard columns > 0 else { return "" }
        if width(text) <= columns { return text }
        var out = ""
        var used = 0
        for character in text {
            let next = width(of: character)
            if used + next > columns - 1 { break }
            out.append(character)
            used += next
        }
        while out.last == " " { out.removeLast() }
        return out + "…"
    }

    /// `text` wrapped at spaces into lines of at most `columns` columns: the first line starts
    /// with `lead`, the others with `continuation`. A word longer than a line is cut across
    /// lines when `breakingLongWords`, else left whole on a line of its own (an address, say).
    public static func wrapped(
        _ text: String, toWidth columns: Int, lead: String = "", continuation: String = "",
        breakingLongWords: Bool = true
    ) -> [String] {
        if width(lead) + width(text) <= columns { return [lead + text] }
        var lines: [String] = []
        var line = lead
        var lineWidth = width(lead)
        var lineHasWord = false
        func newLine() {
            lines.append(line)
            line = continuation
            lineWidth = width(continuation)
            lineHasWord = false
        }
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let wordWidth = width(word)
            let space = lineHasWord ? 1 : 0
            if lineWidth + space + wordWidth <= columns {
                if lineHasWord { line += " " }
                line += word
                lineWidth += space + wordWidth
                lineHasWord = true
                continue
            }
            if lineHasWord { newLine() }
            if lineWidth + wordWidth <= columns || !breakingLongWords {
                line += word
                lineWidth += wordWidth
                lineHasWord = true
                continue
            }
            // A word wider than a whole line: as much of it as fits on each line.
            for character in word {
                let next = width(of: character)
                if lineWidth + next > columns && lineHasWord { newLine() }
                line.append(character)
                lineWidth += next
                lineHasWord = true
            }
        }
        if lineHasWord || lines.isEmpty { lines.append(line) }
        return lines
    }
}
