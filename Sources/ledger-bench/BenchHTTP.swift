#if canImport(Glibc)
import Glibc
#endif
import LedgerHarness

/// A keep-alive HTTP/1.1 client over one TCP connection, as lean as the socket client the
/// benchmark times beside it: it sends a GET and reads the answer by its Content-Length, so what
/// is timed is the daemon's work and the wire, not a client library's. (The tests and users talk
/// to the interface with real clients: curl, browsers, nginx.)
final class BenchHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        var connected: Int32?
        for _ in 0..<200 {
            connected = try Loopback.connect(port: port)
            if connected != nil { break }
            usleep(50_000)
        }
        guard let connected else { throw Failure(description: "nothing listens on 127.0.0.1:\(port)") }
        fd = connected
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// The request bytes for `GET target`, made beforehand so that making them is not timed.
    static func request(_ target: String) -> [UInt8] {
        Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    }

    /// Sends `request` and returns the answer's status and body.
    func exchange(_ request: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            sent += n
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var end: Int?
        var searched = 0
        while end == nil {
            if buffer.count >= 4 {
                for index in max(0, searched - 3)...(buffer.count - 4) where buffer[index..<(index + 4)].elementsEqual(separator) {
                    end = index
                    break
                }
                searched = buffer.count
            }
            if end == nil { try fill() }
        }
        guard let end else { throw Failure(description: "no end of headers") }
        let head = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw Failure(description: "no status line")
        }
        guard let lengthLine = lines.first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(lengthLine.dropFirst("content-length:".count).trimmingPrefix(" "))
        else { throw Failure(description: "an answer without Content-Length") }
        let bodyStart = end + 4
        while buffer.count < bodyStart + length { try fill() }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeSubrange(..<(bodyStart + length))
        return (status, body)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw Failure(description: "the connection closed") }
        buffer += chunk[..<n]
    }
}
