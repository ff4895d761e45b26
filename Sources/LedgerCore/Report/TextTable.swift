/// Columns of text aligned for a terminal: numbers to the right, words to the left. Cells are
/// measured in terminal columns, their control characters escaped.
struct TextTable {
    enum Alignment { case left, right }

    /// Below this many columns for the last column, a table fitted to a width sets its columns
    /// one space apart instead of two, to leave the last one more room.
    static let roomyLastColumn = 20

    var columns: [(title: String, alignment: Alignment)]
    var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { (title: $0.0, alignment: $0.1) }
    }

    mutating func add(_ row: [String]) { rows.append(row.map(TerminalText.escaped)) }

    /// The table, each line starting with `indent`; the last column is never padded.
    ///
    /// Given a `width`, no line is wider and no row is broken: the other columns are kept whole
    /// and the last is cut to the room left, ending in `…`. When that room would be narrow
    /// (`roomyLastColumn`), the columns are set one space apart; when there is none, the last
    /// column is left out; and if the other columns alone are wider still, each line is cut at
    /// the width. A table that fits is the same as without a width.
    func render(indent: String, width: Int? = nil) -> [String] {
        var widths = columns.map { TerminalText.width($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], TerminalText.width(cell))
            }
        }
        var gap = 2
        var lastRoom: Int?
        if let width, let widest = widths.last {
            let fixed = TerminalText.width(indent) + widths.dropLast().reduce(0, +)
            let gaps = widths.count - 1
            if fixed + 2 * gaps + widest > width {
                var room = width - fixed - 2 * gaps
                if room < Self.roomyLastColumn {
                    gap = 1
                    room = width - fixed - gaps
                }
                lastRoom = room
            }
        }
        let separator = String(repeating: " ", count: gap)
        let lines = [columns.map(\.title)] + rows
        return lines.map { cells in
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                if isLast, let room = lastRoom {
                    if room >= 1 { parts.append(TerminalText.truncated(cell, toWidth: room)) }
                    continue
                }
                let padding = String(repeating: " ", count: max(0, widths[index] - TerminalText.width(cell)))
                switch columns[index].alignment {
                case .right: parts.append(padding + cell)
                case .left: parts.append(isLast ? cell : cell + padding)
                }
            }
            let line = indent + parts.joined(separator: separator)
            guard let width, lastRoom != nil else { return line }
            var fitted = TerminalText.width(line) > width ? TerminalText.truncated(line, toWidth: width) : line
            while fitted.last == " " { fitted.removeLast() }
            return fitted
        }
    }
}
