import LedgerCore
import LedgerProtocol

#if canImport(Glibc)
import Glibc
#endif

/// A blocking connection to `ledgerd`'s Unix socket speaking the NDJSON protocol: one request
/// per line, one response per line (or a stream of lines for `export` and `subscribe`).
///
/// The typed calls write their requests with `Request.line` and read the answers with
/// `ResponseDecoder`, so nothing here writes or reads the protocol's JSON by hand; an error the
/// daemon answers with is thrown as `ClientError.refused`. `send(raw:)` and `receiveLine()`
/// carry bytes as they are, for a client that must send something else.
public final class LedgerConnection {
    /// The default socket path.
    public static let defaultPath = "/run/ledger/ledger.sock"

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next newline resumes: the bytes from `start` up to it hold none.
    /// A long answer comes in many reads, and each is searched once.
    private var searched = 0
    /// What each read is received into, allocated once.
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    /// The socket path connected to.
    public let path: String

    /// Connects to the socket at `path`; with `timeout`, a read that waits longer fails.
    public init(path: String, timeout: Duration? = nil) throws(ClientError) {
        self.path = path
        let fd = try UnixSocketAddress.connectedStream(to: path)
        if let timeout {
            var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    // MARK: The requests of the protocol

    /// Asks whether the daemon is there; returns when it answers.
    public func ping() throws(ClientError) {
        guard case .pong = try request(.ping) else { throw Self.unexpected("ping") }
    }

    /// The daemon's figures.
    public func stats() throws(ClientError) -> DaemonStats {
        guard case .stats(let stats) = try request(.stats) else { throw Self.unexpected("stats") }
        return stats
    }

    /// The state at the end of `date`, of one department or all; with `knownAt` (an RFC 3339
    /// time, or a date meaning the end of that day in London, sent as written) only from what
    /// had been recorded by then.
    public func at(date: CivilDate, department: String? = nil, knownAt: String? = nil) throws(ClientError) -> AtResult {
        let request = Request.at(date: date, department: department, knownAt: knownAt.flatMap { Timestamp(cutoff: $0) }, knownAtText: knownAt)
        guard case .at(let result) = try self.request(request) else { throw Self.unexpected("at") }
        return result
    }

    /// Appends `events` as one atomic batch: what was stored, and what was already there.
    public func append(_ events: [JSONValue]) throws(ClientError) -> AppendReport {
        guard case .appended(let report) = try request(.append(events)) else { throw Self.unexpected("append") }
        return report
    }

    /// Every event of `line`, each a stored event with `hash` and `retracted_by`.
    public func history(line: String) throws(ClientError) -> [JSONObject] {
        guard case .history(let events) = try request(.history(line: line)) else { throw Self.unexpected("history") }
        return events
    }

    /// Walks the hash chain: intact, or broken at a seq (which the daemon answers as an error).
    public func verify() throws(ClientError) -> ChainVerdict {
        try send(.verify)
        switch try receive() {
        case .verified(let count, let head)?:
            return .intact(count: count, head: head)
        case .error(let error)? where error.code == ProtocolError.Code.chainBroken.rawValue:
            return .broken(seq: error.seq ?? 0, message: error.message)
        case .error(let error)?:
            throw .refused(error)
        case nil:
            throw .broken("the daemon closed the connection")
        default:
            throw Self.unexpected("verify")
        }
    }

    /// Every stored event from seq `fromSeq` up to the head as it was when asked, one at a time.
    public func export(from fromSeq: UInt64 = 1) throws(ClientError) -> EventStream {
        try send(.export(fromSeq: fromSeq))
        return EventStream(connection: self, isExport: true)
    }

    /// Every stored event from seq `fromSeq`, then each new one as it commits, one at a time;
    /// the connection serves nothing else afterwards.
    public func subscribe(from fromSeq: UInt64 = 1) throws(ClientError) -> EventStream {
        try send(.subscribe(fromSeq: fromSeq))
        return EventStream(connection: self, isExport: false)
    }

    // MARK: Requests and responses

    /// Sends `request` and returns its response, throwing the daemon's error if it answers with one.
    public func request(_ request: Request) throws(ClientError) -> Response {
        try send(request)
        switch try receive() {
        case .error(let error)?: throw .refused(error)
        case let response?: return response
        case nil: throw .broken("the daemon closed the connection")
        }
    }

    /// Sends one request line.
    public func send(_ request: Request) throws(ClientError) {
        try send(raw: request.line)
    }

    /// The next response, decoded and checked (an error the daemon sent is returned, not thrown);
    /// nil when the daemon closed the connection.
    public func receive() throws(ClientError) -> Response? {
        guard let line = try readLine() else { return nil }
        do {
            return try ResponseDecoder.decode(line: line)
        } catch {
            throw .broken("the daemon sent a line that is not a response of the protocol (\(error)): \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
    }

    // MARK: Bytes as they are

    /// Sends bytes as they are: for a line that is already encoded, or deliberately malformed.
    public func send(raw bytes: [UInt8]) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .broken(String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// The next response line as the daemon sent it, without its newline; nil when the daemon closed the connection.
    public func receiveLine() throws(ClientError) -> [UInt8]? {
        try readLine()
    }

    private static func unexpected(_ op: String) -> ClientError {
        .broken("the daemon answered \(op) with another kind of response")
    }

    private func readLine() throws(ClientError) -> [UInt8]? {
        while true {
            if let newline = buffer[searched...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                searched = start
                if start > 1 << 16 {
                    buffer.removeFirst(start)
                    start = 0
                    searched = 0
                }
                return line
            }
            searched = buffer.count
            let count = chunk.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress, raw.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .broken("no answer within the time limit") }
                throw .broken(String(cString: strerror(errno)))
            }
            if count == 0 {
                if start < buffer.count {
                    let rest = Array(buffer[start...])
                    start = buffer.count
                    return rest
                }
                return nil
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}

/// What `verify` found.
public enum ChainVerdict: Sendable, Hashable {
    /// Every link holds: the events walked and the newest chain hash, in hex.
    case intact(count: Int, head: String)
    /// The chain is broken at `seq`; the daemon's message says how.
    case broken(seq: UInt64, message: String)
}

/// The events of an export or a subscription, read one line at a time.
public struct EventStream {
    private let connection: LedgerConnection
    private let isExport: Bool
    /// The count the export's closing line gave, once it has been read.
    public private(set) var count: Int?

    init(connection: LedgerConnection, isExport: Bool) {
        self.connection = connection
        self.isExport = isExport
    }

    /// The next stored event, with its `hash`; nil at the end of an export, or when the daemon
    /// closes a subscription. An error the daemon sends instead (a subscriber that fell too far
    /// behind, say) is thrown.
    public mutating func next() throws(ClientError) -> JSONObject? {
        guard count == nil else { return nil }
        switch try connection.receive() {
        case .event(let event)?:
            return event
        case .exportDone(let total)? where isExport:
            count = total
            return nil
        case .error(let error)?:
            throw .refused(error)
        case nil:
            if isExport { throw .broken("the export ended before its closing line") }
            return nil
        default:
            throw .broken("the daemon sent a line that is neither an event nor the end of the stream")
        }
    }
}
