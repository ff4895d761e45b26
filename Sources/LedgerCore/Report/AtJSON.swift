/// The JSON form of an `at` result, exactly the shape of docs/at.md, keys in that order.
public enum AtJSON {
    /// The result as a JSON value.
    public static func value(_ result: AtResult) -> JSONValue {
        .object(JSONObject([
            ("at", .string(result.at.description)),
            ("known_at", result.knownAt.map(JSONValue.string) ?? .null),
            ("totals", .object(JSONObject([
                ("pledged_pence", .integer(result.pledged.value)),
                ("funded_pence", .integer(result.funded.value)),
                ("reannounced_pence", .integer(result.reannounced.value)),
            ]))),
            ("departments", .array(result.departments.map(department))),
        ]))
    }

    private static func department(_ department: DepartmentState) -> JSONValue {
        let counts = department.counts
        return .object(JSONObject([
            ("department", .string(department.department)),
            ("name", department.name.map(JSONValue.string) ?? .null),
            ("pledged_pence", .integer(department.pledged.value)),
            ("funded_pence", .integer(department.funded.value)),
            ("reannounced_pence", .integer(department.reannounced.value)),
            ("counts", .object(JSONObject(counts.named.map { ($0.0, .integer(Int64($0.1))) }))),
            ("lines", .array(department.lines.map(line))),
        ]))
    }

    private static func line(_ snapshot: LineSnapshot) -> JSONValue {
        let state = snapshot.state
        return .object(JSONObject([
            ("line", .string(state.line)),
            ("title", .string(state.title)),
            ("kind", .string(state.kind.rawValue)),
            ("parent", state.parent.map(JSONValue.string) ?? .null),
            ("status", .string(state.status.rawValue)),
            ("overdue", .bool(snapshot.overdue)),
            ("pledged_pence", .integer(state.pledged.value)),
            ("funded_pence", .integer(state.funded.value)),
            ("children_pledged_pence", .integer(snapshot.childrenPledged.value)),
            ("due", state.due.map { .string($0.description) } ?? .null),
            ("slips", .integer(Int64(state.slips))),
            ("slipped_days", .integer(Int64(state.slippedDays))),
            ("stage", state.stage.map { .string($0.rawValue) } ?? .null),
            ("bill", state.bill.map(JSONValue.string) ?? .null),
            ("house", state.house.map { .string($0.rawValue) } ?? .null),
            ("replaced_by", state.replacedBy.map(JSONValue.string) ?? .null),
            ("delivered_on", state.deliveredOn.map { .string($0.description) } ?? .null),
            ("late_days", state.lateDays.map { .integer(Int64($0)) } ?? .null),
            ("response", state.response.map { .string($0.rawValue) } ?? .null),
            ("made_by", state.madeBy.map(JSONValue.string) ?? .null),
            ("money", state.money.map { .string($0.rawValue) } ?? .null),
            ("last_activity", .string(state.lastActivity.description)),
        ]))
    }
}

extension AtJSON {
    /// Appends the result's JSON to `bytes`, byte for byte what encoding `value(result)` gives,
    /// without building the value first: a whole-ledger answer has thousands of lines.
    public static func encode(_ result: AtResult, into bytes: inout [UInt8]) {
        // Room for the whole answer at once (a line takes about 400 bytes, more with long titles):
        // growing a buffer of megabytes step by step copies it over and over.
        let lines = result.departments.reduce(0) { $0 + $1.lines.count }
        bytes.reserveCapacity(bytes.count + 1_024 + 256 * result.departments.count + 512 * lines)
        var writer = Writer(bytes: bytes)
        bytes = []
        writer.open()
        writer.date("at", result.at)
        writer.string("known_at", result.knownAt)
        writer.key("totals")
        writer.open()
        writer.integer("pledged_pence", result.pledged.value)
        writer.integer("funded_pence", result.funded.value)
        writer.integer("reannounced_pence", result.reannounced.value)
        writer.close()
        writer.key("departments")
        writer.openArray()
        for department in result.departments {
            writer.separate()
            writer.open()
            writer.string("department", department.department)
            writer.string("name", department.name)
            writer.integer("pledged_pence", department.pledged.value)
            writer.integer("funded_pence", department.funded.value)
            writer.integer("reannounced_pence", department.reannounced.value)
            writer.key("counts")
            writer.open()
            for (name, count) in department.counts.named {
                writer.integer(name, Int64(count))
            }
            writer.close()
            writer.key("lines")
            writer.openArray()
            for snapshot in department.lines {
                writer.separate()
                line(snapshot, &writer)
            }
            writer.closeArray()
            writer.close()
        }
        writer.closeArray()
        writer.close()
        bytes = writer.bytes
    }

    private static func line(_ snapshot: LineSnapshot, _ writer: inout Writer) {
        let state = snapshot.state
        writer.open()
        writer.string("line", state.line)
        writer.string("title", state.title)
        writer.string("kind", state.kind.rawValue)
        writer.string("parent", state.parent)
        writer.string("status", state.status.rawValue)
        writer.bool("overdue", snapshot.overdue)
        writer.integer("pledged_pence", state.pledged.value)
        writer.integer("funded_pence", state.funded.value)
        writer.integer("children_pledged_pence", snapshot.childrenPledged.value)
        writer.due("due", state.due)
        writer.integer("slips", Int64(state.slips))
        writer.integer("slipped_days", Int64(state.slippedDays))
        writer.string("stage", state.stage?.rawValue)
        writer.string("bill", state.bill)
        writer.string("house", state.house?.rawValue)
        writer.string("replaced_by", state.replacedBy)
        writer.date("delivered_on", state.deliveredOn)
        writer.integer("late_days", state.lateDays.map { Int64($0) })
        writer.string("response", state.response?.rawValue)
        writer.string("made_by", state.madeBy)
        writer.string("money", state.money?.rawValue)
        writer.date("last_activity", state.lastActivity)
        writer.close()
    }

    /// Compact JSON written member by member, commas placed as containers fill.
    private struct Writer {
        var bytes: [UInt8]
        private var needsComma = false

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func open() {
            bytes.append(UInt8(ascii: "{"))
            needsComma = false
        }

        mutating func close() {
            bytes.append(UInt8(ascii: "}"))
            needsComma = true
        }

        mutating func openArray() {
            bytes.append(UInt8(ascii: "["))
            needsComma = false
        }

        mutating func closeArray() {
            bytes.append(UInt8(ascii: "]"))
            needsComma = true
        }

        /// A comma before the next element or member, unless it is the first.
        mutating func separate() {
            if needsComma { bytes.append(UInt8(ascii: ",")) }
            needsComma = false
        }

        /// A member name of docs/at.md: plain ASCII that needs no escaping, copied as it is.
        mutating func key(_ name: StaticString) {
            separate()
            bytes.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        /// A member name known only at run time, escaped.
        mutating func key(_ name: String) {
            separate()
            CanonicalJSON.appendString(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }

        /// A member whose value is a string, or null when there is none.
        mutating func string(_ name: StaticString, _ value: String?) {
            key(name)
            if let value { CanonicalJSON.appendString(value, to: &bytes) } else { appendNull() }
            needsComma = true
        }

        /// A member whose value is a date in its ISO 8601 form, or null when there is none.
        mutating func date(_ name: StaticString, _ value: CivilDate?) {
            quoted(name, value) { date, bytes in date.appendISO8601(to: &bytes) }
        }

        /// A member whose value is a due date (a year, month or day), or null when there is none.
        mutating func due(_ name: StaticString, _ value: DueDate?) {
            quoted(name, value) { due, bytes in due.appendDescription(to: &bytes) }
        }

        /// A member whose value `write` puts between quotes as bytes that need no escaping, or null
        /// when there is none.
        private mutating func quoted<Value>(_ name: StaticString, _ value: Value?, _ write: (Value, inout [UInt8]) -> Void) {
            key(name)
            if let value {
                bytes.append(UInt8(ascii: "\""))
                write(value, &bytes)
                bytes.append(UInt8(ascii: "\""))
            } else {
                appendNull()
            }
            needsComma = true
        }

        mutating func bool(_ name: StaticString, _ value: Bool) {
            key(name)
            bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
            needsComma = true
        }

        /// A member whose value is an integer, or null when there is none.
        mutating func integer(_ name: StaticString, _ value: Int64?) {
            key(name)
            appendInteger(value)
        }

        mutating func integer(_ name: String, _ value: Int64) {
            key(name)
            appendInteger(value)
        }

        private mutating func appendInteger(_ value: Int64?) {
            if let value { CanonicalJSON.appendInteger(value, to: &bytes) } else { appendNull() }
            needsComma = true
        }

        private mutating func appendNull() {
            bytes.append(contentsOf: "null".utf8)
        }
    }
}
