/// Columns of text aligned for a terminal: numbers to the right, words to the left. Cells are
/// measured in terminal columns, their control characters escaped.
struct TextTable {
    enum Alignment { case left, right }

    var columns: [(title: String, alignment: Alignment)]
    var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { (title: $0.0, alignment: $0.1) }
    }

    mutating func add(_ row: [String]) { rows.append(row.map(TerminalText.escaped)) }

    /// The table, each line starting with `indent`; the last column is never padded.
    func render(indent: String) -> [String] {
        var widths = columns.map { TerminalText.width($0.title) }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], TerminalText.width(cell))
            }
        }
        let lines = [columns.map(\.title)] + rows
        return lines.map { cells in
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                let padding = String(repeating: " ", count: max(0, widths[index] - TerminalText.width(cell)))
                switch columns[index].alignment {
                case .right: parts.append(padding + cell)
                case .left: parts.append(isLast ? cell : cell + padding)
                }
            }
            return indent + parts.joined(separator: "  ")
        }
    }
}
