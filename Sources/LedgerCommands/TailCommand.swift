import ArgumentParser
import LedgerClient
import LedgerCore
import LedgerProtocol

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
        var start = fromSeq ?? 1
        if fromSeq == nil {
            let stats = try daemon.connection.request(.object(JSONObject([("op", .string("stats"))])))
            start = UInt64(stats["head_seq"]?.integerValue ?? 0) + 1
        }
        try daemon.connection.send(.object(JSONObject([("op", .string("subscribe")), ("from_seq", .integer(Int64(start)))])))
        var output = StandardOutput()
        while let line = try daemon.connection.receive() {
            switch try ResponseDecoder.decode(line) {
            case .event(let event):
                switch format {
                case .json: output.write(CanonicalJSON.encode(.object(event)))
                case .text: output.write(Array(Self.describe(event).utf8))
                }
                output.write([UInt8(ascii: "\n")])
                output.flush()
            case .error(let error):
                throw CommandFailure(error.description)
            default:
                throw CommandFailure("the daemon sent an unexpected line while streaming")
            }
        }
        throw CommandFailure("the daemon closed the stream")
    }

    static func describe(_ event: JSONObject) -> String {
        var object = event
        object["hash"] = nil
        guard let stored = try? StoredEventDecoder.decode(.object(event)).stored else {
            return CanonicalJSON.string(.object(event))
        }
        let e = stored.event
        return "#\(stored.seq) \(e.effective) \(e.line) \(e.type.rawValue) \(HistoryText.describe(e.body))"
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
        let stats = try store.connect().connection.request(.object(JSONObject([("op", .string("stats"))])))
        for key in ["events", "head_seq", "head_hash", "connections", "appends", "uptime_seconds", "store_bytes"] {
            if let value = stats[key] {
                print("\(key): \(value.stringValue ?? value.integerValue.map(String.init) ?? CanonicalJSON.string(value))")
            }
        }
    }
}
