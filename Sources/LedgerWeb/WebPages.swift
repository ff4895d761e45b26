import Hummingbird
import LedgerCore
import LedgerServer
import LedgerStore
import Mustache

/// The server-rendered pages: complete without JavaScript, nothing from another origin, every
/// value escaped by the templates (`{{…}}`).
struct WebPages: Sendable {
    let interface: WebInterface
    let library: MustacheLibrary

    init(interface: WebInterface) throws {
        self.interface = interface
        var library = MustacheLibrary()
        try library.register(String(decoding: PackageResources.at_mustache, as: UTF8.self), named: "at")
        try library.register(String(decoding: PackageResources.line_mustache, as: UTF8.self), named: "line")
        try library.register(String(decoding: PackageResources.verify_mustache, as: UTF8.self), named: "verify")
        try library.register(String(decoding: PackageResources.diff_mustache, as: UTF8.self), named: "diff")
        try library.register(String(decoding: PackageResources.feed_mustache, as: UTF8.self), named: "feed")
        try library.register(String(decoding: PackageResources.error_mustache, as: UTF8.self), named: "error")
        self.library = library
    }

    static let stylesheet = ByteBuffer(bytes: PackageResources.style_css)

    /// `GET /style.css`: the pages' one stylesheet, from this origin.
    func style() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: ResponseBody(byteBuffer: Self.stylesheet))
    }

    /// `GET /at?date=`: the date form's target, sent on to `/at/{date}`.
    func atForm(_ request: Request) throws -> Response {
        try redirectToAt(request, date: try WebAPI.date(request.uri.queryParameters.get("date"), name: "date"))
    }

    /// `GET /[?date=&known_at=&department=]`: the state today, or on the date asked for.
    func home(_ request: Request) throws -> Response {
        let parameters = request.uri.queryParameters
        let asked = parameters.get("date").flatMap { $0.isEmpty ? nil : $0 }
        let date = try asked.map { try WebAPI.date($0, name: "date") } ?? SystemClock.now().londonDate
        return try redirectToAt(request, date: date)
    }

    /// Sends the browser on to `/at/{date}`, keeping a department and a cut-off when given.
    private func redirectToAt(_ request: Request, date: CivilDate) throws -> Response {
        let parameters = request.uri.queryParameters
        // The form sends every field, empty or not: an empty one is no choice. The rest are
        // checked here, so a bad one is refused before the redirect rather than after it.
        var kept: [String] = []
        if let department = parameters.get("department"), !department.isEmpty {
            guard Identifiers.isSlug(department) else { throw Problem.invalidRequest("department \"\(department)\" is not a slug") }
            kept.append("department=\(department)")
        }
        if let knownAt = parameters.get("known_at"), !knownAt.isEmpty {
            guard Timestamp(cutoff: knownAt) != nil else {
                throw Problem.invalidRequest("known_at \"\(knownAt)\" is neither an RFC 3339 time nor a date")
            }
            kept.append("known_at=\(Self.queryValue(knownAt))")
        }
        return Response.redirect(to: "/at/\(date)" + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&")), type: .found)
    }

    /// `text` percent-encoded for a query value: every byte but letters, digits and `-._~:`.
    static func queryValue(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }

    /// `GET /at/{date}[?department=&known_at=]`: the state of every commitment at the end of the date.
    func at(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let date = try WebAPI.date(context.parameters.get("date"), name: "date")
        return try await atPage(date, query: try AtQuery(request.uri.queryParameters), queryText: request.uri.query ?? "")
    }

    /// `GET /departments/{slug}`: one department's commitments at the end of today.
    func department(_ context: some RequestContext) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        guard Identifiers.isSlug(slug) else { throw Problem.invalidRequest("department \"\(slug)\" is not a slug") }
        var query = AtQuery()
        query.department = slug
        return try await atPage(SystemClock.now().londonDate, query: query, queryText: "department=\(slug)")
    }

    private func atPage(_ date: CivilDate, query: AtQuery, queryText: String) async throws -> Response {
        let cost: ReadCost = query.department == nil ? .expensive(.wholeLedgerAt) : .cheap
        let result = try await interface.read(cost: cost) { log in
            try query.requireKnownDepartment(log)
            return try log.at(date, department: query.department, knownAt: query.knownAt, knownAtText: query.knownAtText)
        }
        let page = AtPage(
            result, department: query.department, jsonURL: "/api/at/\(date)" + (queryText.isEmpty ? "" : "?" + queryText),
            csvURL: "/api/at/\(date)?format=csv" + (queryText.isEmpty ? "" : "&" + queryText)
        )
        return html(library.render(page, withTemplate: "at") ?? "")
    }

    /// `GET /lines/{line}`: every event of the line with its source, and a chart of its money over time.
    func line(_ context: some RequestContext) async throws -> Response {
        let line = context.parameters.get("line") ?? ""
        guard Identifiers.isSlug(line) else { throw Problem.invalidRequest("line \"\(line)\" is not a slug") }
        let entries = try await interface.read(cost: .cheap) { log in try log.history(of: line) }
        guard let page = LinePage(entries, today: SystemClock.now().londonDate) else {
            throw Problem(.notFound, code: ValidationError.Code.unknownLine.rawValue, detail: "the ledger has no line \"\(line)\"")
        }
        return html(library.render(page, withTemplate: "line") ?? "")
    }

    /// `problem` as a page, for a person who followed a link: the same status and code as the
    /// problem+json answer, in words.
    func errorPage(_ problem: Problem) -> Response {
        struct Page: Sendable {
            var status: Int
            var title: String
            var detail: String
            var code: String
        }
        let page = Page(status: problem.status.code, title: problem.status.reasonPhrase, detail: problem.detail, code: problem.code)
        var fields = problem.headers
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: problem.status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: library.render(page, withTemplate: "error") ?? "")))
    }

    func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// What the `at` template shows.
struct AtPage: Sendable {
    struct Department: Sendable {
        var slug: String
        var name: String
        var pledged: String
        var funded: String
        /// Named apart from the page's own `reannounced`: a Mustache section would find that one
        /// when the department has none.
        var departmentReannounced: String?
        var counts: String
        var recommendations: String?
        var rows: [Row]
    }

    struct Row: Sendable {
        var line: String
        var title: String
        var kind: String
        /// OVERDUE, LATE, or the status.
        var status: String
        /// The status's look: `overdue`, `late`, `delivered`, `withdrawn` or `active`.
        var statusClass: String
        var overdue: Bool
        var pledged: String
        var funded: String
        var due: String
        var delivered: String?
        /// How deep under its parent the line sits (0 at the top).
        var depth: Int
        var badges: [Badge]
    }

    struct Badge: Sendable {
        var kind: String
        var text: String
        /// The line it links to (a replacement). Named so that no enclosing context has the
        /// name: a Mustache section looks a missing name up in the contexts around it.
        var linkTo: String?
    }

    var date: String
    var knownAt: String?
    /// The cut-off as the date input shows it, when it is a date.
    var knownAtDate: String
    var department: String?
    var pledged: String
    var funded: String
    var reannounced: String?
    var lineCount: Int
    var departments: [Department]
    var jsonURL: String
    var csvURL: String

    init(_ result: AtResult, department: String?, jsonURL: String, csvURL: String) {
        date = result.at.description
        knownAt = result.knownAt
        knownAtDate = result.knownAt.flatMap { CivilDate(iso: $0)?.description } ?? ""
        self.department = department
        pledged = result.pledged.formatted
        funded = result.funded.formatted
        reannounced = result.reannounced == .zero ? nil : result.reannounced.formatted
        lineCount = result.departments.reduce(0) { $0 + $1.lines.count }
        departments = result.departments.map(Self.department)
        self.jsonURL = jsonURL
        self.csvURL = csvURL
    }

    private static func department(_ state: DepartmentState) -> Department {
        let counts = state.counts
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var summary = "\(plural(counts.lines, "line")): \(counts.active) active, \(counts.delivered) delivered"
        if counts.late > 0 { summary += " (\(counts.late) late)" }
        summary += ", \(counts.withdrawn) withdrawn; \(counts.overdue) overdue, \(counts.slipped) slipped"
        return Department(
            slug: state.department, name: state.name ?? state.department, pledged: state.pledged.formatted,
            funded: state.funded.formatted, departmentReannounced: state.reannounced == .zero ? nil : state.reannounced.formatted,
            counts: summary,
            recommendations: counts.recommendations == 0
                ? nil : "\(plural(counts.recommendations, "recommendation")): \(counts.accepted) accepted, \(counts.rejected) rejected",
            rows: AtTable.tree(state.lines).map { prefix, snapshot in row(snapshot, depth: prefix.count / 3) }
        )
    }

    private static func row(_ snapshot: LineSnapshot, depth: Int) -> Row {
        let line = snapshot.state
        let status = AtTable.status(snapshot)
        let statusClass = snapshot.overdue ? "overdue" : line.isLate ? "late" : line.status.rawValue
        return Row(
            line: line.line, title: line.title, kind: line.kind.rawValue, status: status,
            statusClass: statusClass, overdue: snapshot.overdue, pledged: line.pledged.formatted, funded: line.funded.formatted,
            due: line.due?.description ?? "", delivered: line.deliveredOn?.description, depth: min(depth, 4),
            badges: AtTable.notes(snapshot).map { Badge(kind: $0.kind.rawValue, text: $0.text, linkTo: $0.line) }
        )
    }
}

// The at page's rows and badges, named field by field rather than found by reflection: a page of
// thousands of lines asks for each of them many times.
extension AtPage.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "line": line
        case "title": title
        case "kind": kind
        case "status": status
        case "statusClass": statusClass
        case "overdue": overdue
        case "pledged": pledged
        case "funded": funded
        case "due": due
        case "delivered": delivered
        case "depth": depth
        case "badges": badges
        default: nil
        }
    }
}

extension AtPage.Badge: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "kind": kind
        case "text": text
        case "linkTo": linkTo
        default: nil
        }
    }
}
