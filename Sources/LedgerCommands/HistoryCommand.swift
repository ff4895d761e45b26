import ArgumentParser
import LedgerCore
import LedgerStore

/// `ledger history LINE`: every event of one commitment, with its source.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List every event of a line, in date order, each with its source and quote.",
        discussion: """
            On a terminal long lines are wrapped at its width ($COLUMNS overrides it), web addresses left whole; \
            --wide prints each on one line, --width N wraps at N columns anywhere.
            """
    )

    @Argument(help: ArgumentHelp("The line's slug.", valueName: "line"))
    var line: String

    @Option(help: "text (for people) or json (one stored event per line, with retracted_by).")
    var format: ReportFormat = .text

    @OptionGroup var layout: WidthOptions

    @OptionGroup var store: StoreOptions

    func run() throws {
        let log = try store.reader()
        let entries = try log.history(of: line)
        guard !entries.isEmpty else { throw CommandFailure("no events for line \"\(line)\"") }
        switch format {
        case .json:
            for entry in entries { print(CanonicalJSON.string(entry.json)) }
        case .text:
            print(HistoryText.render(line: line, entries, width: layout.columns), terminator: "")
        }
    }
}
