import ArgumentParser
import LedgerCore
import LedgerStore

/// `ledger diff DATE1 DATE2`: what changed between the ends of two dates.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between the ends of two dates: lines announced, re-scoped, funded, slipped, bill stages, responses, progress, delivered (on time or late), withdrawn or replaced.",
        discussion: """
            On a terminal each change is cut with … to fit its width ($COLUMNS overrides it); --wide prints \
            them in full, --width N fits them to N columns anywhere.
            """
    )

    @Argument(help: ArgumentHelp("The earlier date, YYYY-MM-DD.", valueName: "date1"))
    var from: String

    @Argument(help: ArgumentHelp("The later date, YYYY-MM-DD.", valueName: "date2"))
    var to: String

    @Option(help: ArgumentHelp("Only this department (its slug).", valueName: "slug"))
    var department: String?

    @Option(name: .customLong("known-at"), help: ArgumentHelp("Only what had been recorded by this time.", valueName: "time"))
    var knownAt: String?

    @Option(help: "text (for people) or json.")
    var format: ReportFormat = .text

    @Flag(help: "For people: the totals and how many changes of each kind, not the list.")
    var summary = false
    @OptionGroup var layout: WidthOptions

    func validate() throws {
        let first = try DateArguments.civilDate(from, name: "DATE1")
        let second = try DateArguments.civilDate(to, name: "DATE2")
        guard first <= second else { throw ArgumentParser.ValidationError("DATE1 \(from) is after DATE2 \(to)") }
    }

    @OptionGroup var store: StoreOptions

    func run() throws {
        let cutoff = try knownAt.map { try DateArguments.instant($0, name: "--known-at") }
        let log = try store.reader()
        let before = try log.at(try DateArguments.civilDate(from, name: "DATE1"), department: department, knownAt: cutoff, knownAtText: knownAt)
        let after = try log.at(try DateArguments.civilDate(to, name: "DATE2"), department: department, knownAt: cutoff, knownAtText: knownAt)
        let diff = AtDiff(from: before, to: after, notes: try AtDiff.progressNotes(after: before.at, through: after, cutoff: cutoff) { try log.history(of: $0) })
        switch format {
        case .text: print(summary ? diff.renderSummary(width: layout.columns) : diff.render(width: layout.columns), terminator: "")
        case .json: print(CanonicalJSON.string(diff.json(), sortKeys: false))
        }
    }
}
