import Hummingbird
import LedgerCore
import LedgerStore
import LedgerServer

/// What every answer goes through: the 405 for methods that could write, the size and time
/// limits, the problem+json form of every error, the ETag and its 304, and the common headers.
struct WebMiddleware<Context: RequestContext>: RouterMiddleware {
    let feed: CommitFeed
    let limits: WebInterface.Limits
    /// A problem as a page, for a browser asking for anything but the API.
    let errorPage: @Sendable (Problem) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = await answer(request, context: context, next: next)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] = "default-src 'self'"
        response.headers[.vary] = "Accept"
        return response
    }

    private func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        // The head before the read: an ETag never claims a newer ledger than the body shows.
        let tag = ETag.make(head: feed.head, today: SystemClock.now().londonDate, request: request)
        var response = await answer(request, tag: tag, context: context, next: next)
        response.headers[.eTag] = tag
        return response
    }

    private func answer(
        _ request: Request, tag: String, context: Context, next: (Request, Context) async throws -> Response
    ) async -> Response {
        guard request.method == .get || request.method == .head else {
            return answer(request, Problem(
                .methodNotAllowed, code: "method_not_allowed",
                detail: "this interface only reads: \(request.method.rawValue) is not answered, only GET and HEAD",
                headers: [.allow: "GET, HEAD"]
            ))
        }
        if let problem = oversized(request) { return answer(request, problem) }
        if let match = request.headers[.ifNoneMatch], ETag.matches(match, tag) {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as Problem {
            response = answer(request, problem)
        } catch let error as HTTPError where error.status == .notFound {
            response = answer(request, Problem(.notFound, code: "not_found", detail: "nothing is served at \(request.uri.path)"))
        } catch is TimeLimitExceeded {
            response = answer(request, Problem(
                .serviceUnavailable, code: "timed_out", detail: "the answer took longer than \(limits.timeLimit); try again later"
            ))
        } catch {
            context.logger.error("web request failed", metadata: ["error": "\(error)"])
            response = answer(request, Problem(.internalServerError, code: "internal", detail: "the ledger could not answer"))
        }
        return response
    }

    /// `problem` as problem+json, or as a page for a browser (`Accept` naming `text/html`) outside
    /// `/api/`: the same status and code either way.
    private func answer(_ request: Request, _ problem: Problem) -> Response {
        let browser = (request.headers[.accept] ?? "").contains("text/html")
        return browser && !request.uri.path.hasPrefix("/api/") ? errorPage(problem) : problem.response
    }

    /// A request that carries a body or is longer than the limit allows.
    private func oversized(_ request: Request) -> Problem? {
        if let length = request.headers[.contentLength], length != "0" {
            return Problem(.contentTooLarge, code: "invalid_request", detail: "requests to this interface carry no body")
        }
        if request.headers[.transferEncoding] != nil {
            return Problem(.contentTooLarge, code: "invalid_request", detail: "requests to this interface carry no body")
        }
        if request.uri.string.utf8.count > limits.maximumTargetBytes {
            return Problem(.uriTooLong, code: "invalid_request", detail: "the request target is longer than \(limits.maximumTargetBytes) bytes")
        }
        return nil
    }
}

struct TimeLimitExceeded: Error {}

/// Runs `body`, or throws `TimeLimitExceeded` once `limit` has passed (cancelling it).
func withTimeLimit<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeLimitExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimeLimitExceeded() }
        return first
    }
}

/// Entity tags: the head seq and a digest of what was asked and of today's date (pages and
/// overdue marks follow the day), so a tag changes when the ledger or the day does.
enum ETag {
    static func make(head: UInt64, today: CivilDate, request: Request) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        mix(today.description)
        mix(request.uri.path)
        mix(request.uri.query ?? "")
        mix(request.headers[.accept] ?? "")
        mix(request.headers.value(named: "Last-Event-ID") ?? "")
        let digest = String(hash, radix: 16)
        return "\"\(head)-\(String(repeating: "0", count: 16 - digest.count))\(digest)\""
    }

    /// Whether an `If-None-Match` value names `tag` (or is `*`); weak tags compare as strong ones.
    static func matches(_ header: String, _ tag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var text = candidate.trimmingPrefix(" ")
            while text.last == " " { text = text.dropLast() }
            if text == "*" { return true }
            if text.hasPrefix("W/") { text = text.dropFirst(2) }
            return text == tag
        }
    }
}

extension HTTPFields {
    /// The first value of the field `name` (compared without case), for fields HTTPTypes has no name for.
    func value(named name: String) -> String? {
        first { $0.name.canonicalName == name.lowercased() }?.value
    }
}
