import LedgerCore

#if canImport(Glibc)
import Glibc
#endif

/// A blocking connection to `ledgerd`'s Unix socket speaking the NDJSON protocol: one request
/// per line, one response per line (or a stream of lines for `export` and `subscribe`).
public final class LedgerConnection {
    /// The default socket path.
    public static let defaultPath = "/run/ledger/ledger.sock"

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
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

    /// Sends one request line.
    public func send(_ request: JSONValue) throws(ClientError) {
        var bytes: [UInt8] = []
        CanonicalJSON.encode(request, sortKeys: false, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        try send(raw: bytes)
    }

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

    /// The next response line, parsed; nil when the daemon closed the connection.
    public func receive() throws(ClientError) -> JSONValue? {
        guard let line = try readLine() else { return nil }
        do {
            return try JSONParser.parse(line)
        } catch {
            throw .broken("the daemon sent a line that is not JSON: \(error.message)")
        }
    }

    /// The next response line as the daemon sent it, without its newline; nil when the daemon closed the connection.
    public func receiveLine() throws(ClientError) -> [UInt8]? {
        try readLine()
    }

    /// Sends a request and returns its response, throwing the daemon's error if it answers with one.
    public func request(_ request: JSONValue) throws(ClientError) -> JSONObject {
        try send(request)
        guard let response = try receive() else { throw .broken("the daemon closed the connection") }
        return try Self.successful(response)
    }

    /// The response object when `ok` is true; the daemon's error otherwise.
    public static func successful(_ response: JSONValue) throws(ClientError) -> JSONObject {
        guard case .object(let object) = response else { throw .broken("a response is not an object") }
        if case .bool(false)? = object["ok"] {
            guard case .object(let error)? = object["error"] else { throw .broken("an error response without error") }
            throw .refused(
                code: error["code"]?.stringValue ?? "unknown",
                message: error["message"]?.stringValue ?? "",
                index: error["index"]?.integerValue.map(Int.init),
                field: error["field"]?.stringValue
            )
        }
        return object
    }

    private func readLine() throws(ClientError) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                if start > 1 << 16 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
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
