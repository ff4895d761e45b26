import LedgerCore

/// A deterministic stream of valid events shaped like a real ledger: about one line per 100
/// events in 20 departments, mostly funding, with amendments, slips, bill stages, deliveries,
/// withdrawals and corrections, and about 10% of events backdated (recorded long after they happened).
/// The events' dates run evenly from `Workload.firstDay` to `Workload.lastDay` over `total` events.
public struct Workload: Sendable {
    /// The first effective date of a generated ledger.
    public static let firstDay = CivilDate(year: 2015, month: 1, day: 1) ?? CivilDate(daysSinceEpoch: 16436)
    /// The last effective date of a generated ledger.
    public static let lastDay = CivilDate(year: 2025, month: 12, day: 31) ?? CivilDate(daysSinceEpoch: 20453)

    private var random: SplitMix64
    private var lines: [GeneratedLine] = []
    private var day: CivilDate
    private var serial = 0
    private let total: Int
    public let departments = 20

    private struct GeneratedLine: Sendable {
        var slug: String
        var department: String
        var announcedOn: CivilDate
        var due: DueDate?
        var fundedIDs: [String]
        var closed: Bool
    }

    /// The workload of `total` events made from `seed`.
    public init(seed: UInt64, total: Int) {
        random = SplitMix64(seed: seed)
        day = Self.firstDay
        self.total = max(total, 1)
    }

    /// The next `count` events.
    public mutating func next(_ count: Int) -> [JSONValue] {
        (0..<count).map { _ in nextEvent() }
    }

    private mutating func nextEvent() -> JSONValue {
        serial += 1
        let span = Self.firstDay.days(to: Self.lastDay)
        day = Self.firstDay.adding(days: min(span, (serial - 1) * span / total))
        if lines.isEmpty || random.below(100) == 0 {
            return announce()
        }
        let index = random.below(lines.count)
        let line = lines[index]
        let roll = random.below(1000)
        if line.closed || roll < 900 {
            let backdated = random.below(10) == 0
            let effective = backdated ? line.announcedOn.adding(days: random.below(line.announcedOn.days(to: day) + 1)) : day
            let id = "f\(serial)"
            lines[index].fundedIDs.append(id)
            return event(id: id, type: "funded", line: line.slug, effective: effective, [
                ("amount_pence", .integer(Int64(1 + random.below(50)) * 1_000_000)),
            ])
        }
        if roll < 930 {
            return event(id: "a\(serial)", type: "amended", line: line.slug, effective: day, [
                ("amount_pence", .integer(Int64(10 + random.below(90)) * 10_000_000)),
            ])
        }
        if roll < 950, let due = line.due {
            let later = due.lastDay.adding(days: 31 + random.below(200))
            let newDue = DueDate(parsing: String(later.description.prefix(7))) ?? due
            lines[index].due = newDue
            return event(id: "s\(serial)", type: "slipped", line: line.slug, effective: day, [
                ("due", .string(newDue.description)), ("reason", .string("the timetable moved")),
            ])
        }
        if roll < 970 {
            let stage = BillStage.allCases[random.below(BillStage.allCases.count)]
            return event(id: "l\(serial)", type: "legislated", line: line.slug, effective: day, [
                ("stage", .string(stage.rawValue)), ("bill", .string("Bill \(line.slug)")),
            ])
        }
        if roll < 985, let retracted = lines[index].fundedIDs.popLast() {
            return event(id: "c\(serial)", type: "corrected", line: line.slug, effective: day, [
                ("retracts", .string(retracted)), ("reason", .string("recorded against the wrong line")),
            ])
        }
        lines[index].closed = true
        if roll < 993 {
            return event(id: "d\(serial)", type: "delivered", line: line.slug, effective: day, [])
        }
        return event(id: "w\(serial)", type: "withdrawn", line: line.slug, effective: day, [
            ("reason", .string("dropped")),
        ])
    }

    private mutating func announce() -> JSONValue {
        let slug = "line-\(lines.count + 1)"
        let department = "department-\(random.below(departments) + 1)"
        let due = DueDate(parsing: String(day.adding(days: 90 + random.below(700)).description.prefix(7)))
        lines.append(GeneratedLine(slug: slug, department: department, announcedOn: day, due: due, fundedIDs: [], closed: false))
        var fields: [(String, JSONValue)] = [
            ("department", .string(department)),
            ("title", .string("Commitment \(lines.count)")),
            ("amount_pence", .integer(Int64(1 + random.below(100)) * 100_000_000)),
            ("kind", .string("funding")),
        ]
        if let due { fields.append(("due", .string(due.description))) }
        return event(id: "n\(serial)", type: "announced", line: slug, effective: day, fields)
    }

    private func event(id: String, type: String, line: String, effective: CivilDate, _ fields: [(String, JSONValue)]) -> JSONValue {
        var object = JSONObject([
            ("id", .string(id)), ("type", .string(type)), ("line", .string(line)),
            ("effective", .string(effective.description)),
            ("source", .object(JSONObject([("title", .string("Generated workload"))]))),
        ])
        for (key, value) in fields { object[key] = value }
        return .object(object)
    }
}

/// A small, fast, seedable generator (SplitMix64), so every run makes the same workload.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(max(bound, 1)))
    }
}
