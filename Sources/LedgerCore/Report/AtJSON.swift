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
    ///
    /// The answer is written in place into one array made with room for the most it can take
    /// (`Writer.lineRoom` and the rooms beside it), each piece a store at a position: a line is
    /// about a hundred pieces, and appending them one by one, each with its checks for room and
    /// for a shared buffer, cost more than the line's read from the store.
    public static func encode(_ result: AtResult, into bytes: inout [UInt8]) {
        var room = bytes.count + Writer.fixedRoom + Writer.stringRoom(result.knownAt)
        for department in result.departments {
            room += Writer.departmentRoom + Writer.stringRoom(department.department) + Writer.stringRoom(department.name)
            for snapshot in department.lines { room += Writer.lineRoom(snapshot.state) }
        }
        bytes = [UInt8](unsafeUninitializedCapacity: room) { buffer, count in
            var writer = Writer(buffer)
            writer.raw(bytes)
            write(result, &writer)
            count = writer.count
        }
    }

    private static func write(_ result: AtResult, _ writer: inout Writer) {
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

    /// Compact JSON written member by member into room made for it beforehand, commas placed as
    /// containers fill. Every store is checked against the room, so a bound too small stops the
    /// process rather than write past it.
    private struct Writer {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0
        private var needsComma = false

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            self.buffer = buffer
        }

        /// The most the result's own members take, but for `known_at`: names, a date, three
        /// integers of up to 20 characters (about 130 bytes).
        static let fixedRoom = 256
        /// The most a department's members take, but for its slug, name and lines: names and 13
        /// integers (about 480 bytes).
        static let departmentRoom = 768
        /// The most a line's members take, but for its strings: names, six integers, three
        /// dates, a flag and the choices' longest names (about 530 bytes).
        private static let lineRoomBesideStrings = 768

        /// The most a string takes quoted: six bytes for each of its own (`\u001f`), and the quotes.
        static func stringRoom(_ text: String?) -> Int {
            text.map { 6 * $0.utf8.count + 2 } ?? 4
        }

        /// The most a line's object takes.
        static func lineRoom(_ state: LineState) -> Int {
            lineRoomBesideStrings + stringRoom(state.line) + stringRoom(state.title) + stringRoom(state.parent)
                + stringRoom(state.bill) + stringRoom(state.replacedBy) + stringRoom(state.madeBy)
        }

        mutating func raw(_ bytes: some Collection<UInt8>) {
            precondition(count + bytes.count <= buffer.count, "at JSON outgrew its room")
            _ = UnsafeMutableBufferPointer(rebasing: buffer[count...]).initialize(fromContentsOf: bytes)
            count += bytes.count
        }

        private mutating func byte(_ value: UInt8) {
            precondition(count < buffer.count, "at JSON outgrew its room")
            buffer[count] = value
            count += 1
        }

        /// A literal's bytes, copied at once.
        private mutating func raw(_ text: StaticString) {
            let length = text.utf8CodeUnitCount
            precondition(count + length <= buffer.count, "at JSON outgrew its room")
            guard let base = buffer.baseAddress else { return }
            (base + count).initialize(from: text.utf8Start, count: length)
            count += length
        }

        mutating func open() {
            byte(UInt8(ascii: "{"))
            needsComma = false
        }

        mutating func close() {
            byte(UInt8(ascii: "}"))
            needsComma = true
        }

        mutating func openArray() {
            byte(UInt8(ascii: "["))
            needsComma = false
        }

        mutating func closeArray() {
            byte(UInt8(ascii: "]"))
            needsComma = true
        }

        /// A comma before the next element or member, unless it is the first.
        mutating func separate() {
            if needsComma { byte(UInt8(ascii: ",")) }
            needsComma = false
        }

        /// A member name of docs/at.md: plain ASCII that needs no escaping, copied as it is.
        mutating func key(_ name: StaticString) {
            separate()
            byte(UInt8(ascii: "\""))
            raw(name)
            byte(UInt8(ascii: "\""))
            byte(UInt8(ascii: ":"))
        }

        /// A member name known only at run time, escaped.
        mutating func key(_ name: String) {
            separate()
            var name = name
            name.withUTF8 { quoted($0) }
            byte(UInt8(ascii: ":"))
        }

        /// A member whose value is a string, or null when there is none.
        mutating func string(_ name: StaticString, _ value: String?) {
            key(name)
            if let value {
                var value = value
                value.withUTF8 { quoted($0) }
            } else {
                raw("null")
            }
            needsComma = true
        }

        /// `utf8` quoted and escaped exactly as ECMAScript's `JSON.stringify` does.
        private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
            byte(UInt8(ascii: "\""))
            CanonicalJSON.escape(utf8, run: { raw($0) }, byte: { byte($0) })
            byte(UInt8(ascii: "\""))
        }

        /// A member whose value is a date in its ISO 8601 form, or null when there is none.
        mutating func date(_ name: StaticString, _ value: CivilDate?) {
            key(name)
            if let value {
                byte(UInt8(ascii: "\""))
                digits(value.year, width: 4)
                byte(UInt8(ascii: "-"))
                digits(value.month, width: 2)
                byte(UInt8(ascii: "-"))
                digits(value.day, width: 2)
                byte(UInt8(ascii: "\""))
            } else {
                raw("null")
            }
            needsComma = true
        }

        /// A member whose value is a due date (a year, month or day), or null when there is none.
        mutating func due(_ name: StaticString, _ value: DueDate?) {
            key(name)
            if let value {
                byte(UInt8(ascii: "\""))
                digits(value.year, width: 4)
                if let month = value.month {
                    byte(UInt8(ascii: "-"))
                    digits(month, width: 2)
                }
                if let day = value.day {
                    byte(UInt8(ascii: "-"))
                    digits(day, width: 2)
                }
                byte(UInt8(ascii: "\""))
            } else {
                raw("null")
            }
            needsComma = true
        }

        /// `value`, from 0 to 10^width − 1, as exactly `width` digits.
        private mutating func digits(_ value: Int, width: Int) {
            precondition(count + width <= buffer.count, "at JSON outgrew its room")
            var rest = value
            for position in stride(from: count + width - 1, through: count, by: -1) {
                buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            count += width
        }

        mutating func bool(_ name: StaticString, _ value: Bool) {
            key(name)
            raw(value ? "true" : "false")
            needsComma = true
        }

        /// A member whose value is an integer, or null when there is none.
        mutating func integer(_ name: StaticString, _ value: Int64?) {
            key(name)
            number(value)
        }

        mutating func integer(_ name: String, _ value: Int64) {
            key(name)
            number(value)
        }

        private mutating func number(_ value: Int64?) {
            if let value {
                if value < 0 { byte(UInt8(ascii: "-")) }
                var magnitude = value.magnitude
                // At most 20 digits, made last first at the end of their room.
                var length = 1
                var scale: UInt64 = 10
                while length < 20, magnitude >= scale {
                    length += 1
                    scale = scale &* 10
                }
                precondition(count + length <= buffer.count, "at JSON outgrew its room")
                for position in stride(from: count + length - 1, through: count, by: -1) {
                    buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                    magnitude /= 10
                }
                count += length
            } else {
                raw("null")
            }
            needsComma = true
        }
    }
}
