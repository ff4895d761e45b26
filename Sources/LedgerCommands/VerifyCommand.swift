import ArgumentParser
import LedgerCore
import LedgerStore

/// `ledger verify`: walks the hash chain.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the hash chain: print the event count and head hash, or the first bad seq (exit status 1)."
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        switch try store.reader().verify() {
        case .intact(let count, let head):
            print("ok: \(count) events, chain intact, head \(Hex.string(head))")
        case .broken(let seq, let reason):
            throw CommandFailure("chain broken at seq \(seq): \(reason)")
        }
    }
}

/// `ledger export`: every event as stored, NDJSON.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print every stored event as NDJSON in canonical form, with seq, recorded, id and hash."
    )

    @Option(name: .customLong("from-seq"), help: ArgumentHelp("Start at this seq.", valueName: "n"))
    var fromSeq: UInt64 = 1

    @OptionGroup var store: StoreOptions

    func run() throws {
        let log = try store.reader()
        var output = StandardOutput()
        try log.export(fromSeq: fromSeq) { line in
            output.write(line)
            output.write([UInt8(ascii: "\n")])
        }
        output.flush()
    }
}

/// `ledger backup DIR`: a hot, consistent, compacted copy.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent, compacted copy of the ledger into an empty directory, safe while appends run."
    )

    @Argument(help: ArgumentHelp("The directory for the copy (created if missing; must be empty).", valueName: "dir"))
    var directory: String

    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let source = store.directory else {
            throw CommandFailure("backup reads the LMDB environment directly: give the daemon's state directory with --db DIR (LMDB lets it run beside the daemon)")
        }
        let log = try store.openForReading(source)
        try BackupDirectory.prepare(directory)
        try log.backup(to: directory)
        // Counted in the copy: appends go on in the source while it is taken.
        let copied = try store.openForReading(directory).eventCount()
        print("backed up \(copied) events to \(directory)")
    }
}

/// `ledger money AMOUNT`: pence from what people write, and back.
struct MoneyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "money",
        abstract: "Convert an amount as people write it (£2.5m, £250k, £1,234.56) to integer pence, for amount_pence."
    )

    @Argument(help: ArgumentHelp("An amount such as £2.5m, 250k or £1,234.56.", valueName: "amount"))
    var amount: String

    func run() throws {
        do {
            let pence = try Pence(parsing: amount)
            print("\(pence.value) pence (\(pence.formatted))")
        } catch {
            throw ArgumentParser.ValidationError("\"\(amount)\" is not an amount: \(error.message)")
        }
    }
}

/// `ledger rebuild`: derives every index and projection again from the events log.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Derive every index and projection again from the hash-chained events alone, in one transaction.",
        discussion: """
            The events are the record; the id index, the line index and the per-line timelines that answer `at` are \
            derived from them. Readers (and a running daemon) see the old projections until the new ones commit.
            """
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let directory = store.directory else {
            throw CommandFailure("rebuild works on the LMDB environment directly: give the ledger's state directory with --db DIR")
        }
        let log = try store.openForWriting(directory)
        let report = try log.rebuildProjections()
        print("rebuilt the projections of \(report.lines) lines from \(report.events) events")
    }
}
