import Hummingbird
import LedgerCore
import LedgerServer
import LedgerStore

/// What the `verify` template shows.
struct VerifyPage: Sendable {
    var intact: Bool
    var count: Int
    var head: String
    var seq: UInt64
    var reason: String

    init(_ verdict: ChainVerification) {
        switch verdict {
        case .intact(let count, let head):
            (intact, self.count, self.head, seq, reason) = (true, count, Hex.string(head), 0, "")
        case .broken(let seq, let reason):
            (intact, count, head, self.seq, self.reason) = (false, 0, "", seq, reason)
        }
    }
}

/// What the `diff` template shows.
struct DiffPage: Sendable {
    struct Change: Sendable {
        var department: String
        var line: String
        var kind: String
        var before: String
        var after: String
    }

    var from: String
    var to: String
    var knownAt: String?
    var pledgedFrom: String
    var pledgedTo: String
    var fundedFrom: String
    var fundedTo: String
    var changes: [Change]
    /// Stored, not computed: templates see stored properties only (they are read by reflection).
    var hasChanges: Bool
    var jsonURL: String

    init(_ diff: AtDiff, jsonURL: String) {
        from = diff.from.at.description
        to = diff.to.at.description
        knownAt = diff.to.knownAt
        pledgedFrom = diff.from.pledged.formatted
        pledgedTo = diff.to.pledged.formatted
        fundedFrom = diff.from.funded.formatted
        fundedTo = diff.to.funded.formatted
        changes = diff.changes.map {
            Change(department: $0.department, line: $0.line, kind: $0.kind.rawValue, before: $0.before ?? "", after: $0.after ?? "")
        }
        hasChanges = !changes.isEmpty
        self.jsonURL = jsonURL
    }
}

extension WebPages {
    /// Events a slice of the chain walk checks before its thread goes back to the pool.
    static let verifySlice = 10_000

    /// `GET /verify`: the whole hash chain checked, a slice per turn on the read pool.
    func verify() async throws -> Response {
        var walk = ChainWalk()
        while true {
            let (advanced, outcome) = try await interface.read(cost: .expensive(.verify)) { [walk] log in
                var next = walk
                let outcome = try log.verify(&next, atMost: Self.verifySlice)
                return (next, outcome)
            }
            walk = advanced
            if let outcome {
                return html(library.render(VerifyPage(outcome), withTemplate: "verify") ?? "")
            }
        }
    }

    /// `GET /diff/{from}/{to}[?department=&known_at=]`: what changed between the ends of two dates.
    func diff(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let from = try WebAPI.date(context.parameters.get("from"), name: "from")
        let to = try WebAPI.date(context.parameters.get("to"), name: "to")
        guard from <= to else { throw Problem.invalidRequest("\(from) is after \(to)") }
        let query = try AtQuery(request.uri.queryParameters)
        let diff = try await interface.diff(from: from, to: to, query: query)
        let queryText = request.uri.query.map { "?" + $0 } ?? ""
        return html(library.render(DiffPage(diff, jsonURL: "/api/diff/\(from)/\(to)\(queryText)"), withTemplate: "diff") ?? "")
    }
}

extension WebInterface {
    /// The diff between the ends of two dates, as `ledger diff` computes it.
    func diff(from: CivilDate, to: CivilDate, query: AtQuery) async throws -> AtDiff {
        let cost: ReadCost = query.department == nil ? .expensive(.wholeLedgerAt) : .cheap
        return try await read(cost: cost) { log in
            try query.requireKnownDepartment(log)
            let before = try log.at(from, department: query.department, knownAt: query.knownAt, knownAtText: query.knownAtText)
            let after = try log.at(to, department: query.department, knownAt: query.knownAt, knownAtText: query.knownAtText)
            return AtDiff(from: before, to: after, notes: try AtDiff.progressNotes(after: from, through: after, cutoff: query.knownAt) { try log.history(of: $0) })
        }
    }
}
