import Foundation
import LedgerClient
import LedgerCore

/// The ledger the hostile clients meet: the bundled example plus generated funding events in a
/// department of their own, enough that a subscriber from seq 1 fills its socket many times over.
enum LoadLedger {
    /// The department the generated events belong to; the slow client asks about another one, so
    /// its answer does not move while the writer appends.
    static let department = "load-test"
    /// Events per generated line: one `announced`, then `funded` ones.
    static let eventsPerLine = 50

    /// Appends the example ledger at `examplePath` and `generated` events through `connection`;
    /// returns how many events the ledger then holds.
    static func load(_ connection: LedgerConnection, examplePath: String, generated: Int) throws -> Int {
        let text = try String(contentsOfFile: examplePath, encoding: .utf8)
        let example = try text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.map { try JSONParser.parse(String($0)) }
        try append(example, through: connection)
        var batch: [JSONValue] = []
        for index in 0..<generated {
            let line = index / eventsPerLine
            batch.append(index % eventsPerLine == 0 ? announced(line) : funded(line, id: "load-\(index)"))
            if batch.count == 500 {
                try append(batch, through: connection)
                batch.removeAll()
            }
        }
        try append(batch, through: connection)
        return try connection.stats().events
    }

    /// One more `funded` event for a generated line, as the writer appends while the clients hold.
    static func funded(_ line: Int, id: String) -> JSONValue {
        .object(JSONObject([
            ("id", .string(id)), ("type", .string("funded")), ("line", .string(slug(line))),
            ("effective", .string("2025-03-03")), ("source", source), ("amount_pence", .integer(250_000_00)),
        ]))
    }

    /// The `announced` event that opens generated line `line`.
    private static func announced(_ line: Int) -> JSONValue {
        .object(JSONObject([
            ("id", .string("load-line-\(line)")), ("type", .string("announced")), ("line", .string(slug(line))),
            ("effective", .string("2025-01-06")), ("source", source), ("department", .string(department)),
            ("department_name", .string("Load Test")), ("title", .string("Generated funding line \(line)")),
            ("amount_pence", .integer(10_000_000_00)), ("kind", .string("funding")),
        ]))
    }

    /// The slug of generated line `line`.
    private static func slug(_ line: Int) -> String { "load-line-\(line)" }

    /// A source the size of a real one (a title and a quoted paragraph), so pages are realistic.
    private static let source = JSONValue.object(JSONObject([
        ("title", .string("Written statement on the allocation of funding to local partnerships")),
        ("publisher", .string("Load Test")), ("published", .string("2025-03-03")),
        ("quote", .string(String(repeating: "The funding will be allocated to local partnerships over the year. ", count: 3))),
    ]))

    /// Appends `events` as one batch, throwing the daemon's error if it refuses them.
    private static func append(_ events: [JSONValue], through connection: LedgerConnection) throws {
        guard !events.isEmpty else { return }
        _ = try connection.append(events)
    }
}
