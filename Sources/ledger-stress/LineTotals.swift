import LedgerCore

/// Each line's pledge and funding worked out from the exported events alone, to hold against
/// the daemon's persisted projections (its `at` answer) after the crashes.
struct LineTotals: Sendable, Equatable {
    /// Pence pledged: the announcement's amount, replaced by each `amended` in seq order.
    var pledged: Int64
    /// Pence funded: the sum of `funded`.
    var funded: Int64

    /// The totals of every line in `stored`, whose events all fall on or before the `at` date
    /// asked for and are ordered by seq (the crash run's changes share one effective date).
    static func of(_ stored: [JSONObject]) -> [String: LineTotals] {
        var totals: [String: LineTotals] = [:]
        for event in stored {
            guard let line = event["line"]?.stringValue, let type = event["type"]?.stringValue else { continue }
            let amount = event["amount_pence"]?.integerValue ?? 0
            switch type {
            case "announced": totals[line] = LineTotals(pledged: amount, funded: totals[line]?.funded ?? 0)
            case "amended": totals[line, default: LineTotals(pledged: 0, funded: 0)].pledged = amount
            case "funded": totals[line, default: LineTotals(pledged: 0, funded: 0)].funded += amount
            default: continue
            }
        }
        return totals
    }

    /// Where the daemon's `at` result disagrees with `expected`, in words.
    static func differences(expected: [String: LineTotals], at result: JSONObject) -> [String] {
        var answered: [String: LineTotals] = [:]
        for department in result["departments"]?.arrayValue ?? [] {
            for line in department.objectValue?["lines"]?.arrayValue ?? [] {
                guard let line = line.objectValue, let slug = line["line"]?.stringValue else { continue }
                answered[slug] = LineTotals(
                    pledged: line["pledged_pence"]?.integerValue ?? -1, funded: line["funded_pence"]?.integerValue ?? -1
                )
            }
        }
        var differences: [String] = []
        for (line, totals) in expected.sorted(by: { $0.key < $1.key }) where answered[line] != totals {
            let found = answered[line].map { "pledged \($0.pledged), funded \($0.funded)" } ?? "no such line"
            differences.append("projection: `at` gives line \(line) \(found), but its stored events make pledged \(totals.pledged), funded \(totals.funded)")
        }
        for line in answered.keys.sorted() where expected[line] == nil {
            differences.append("projection: `at` gives line \(line), which no stored event announces")
        }
        return differences
    }
}
