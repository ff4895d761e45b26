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
        self.library = library
    }

    static let stylesheet = ByteBuffer(bytes: PackageResources.style_css)

    /// `GET /style.css`: the pages' one stylesheet, from this origin.
    func style() -> Response {
        Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: ResponseBody(byteBuffer: Self.stylesheet))
    }

    /// `GET /at?date=`: the date form's target, sent on to `/at/{date}`.
    func atForm(_ request: Request) throws -> Response {
        let date = try WebAPI.date(request.uri.queryParameters.get("date"), name: "date")
        return Response.redirect(to: "/at/\(date)", type: .found)
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

    /// `GET /`: today's commitments.
    func home() -> Response {
        Response.redirect(to: "/at/\(SystemClock.now().londonDate)", type: .found)
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
        var lines: Int
        var active: Int
        var delivered: Int
        var overdue: Int
        var rows: [Row]
    }

    struct Row: Sendable {
        var line: String
        var title: String
        var kind: String
        var status: String
        var overdue: Bool
        var pledged: String
        var funded: String
        var due: String
    }

    var date: String
    var knownAt: String?
    var department: String?
    var pledged: String
    var funded: String
    var reannounced: String?
    var departments: [Department]
    var jsonURL: String
    var csvURL: String

    init(_ result: AtResult, department: String?, jsonURL: String, csvURL: String) {
        date = result.at.description
        knownAt = result.knownAt
        self.department = department
        pledged = result.pledged.formatted
        funded = result.funded.formatted
        reannounced = result.reannounced == .zero ? nil : result.reannounced.formatted
        departments = result.departments.map { state in
            Department(
                slug: state.department, name: state.name ?? state.department, pledged: state.pledged.formatted, funded: state.funded.formatted,
                lines: state.counts.lines, active: state.counts.active, delivered: state.counts.delivered, overdue: state.counts.overdue,
                rows: state.lines.map { snapshot in
                    let line = snapshot.state
                    return Row(
                        line: line.line, title: line.title, kind: line.kind.rawValue, status: line.status.rawValue,
                        overdue: snapshot.overdue, pledged: line.pledged.formatted, funded: line.funded.formatted,
                        due: line.due?.description ?? ""
                    )
                }
            )
        }
        self.jsonURL = jsonURL
        self.csvURL = csvURL
    }
}
