import ArgumentParser
import LedgerClient
import LedgerCore

/// `ledger tail`: follows the daemon's live stream of committed events.
struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow the events as the daemon commits them (NDJSON, as stored), until interrupted."
    )

    @Option(name: .customLong("from-seq"), help: ArgumentHelp("Start at this seq (default: only events committed from now on).", valueName: "n"))
    var fromSeq: UInt64?

    @Option(help: "json (one stored event per line) or text (one line per event for people).")
    var format: ReportFormat = .json

    @OptionGroup var store: StoreOptions

    func run() throws {
        let daemon = try store.connect()
        let start = try fromSeq ?? daemon.connection.stats().headSeq + 1
        var events = try daemon.connection.subscribe(from: start)
        var output = StandardOutput()
        while let event = try DaemonLedger.plainly({ () throws(ClientError) in try events.next() }) {
            switch format {
            case .json: output.write(CanonicalJSON.encode(.object(event)))
            case .text: output.write(Array(Self.describe(event).utf8))
            }
            output.write([UInt8(ascii: "\n")])
            output.flush()
        }
        throw CommandFailure("the daemon closed the stream")
    }

    static func describe(_ event: JSONObject) -> String {
        var object = event
        object["hash"] = nil
        guard let stored = try? StoredEventDecoder.decode(.object(event)).stored else {
            return TerminalText.escaped(CanonicalJSON.string(.object(event)))
        }
        let e = stored.event
        return TerminalText.escaped("#\(stored.seq) \(e.effective) \(e.line) \(e.type.rawValue) \(HistoryText.describe(e.body))")
    }
}

/// `ledger stats`: the daemon's figures.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the daemon's figures: events, head, connections, appends, uptime, store size."
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let stats = try store.connect().connection.stats()
        let figures: [(String, String)] = [
            ("events", "\(stats.events)"), ("head_seq", "\(stats.headSeq)"), ("head_hash", stats.headHash),
            ("connections", "\(stats.connections)"), ("appends", "\(stats.appends)"), ("uptime_seconds", "\(stats.uptimeSeconds)"),
            ("store_bytes", "\(stats.storeBytes)"),
        ]
        for (key, value) in figures { print("\(key): \(value)") }
    }
}
