import Hummingbird
import LedgerCore
import LedgerProtocol
import LedgerServer
import LedgerStore
import ServiceLifecycle

/// The JSON API: the socket's answers over HTTP, byte for byte where the socket has the same one.
struct WebAPI: Sendable {
    let interface: WebInterface

    /// `GET /api/at/{date}[?department=&known_at=&format=]`: `AtJSON`, or `AtCSV` by `Accept: text/csv` or `format=csv`.
    func at(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let date = try Self.date(context.parameters.get("date"), name: "date")
        let query = try AtQuery(request.uri.queryParameters)
        let csv = try Self.wantsCSV(request)
        let cost: ReadCost = query.department == nil ? .expensive(.wholeLedgerAt) : .cheap
        let result = try await interface.read(cost: cost) { log in
            try query.requireKnownDepartment(log)
            return try log.at(date, department: query.department, knownAt: query.knownAt, knownAtText: query.knownAtText)
        }
        if csv {
            return Self.response(Array(AtCSV.render(result).utf8), type: WebMediaType.csv)
        }
        var bytes: [UInt8] = []
        AtJSON.encode(result, into: &bytes)
        return Self.response(bytes, type: WebMediaType.json)
    }

    /// `GET /api/lines/{line}`: the line's events as stored, as `history` answers them.
    func line(_ context: some RequestContext) async throws -> Response {
        let line = context.parameters.get("line") ?? ""
        guard Identifiers.isSlug(line) else { throw Problem.invalidRequest("line \"\(line)\" is not a slug") }
        let events = try await interface.read(cost: .cheap) { log in
            try log.history(of: line).compactMap(\.json.objectValue)
        }
        guard !events.isEmpty else {
            throw Problem(.notFound, code: ValidationError.Code.unknownLine.rawValue, detail: "the ledger has no line \"\(line)\"")
        }
        var bytes: [UInt8] = []
        CanonicalJSON.encode(.array(events.map(JSONValue.object)), sortKeys: false, into: &bytes)
        return Self.response(bytes, type: WebMediaType.json)
    }

    /// `GET /api/diff/{from}/{to}[?department=&known_at=]`: `AtDiff.json()`, as `ledger diff --format json`.
    func diff(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let from = try Self.date(context.parameters.get("from"), name: "from")
        let to = try Self.date(context.parameters.get("to"), name: "to")
        guard from <= to else { throw Problem.invalidRequest("\(from) is after \(to)") }
        let diff = try await interface.diff(from: from, to: to, query: try AtQuery(request.uri.queryParameters))
        var bytes: [UInt8] = []
        CanonicalJSON.encode(diff.json(), sortKeys: false, into: &bytes)
        return Self.response(bytes, type: WebMediaType.json)
    }

    /// `GET /api/export[?from_seq=N]`: every stored event from N up to the head when asked, one
    /// export line each (as `ledger export` prints them), streamed a page at a time.
    func export(_ request: Request) throws -> Response {
        let first = try Self.seq(request.uri.queryParameters.get("from_seq"), name: "from_seq") ?? 1
        let last = interface.feed.head
        let interface = interface
        let body = ResponseBody { writer in
            var next = max(first, 1)
            while next <= last {
                let page = try await interface.page(from: next, through: last, cost: .expensive(.export)) { _, line, bytes in
                    bytes.append(contentsOf: line)
                    bytes.append(UInt8(ascii: "\n"))
                }
                guard let lastSeq = page.lastSeq else { break }
                try await writer.write(ByteBuffer(bytes: page.bytes))
                next = lastSeq + 1
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: WebMediaType.ndjson], body: body)
    }

    /// `GET /api/events[?from_seq=N]`: Server-Sent Events, every event from N (or after
    /// `Last-Event-ID`), then each new one as it commits; `id:` is the event's seq.
    func events(_ request: Request) throws -> Response {
        var first = try Self.seq(request.uri.queryParameters.get("from_seq"), name: "from_seq") ?? 1
        if let lastID = request.headers.value(named: "Last-Event-ID") {
            guard let seen = UInt64(lastID) else { throw Problem.invalidRequest("Last-Event-ID \"\(lastID)\" is not a seq") }
            first = seen + 1
        }
        let interface = interface
        let start = max(first, 1)
        let body = ResponseBody { writer in
            var next = start
            var quietSeconds = 0
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let head = interface.feed.head
                while next <= head && !Task.isShuttingDownGracefully {
                    let cost: ReadCost = head - next >= 1000 ? .expensive(.catchUp) : .cheap
                    let page = try await interface.page(from: next, through: head, cost: cost) { seq, line, bytes in
                        bytes.append(contentsOf: "id: \(seq)\ndata: ".utf8)
                        bytes.append(contentsOf: line)
                        bytes.append(contentsOf: "\n\n".utf8)
                    }
                    guard let lastSeq = page.lastSeq else { break }
                    try await writer.write(ByteBuffer(bytes: page.bytes))
                    next = lastSeq + 1
                }
                // Wakes each second to notice a shutdown; a comment every 15 quiet seconds finds
                // a client that has gone (its write fails, ending the stream) and keeps proxies open.
                await interface.feed.wait(after: next - 1, atMost: .seconds(1))
                if interface.feed.head < next {
                    quietSeconds += 1
                    if quietSeconds >= 15 {
                        quietSeconds = 0
                        try await writer.write(ByteBuffer(string: ":\n\n"))
                    }
                } else {
                    quietSeconds = 0
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            // X-Accel-Buffering: no tells nginx, and proxies that follow it, to pass each event on at once.
            status: .ok, headers: [.contentType: WebMediaType.eventStream, .cacheControl: "no-store", .xAccelBuffering: "no"], body: body
        )
    }

    /// `GET /api/openapi.json`: the OpenAPI 3.1 document of this interface, `Schemas/openapi.json`
    /// compiled into the binary.
    static func openAPI() -> Response {
        Response(status: .ok, headers: [.contentType: WebMediaType.json], body: ResponseBody(byteBuffer: openAPIDocument))
    }

    private static let openAPIDocument = ByteBuffer(bytes: PackageResources.openapi_json)

    // MARK: - Reading the request

    static func date(_ text: String?, name: String) throws(Problem) -> CivilDate {
        let text = text ?? ""
        guard let date = CivilDate(iso: text) else {
            throw Problem(
                .badRequest, code: ValidationError.Code.invalidDate.rawValue, detail: "\(name) \"\(text)\" is not a date written YYYY-MM-DD"
            )
        }
        return date
    }

    static func seq(_ text: String?, name: String) throws(Problem) -> UInt64? {
        guard let text else { return nil }
        guard let seq = UInt64(text) else { throw Problem.invalidRequest("\(name) \"\(text)\" is not a seq") }
        return seq
    }

    /// CSV when `format=csv` or when the client prefers `text/csv` to JSON.
    static func wantsCSV(_ request: Request) throws(Problem) -> Bool {
        switch request.uri.queryParameters.get("format") {
        case "csv": return true
        case "json": return false
        case nil: break
        case let other?: throw Problem.invalidRequest("format \"\(other)\" is neither json nor csv")
        }
        let accept = request.headers[.accept] ?? ""
        return accept.split(separator: ",").first.map { $0.trimmingPrefix(" ").hasPrefix("text/csv") } ?? false
    }

    static func response(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// `department` and `known_at`, as the socket's `at` reads them.
struct AtQuery: Sendable {
    var department: String?
    var knownAt: Timestamp?
    var knownAtText: String?

    /// No department, no cut-off.
    init() {}

    init(_ parameters: Parameters) throws(Problem) {
        if let department = parameters.get("department") {
            guard Identifiers.isSlug(department) else { throw Problem.invalidRequest("department \"\(department)\" is not a slug") }
            self.department = department
        }
        if let text = parameters.get("known_at") {
            guard let cutoff = Timestamp(cutoff: text) else {
                throw Problem.invalidRequest("known_at \"\(text)\" is neither an RFC 3339 time nor a date")
            }
            knownAt = cutoff
            knownAtText = text
        }
    }

    /// 404 when a department was asked for and the ledger never had a line in it.
    func requireKnownDepartment(_ log: EventLog) throws {
        if let department, try !log.knowsDepartment(department) {
            throw Problem(.notFound, code: "unknown_department", detail: "the ledger has no department \"\(department)\"")
        }
    }
}

extension WebInterface {
    /// Up to a page of events from `first` to `last` (at most about 64 KiB), each formatted by `format`
    /// with its seq, read as one turn on the read pool.
    func page(
        from first: UInt64, through last: UInt64, cost: ReadCost,
        _ format: @escaping @Sendable (UInt64, [UInt8], inout [UInt8]) -> Void
    ) async throws -> (bytes: [UInt8], lastSeq: UInt64?) {
        let limit = Int(min(UInt64(limits.pageEvents), last - first + 1))
        return try await read(cost: cost) { log in
            var bytes: [UInt8] = []
            var count: UInt64 = 0
            try log.export(fromSeq: first, limit: limit, maximumBytes: 64 << 10) { line in
                format(first + count, line, &bytes)
                count += 1
            }
            return (bytes, count > 0 ? first + count - 1 : nil)
        }
    }
}

extension HTTPFields.Element.Name {
    /// nginx's `X-Accel-Buffering`: `no` asks it not to hold back a streamed answer.
    static let xAccelBuffering = Self("X-Accel-Buffering")!
}
