import LedgerCore

/// The compact binary form of a `LineState` in the `timeline` database.
enum LineStateCodec {
    private static let version: UInt8 = 1

    /// The bytes of a state; a nil state (line not present) is the empty record.
    static func encode(_ state: LineState?) -> [UInt8] {
        guard let state else { return [] }
        var writer = ByteWriter()
        writer.append(version)
        writer.append(state.line)
        writer.append(state.department)
        writer.append(state.departmentName)
        writer.append(state.title)
        writer.append(state.kind.rawValue)
        writer.append(state.parent)
        writer.append(state.status.rawValue)
        writer.append(state.pledged.value)
        writer.append(state.funded.value)
        writer.append(state.due?.description)
        writer.append(Int64(state.slips))
        writer.append(Int64(state.slippedDays))
        writer.append(state.stage?.rawValue)
        writer.append(state.bill)
        writer.append(Int64(state.announcedOn.daysSinceEpoch))
        return writer.bytes
    }

    /// The state a record holds, or nil for the empty record.
    static func decode(_ bytes: [UInt8]) throws(StoreError) -> LineState? {
        guard !bytes.isEmpty else { return nil }
        var reader = ByteReader(bytes)
        guard try reader.byte() == version else { throw .corrupted("line state of an unknown version") }
        let line = try reader.string()
        let department = try reader.string()
        let departmentName = try reader.optionalString()
        let title = try reader.string()
        guard let kind = CommitmentKind(rawValue: try reader.string()) else { throw .corrupted("line state kind") }
        let parent = try reader.optionalString()
        guard let status = LineStatus(rawValue: try reader.string()) else { throw .corrupted("line state status") }
        let pledged = Pence(try reader.int64())
        let funded = Pence(try reader.int64())
        let dueText = try reader.optionalString()
        let slips = Int(try reader.int64())
        let slippedDays = Int(try reader.int64())
        let stageText = try reader.optionalString()
        let bill = try reader.optionalString()
        let announcedOn = CivilDate(daysSinceEpoch: Int(try reader.int64()))
        var state = LineState(
            line: line, announcedOn: announcedOn,
            announcement: Announcement(department: department, departmentName: departmentName, title: title, parent: parent, kind: kind)
        )
        state.status = status
        state.pledged = pledged
        state.funded = funded
        if let dueText {
            guard let due = DueDate(parsing: dueText) else { throw .corrupted("line state due") }
            state.due = due
        }
        state.slips = slips
        state.slippedDays = slippedDays
        if let stageText {
            guard let stage = BillStage(rawValue: stageText) else { throw .corrupted("line state stage") }
            state.stage = stage
        }
        state.bill = bill
        return state
    }
}
