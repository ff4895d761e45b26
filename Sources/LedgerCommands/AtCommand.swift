import ArgumentParser
import LedgerCore
import LedgerStore

/// `ledger at DATE`: the state of every commitment at the end of a date.
struct AtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "at",
        abstract: "Show the state of every commitment, per department, at the end of a date.",
        discussion: """
            DATE is a civil date (YYYY-MM-DD) in Europe/London; the state is taken at the end of that day \
            from everything the ledger knows now, or with --known-at only from what it had recorded by then.

            On a terminal the table fits its width ($COLUMNS, when set, overrides the width the terminal \
            reports): every column is kept whole but WHAT, which is cut with … rather than a row being broken. \
            --wide prints the full text, as when the output goes to a file or a pipe; --width N fits it to N \
            columns anywhere.
            """
    )

    @Argument(help: ArgumentHelp("The date, YYYY-MM-DD.", valueName: "date"))
    var date: String

    @Option(help: ArgumentHelp("Only this department (its slug).", valueName: "slug"))
    var department: String?

    @Option(name: .customLong("known-at"), help: ArgumentHelp(
        "Only what had been recorded by this time (RFC 3339, or a date meaning the end of that day in Europe/London).",
        valueName: "time"
    ))
    var knownAt: String?

    @Option(help: "table (for people), json or csv.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp(
        "In the table, list only lines of this kind: funding, legislation, policy, review or recommendation (the figures still count every line).",
        valueName: "kind"
    ))
    var kind: CommitmentKind?

    func validate() throws {
        if kind != nil && format != .table {
            throw ArgumentParser.ValidationError("--kind lists some lines of the table only; --format json and csv always give every line")
        }
    }

    @OptionGroup var layout: WidthOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        let day = try DateArguments.civilDate(date, name: "DATE")
        let cutoff = try knownAt.map { try DateArguments.instant($0, name: "--known-at") }
        let result = try store.reader().at(day, department: department, knownAt: cutoff, knownAtText: knownAt)
        switch format {
        case .table: print(AtTable.render(result, width: layout.columns, kind: kind), terminator: "")
        case .json:
            var bytes: [UInt8] = []
            AtJSON.encode(result, into: &bytes)
            print(String(decoding: bytes, as: UTF8.self))
        case .csv: print(AtCSV.render(result), terminator: "")
        }
    }
}

extension CommitmentKind: ExpressibleByArgument {}

/// Parses the dates and times given on the command line, with messages naming the argument.
enum DateArguments {
    static func civilDate(_ text: String, name: String) throws -> CivilDate {
        guard let date = CivilDate(iso: text) else {
            throw ArgumentParser.ValidationError("\(name) \"\(TerminalText.escaped(text))\" is not a date written YYYY-MM-DD")
        }
        return date
    }

    /// An RFC 3339 time, or a civil date meaning the last millisecond of that day in London.
    static func instant(_ text: String, name: String) throws -> Timestamp {
        guard let time = Timestamp(cutoff: text) else {
            throw ArgumentParser.ValidationError("\(name) \"\(TerminalText.escaped(text))\" is neither an RFC 3339 time (2025-04-15T09:30:00Z) nor a date (2025-04-15)")
        }
        return time
    }
}
