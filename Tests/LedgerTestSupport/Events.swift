import LedgerCore

/// Builds test events from JSON text, so a test reads like the NDJSON a user writes.
public enum Events {
    /// Parses one JSON value; a malformed literal in a test is reported as a thrown error.
    public static func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    /// Parses a list of NDJSON lines.
    public static func batch(_ lines: [String]) throws -> [JSONValue] {
        try lines.map(json)
    }

    /// A source object for test events.
    public static let source = #"{"title":"Home Secretary statement","publisher":"Home Office","published":"2025-01-16"}"#

    /// An `announced` event as NDJSON.
    public static func announced(
        _ line: String, amount: Int64? = nil, department: String = "home-office", due: String? = nil,
        parent: String? = nil, kind: String = "funding", on date: String = "2025-01-16", id: String? = nil, _ extra: String = ""
    ) -> String {
        var fields = [
            #""type":"announced""#, #""line":"\#(line)""#, #""effective":"\#(date)""#, #""source":\#(source)"#,
            #""department":"\#(department)""#, #""title":"Title of \#(line)""#, #""kind":"\#(kind)""#,
        ]
        if let amount { fields.append(#""amount_pence":\#(amount)"#) }
        if let due { fields.append(#""due":"\#(due)""#) }
        if let parent { fields.append(#""parent":"\#(parent)""#) }
        if let id { fields.append(#""id":"\#(id)""#) }
        if !extra.isEmpty { fields.append(extra) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Any other event as NDJSON: `extra` is the type's own fields, as JSON members.
    public static func event(_ type: String, _ line: String, on date: String, _ extra: String = "", id: String? = nil) -> String {
        var fields = [#""type":"\#(type)""#, #""line":"\#(line)""#, #""effective":"\#(date)""#, #""source":\#(source)"#]
        if !extra.isEmpty { fields.append(extra) }
        if let id { fields.append(#""id":"\#(id)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The `at` result of NDJSON events folded in memory (no store), numbered in the order given.
    public static func result(_ lines: [String], at date: CivilDate, department: String? = nil) throws -> AtResult {
        AtReport.build(at: date, knownAt: nil, states: try states(lines, through: date), department: department)
    }

    /// The states at the end of `date` of the lines of NDJSON events, folded in memory.
    public static func states(_ lines: [String], through date: CivilDate) throws -> [LineState] {
        let decoder = EventDecoder(today: nil)
        var byLine: [String: [StoredEvent]] = [:]
        for (index, text) in lines.enumerated() {
            let event = try decoder.decode(json(text))
            byLine[event.line, default: []].append(StoredEvent(
                seq: UInt64(index + 1), recorded: Timestamp(millisecondsSinceEpoch: 0), event: event
            ))
        }
        return byLine.values.compactMap { LineFold.state(of: $0, through: date) }
    }
}

extension AtResult {
    /// The snapshot of line `slug`, if it is in the result.
    public func line(_ slug: String) -> LineSnapshot? {
        allLines.first { $0.state.line == slug }
    }
}
