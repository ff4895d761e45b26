import ArgumentParser
import LedgerCore
import LedgerStore

#if canImport(Glibc)
import Glibc
#endif

/// `ledger append FILE|-`: appends a file of NDJSON events as one atomic batch.
struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append NDJSON events from a file (or - for standard input) as one atomic batch.",
        discussion: """
            Every event is checked first; if any breaks a rule nothing is appended, and the message names \
            its line, the field and the rule. Re-sending events already stored is a no-op (duplicates). \
            Through the daemon, a file too large for one request (about 768 KiB or 10,000 events) goes in \
            batches, each atomic, with progress shown on a terminal.
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
        let ledger = try store.writer()
        let showProgress = isatty(STDERR_FILENO) == 1 && batch.values.count > 1000
        let report: AppendReport
        do {
            report = try ledger.append(batch) { sent, total in
                if showProgress { StandardError.write("\rappending: \(sent)/\(total) events") }
            }
            if showProgress { StandardError.write("\n") }
        } catch let refusal as AppendRefusal {
            if showProgress { StandardError.write("\n") }
            let error = refusal.error
            let line = error.index.map { batch.lineNumbers[refusal.offset + $0] }
            let field = error.field.map { " (field \($0))" } ?? ""
            var message = "\(place(line: line))\(field): \(error.code.rawValue): \(error.message); "
            if refusal.offset == 0 {
                message += "nothing was appended"
            } else {
                message += "the batch holding it was not appended; \(Self.summary(refusal.before)) before it (lines up to \(batch.lineNumbers[refusal.offset - 1])), and sending the file again skips those as duplicates"
            }
            throw CommandFailure(message)
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
