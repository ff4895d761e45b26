import LedgerCore

/// The compact binary form of a `LineState` in a timeline entry of `line_index`.
enum LineStateCodec {
    /// 2 since the second release (house, replacement, delivery, response, made by, money, last
    /// activity); 3 since store format `ledger-4` (integers and lengths as varints); 4 since
    /// `ledger-5` (no line slug, which the key holds; kind, status, stage, house, response and
    /// money as one-byte codes, `code(of:)`).
    private static let version: UInt8 = 4

    /// The one-byte code of a choice: its position among the type's cases, plus one, so that 0
    /// is "none". The positions are part of the store format: a new case goes last
    /// (`LineStateCodecTests` pins them).
    static func code<Choice: CaseIterable & Equatable>(of choice: Choice?) -> UInt8 {
        guard let choice, let position = Choice.allCases.firstIndex(of: choice) else { return 0 }
        return UInt8(Choice.allCases.distance(from: Choice.allCases.startIndex, to: position) + 1)
    }

    /// The choice a code stands for; nil for 0; a code beyond the cases is damage.
    static func choice<Choice: CaseIterable>(_ code: UInt8, _ what: String) throws(StoreError) -> Choice? {
        guard code > 0 else { return nil }
        let cases = Array(Choice.allCases)
        guard Int(code) <= cases.count else { throw .corrupted("line state \(what)") }
        return cases[Int(code) - 1]
    }

    /// The bytes of a state; a nil state (line not present) is the empty record.
    static func encode(_ state: LineState?) -> [UInt8] {
        guard let state else { return [] }
        var writer = ByteWriter(capacity: 160 + state.line.utf8.count + state.department.utf8.count + state.title.utf8.count)
        writer.append(version)
        writer.append(state.department)
        writer.append(state.departmentName)
        writer.append(state.title)
        writer.append(code(of: state.kind))
        writer.append(state.parent)
        writer.append(code(of: state.status))
        writer.append(state.pledged.value)
        writer.append(state.funded.value)
        if let due = state.due {
            writer.append(UInt8(1))
            appendDescription(of: due, to: &writer)
        } else {
            writer.append(UInt8(0))
        }
        writer.append(Int64(state.slips))
        writer.append(Int64(state.slippedDays))
        writer.append(code(of: state.stage))
        writer.append(state.bill)
        writer.append(Int64(state.announcedOn.daysSinceEpoch))
        writer.append(code(of: state.house))
        writer.append(state.replacedBy)
        appendOptional(state.deliveredOn.map { Int64($0.daysSinceEpoch) }, to: &writer)
        appendOptional(state.lateDays.map { Int64($0) }, to: &writer)
        writer.append(code(of: state.response))
        writer.append(state.madeBy)
        writer.append(code(of: state.money))
        writer.append(Int64(state.lastActivity.daysSinceEpoch))
        return writer.bytes
    }

    private static func appendOptional(_ value: Int64?, to writer: inout ByteWriter) {
        if let value {
            writer.append(UInt8(1))
            writer.append(value)
        } else {
            writer.append(UInt8(0))
        }
    }

    private static func optionalInteger<Bytes>(_ reader: inout ByteReader<Bytes>) throws(StoreError) -> Int64? {
        try reader.byte() == 0 ? nil : try reader.int64()
    }

    /// `due.description` as a counted string, written without building the string.
    private static func appendDescription(of due: DueDate, to writer: inout ByteWriter) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { text in
            var count = 0
            func put(_ value: Int, width: Int) {
                var rest = value
                for position in stride(from: count + width - 1, through: count, by: -1) {
                    text[position] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                    rest /= 10
                }
                count += width
            }
            put(due.year, width: 4)
            if let month = due.month {
                text[count] = UInt8(ascii: "-")
                count += 1
                put(month, width: 2)
            }
            if let day = due.day {
                text[count] = UInt8(ascii: "-")
                count += 1
                put(day, width: 2)
            }
            writer.appendCounted(UnsafeRawBufferPointer(rebasing: text[0..<count]))
        }
    }

    /// The state a record of `line` holds, or nil for the empty record.
    static func decode<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, line: String
    ) throws(StoreError) -> LineState? where Bytes.Index == Int {
        guard !bytes.isEmpty else { return nil }
        var reader = ByteReader(bytes)
        guard try reader.byte() == version else { throw .corrupted("line state of an unknown version") }
        let department = try reader.string()
        let departmentName = try reader.optionalString()
        let title = try reader.string()
        guard let kind: CommitmentKind = try choice(try reader.byte(), "kind") else { throw .corrupted("line state kind") }
        let parent = try reader.optionalString()
        guard let status: LineStatus = try choice(try reader.byte(), "status") else { throw .corrupted("line state status") }
        let pledged = Pence(try reader.int64())
        let funded = Pence(try reader.int64())
        let due = try reader.byte() == 0 ? nil : try reader.countedBytes()
        let slips = Int(try reader.int64())
        let slippedDays = Int(try reader.int64())
        let stage: BillStage? = try choice(try reader.byte(), "stage")
        let bill = try reader.optionalString()
        let announcedOn = CivilDate(daysSinceEpoch: Int(try reader.int64()))
        let house: House? = try choice(try reader.byte(), "house")
        let replacedBy = try reader.optionalString()
        let deliveredOn = try optionalInteger(&reader).map { CivilDate(daysSinceEpoch: Int($0)) }
        let lateDays = try optionalInteger(&reader).map { Int($0) }
        let response: GovernmentResponse? = try choice(try reader.byte(), "response")
        let madeBy = try reader.optionalString()
        let money: MoneyKind? = try choice(try reader.byte(), "money")
        let lastActivity = CivilDate(daysSinceEpoch: Int(try reader.int64()))
        var parsedDue: DueDate?
        if let due {
            // Read in place (an array and the map are both contiguous), else from a copy's text.
            parsedDue = due.withContiguousStorageIfAvailable { DueDate(utf8: UnsafeRawBufferPointer($0)) }
                ?? DueDate(parsing: String(decoding: due, as: UTF8.self))
            guard parsedDue != nil else { throw .corrupted("line state due") }
        }
        guard reader.isAtEnd else { throw .corrupted("line state has bytes after its last field") }
        return LineState(
            line: line, department: department, departmentName: departmentName, title: title, kind: kind,
            parent: parent, status: status, pledged: pledged, funded: funded, due: parsedDue, slips: slips,
            slippedDays: slippedDays, stage: stage, bill: bill, house: house, replacedBy: replacedBy,
            deliveredOn: deliveredOn, lateDays: lateDays, response: response, madeBy: madeBy, money: money,
            lastActivity: lastActivity, announcedOn: announcedOn
        )
    }
}
