import ArgumentParser
import LedgerCore
import LedgerStore

/// `ledger append FILE|-`: appends a file of NDJSON events as one atomic batch.
struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append NDJSON events from a file (or - for standard input) as one atomic batch.",
        discussion: """
            Every event is checked first; if any breaks a rule nothing is appended, and the message names \
            its line, the field and the rule. Re-sending events already stored is a no-op (duplicates).
            """
    )

    @Argument(help: ArgumentHelp("An NDJSON file of events, or - for standard input.", valueName: "file"))
    var file: String

    @OptionGroup var store: StoreOptions

    func run() throws {
        let bytes = try InputFile.contents(of: file)
        let batch: NDJSONBatch
        do {
            batch = try NDJSONBatch(bytes: bytes)
        } catch {
            throw CommandFailure("\(place(line: error.index)): \(error.code.rawValue): \(error.message); nothing was appended")
        }
        let log = try store.openForWriting()
        let report: AppendReport
        do {
            report = try log.append(batch.values, now: SystemClock.now())
        } catch let error as LedgerCore.ValidationError {
            let line = error.index.map { batch.lineNumbers[$0] }
            let field = error.field.map { " (field \($0))" } ?? ""
            throw CommandFailure("\(place(line: line))\(field): \(error.code.rawValue): \(error.message); nothing was appended")
        }
        print(Self.summary(report))
    }

    private func place(line: Int?) -> String {
        let name = file == "-" ? "standard input" : file
        return line.map { "\(name), line \($0)" } ?? name
    }

    static func summary(_ report: AppendReport) -> String {
        var text = "appended \(report.appended), duplicates \(report.duplicates)"
        if let first = report.firstSeq, let last = report.lastSeq {
            text += first == last ? ", seq \(first)" : ", seq \(first)–\(last)"
        }
        return text
    }
}
