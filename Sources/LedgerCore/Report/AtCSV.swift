/// The CSV form of an `at` result: a header, then one row per line (RFC 4180 quoting).
public enum AtCSV {
    /// The column names, in order.
    public static let header = [
        "at", "known_at", "department", "department_name", "line", "parent", "title", "kind", "status", "overdue",
        "pledged_pence", "funded_pence", "children_pledged_pence", "due", "slips", "slipped_days", "stage", "bill",
        "house", "replaced_by", "delivered_on", "late_days", "response", "made_by", "money", "last_activity",
    ]

    /// The whole table, with a trailing newline.
    public static func render(_ result: AtResult) -> String {
        var rows = [header]
        for department in result.departments {
            for snapshot in department.lines {
                let state = snapshot.state
                rows.append([
                    result.at.description, result.knownAt ?? "", department.department, department.name ?? "",
                    state.line, state.parent ?? "", state.title, state.kind.rawValue, state.status.rawValue,
                    snapshot.overdue ? "true" : "false", "\(state.pledged.value)", "\(state.funded.value)",
                    "\(snapshot.childrenPledged.value)", state.due?.description ?? "", "\(state.slips)",
                    "\(state.slippedDays)", state.stage?.rawValue ?? "", state.bill ?? "",
                    state.house?.rawValue ?? "", state.replacedBy ?? "", state.deliveredOn?.description ?? "",
                    state.lateDays.map { "\($0)" } ?? "", state.response?.rawValue ?? "", state.madeBy ?? "",
                    state.money?.rawValue ?? "", state.lastActivity.description,
                ])
            }
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// One field, quoted when it holds a comma, quote or line break. Any other control
    /// character (one an older ledger may hold) is escaped as `TerminalText` does, so that a
    /// file printed to a terminal cannot drive it; line feeds and tabs are kept.
    static func field(_ text: String) -> String {
        let text = TerminalText.containsControl(text) ? escapingControls(text) : text
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var quoted = "\""
        for character in text {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    /// The text with its control characters escaped but for line feeds and tabs.
    private static func escapingControls(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" {
                out.append(scalar)
            } else {
                out.append(contentsOf: TerminalText.escaped(String(scalar)).unicodeScalars)
            }
        }
        return String(out)
    }
}
