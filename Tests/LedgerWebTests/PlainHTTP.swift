import Foundation
import LedgerHarness
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a plain TCP socket, for talking to a real `ledgerd --http`.
enum PlainHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    /// A port nothing listens on now, on 127.0.0.1.
    static func freePort() throws -> Int { try Loopback.freePort() }

    /// Sends `GET path` (with `headers`) and reads the answer to the end, trying to connect for up to `wait`.
    private static func unchecked(port: Int, _ path: String, headers: [String: String], method: String, wait: Duration) throws -> Answer {
        let deadline = ContinuousClock.now + wait
        var fd: Int32 = -1
        while true {
            if let connected = try Loopback.connect(port: port) {
                fd = connected
                break
            }
            guard ContinuousClock.now < deadline else { throw Failure(description: "nothing listens on port \(port)") }
            usleep(50_000)
        }
        defer { close(fd) }
        return try exchange(fd, host: "127.0.0.1:\(port)", path, headers: headers, method: method)
    }

    /// Sends `method path` (with `headers`) and reads the answer to the end, trying to connect for
    /// up to `wait`; a JSON answer is checked against the OpenAPI document.
    static func get(
        port: Int, _ path: String, headers: [String: String] = [:], method: String = "GET", wait: Duration = .seconds(20),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Answer {
        let answer = try unchecked(port: port, path, headers: headers, method: method, wait: wait)
        OpenAPIConformance.shared.expectConforms(
            method: method, path: path, status: answer.status, contentType: answer.headers["content-type"], body: answer.body,
            sourceLocation: sourceLocation
        )
        return answer
    }

    /// Sends `GET path` over the HTTP Unix socket at `socketPath`, trying to connect for up to `wait`.
    static func get(unixSocket socketPath: String, _ path: String, wait: Duration = .seconds(20)) throws -> Answer {
        let deadline = ContinuousClock.now + wait
        var fd: Int32 = -1
        while true {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(socketPath.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(description: "path too long") }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if connected == 0 { break }
            close(fd)
            guard ContinuousClock.now < deadline else { throw Failure(description: "nothing listens at \(socketPath)") }
            usleep(50_000)
        }
        defer { close(fd) }
        let answer = try exchange(fd, host: "localhost", path, headers: [:], method: "GET")
        OpenAPIConformance.shared.expectConforms(
            method: "GET", path: path, status: answer.status, contentType: answer.headers["content-type"], body: answer.body
        )
        return answer
    }

    private static func exchange(_ fd: Int32, host: String, _ path: String, headers: [String: String], method: String) throws -> Answer {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(description: "send: \(errno)") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return try parse(received)
    }

    static func parse(_ bytes: [UInt8]) throws -> Answer {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw Failure(description: "no end of headers in \(bytes.count) bytes")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "no status line") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"] == "chunked" { body = try dechunk(body) }
        return Answer(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].indices.first(where: { bytes[$0...].starts(with: [13, 10]) }),
                let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16)
            else { throw Failure(description: "bad chunk") }
            if size == 0 { break }
            result += bytes[(lineEnd + 2)..<(lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return result
    }
}

extension PlainHTTP {
    /// An open request whose answer is read as it comes (an event stream).
    final class Stream {
        private let fd: Int32
        private(set) var received: [UInt8] = []

        /// Sends `GET path` and leaves the connection open; reads give up after `timeout` without data.
        init(port: Int, _ path: String, headers: [String: String] = [:], timeout: Int = 10) throws {
            guard let connected = try Loopback.connect(port: port) else { throw Failure(description: "connect: \(errno)") }
            fd = connected
            var limit = timeval(tv_sec: timeout, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            for (name, value) in headers { request += "\(name): \(value)\r\n" }
            request += "\r\n"
            let bytes = Array(request.utf8)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        }

        deinit { close(fd) }

        /// Reads until the text received so far satisfies `done`; false when the connection ended or went quiet first.
        func read(until done: (String) -> Bool) -> Bool {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !done(text) {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return false }
                received += buffer[0..<n]
            }
            return true
        }

        var text: String { String(decoding: received, as: UTF8.self) }
    }
}
