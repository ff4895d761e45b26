import Hummingbird
import LedgerCore
import LedgerProtocol

/// An error answered over HTTP as `application/problem+json` (RFC 9457), with the stable `code`
/// the socket would give for the same fault.
public struct Problem: Error, Sendable, Hashable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The stable code (`invalid_request`, `invalid_date`, `unknown_line`, …).
    public var code: String
    /// What is wrong, for people.
    public var detail: String
    /// Headers the answer carries beside the common ones (`Allow` on a 405).
    public var headers: HTTPFields

    /// A problem with the given status, code and detail.
    public init(_ status: HTTPResponse.Status, code: String, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
    }

    /// 400 with `invalid_request`.
    static func invalidRequest(_ detail: String) -> Problem {
        Problem(.badRequest, code: ProtocolError.Code.invalidRequest.rawValue, detail: detail)
    }

    /// The body: `type`, `title`, `status`, `detail`, `code`, in that order.
    public var body: [UInt8] {
        let object = JSONObject([
            ("type", .string("about:blank")),
            ("title", .string(status.reasonPhrase)),
            ("status", .integer(Int64(status.code))),
            ("detail", .string(detail)),
            ("code", .string(code)),
        ])
        var bytes: [UInt8] = []
        CanonicalJSON.encode(.object(object), sortKeys: false, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The whole answer.
    public var response: Response {
        var fields = headers
        fields[.contentType] = WebMediaType.problem
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The media types the interface answers with.
enum WebMediaType {
    static let json = "application/json"
    static let problem = "application/problem+json"
    static let csv = "text/csv; charset=utf-8"
    static let ndjson = "application/x-ndjson"
    static let eventStream = "text/event-stream"
}
