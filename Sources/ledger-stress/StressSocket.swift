import LedgerClient

#if canImport(Glibc)
import Glibc
#endif

/// A bare client socket to `ledgerd` that does only what a hostile client does: connect and sit,
/// send a byte at a time, or never read, and notice when the daemon hangs up on it.
final class StressSocket {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to the Unix socket at `path`.
    init(path: String) throws {
        let fd = try UnixSocketAddress.connectedStream(to: path)
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// Sends `bytes` whole.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw ClientError.broken(String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    /// Whether the daemon has closed its end, waiting up to `milliseconds` for it to; unread data
    /// in the socket does not count, so this works on a client that never reads.
    func hasHungUp(waitingMilliseconds milliseconds: Int32) -> Bool {
        // POLLRDHUP (Linux): the peer shut down its side, whether or not data is still queued here.
        let peerClosed: Int16 = 0x2000
        var entry = pollfd(fd: descriptor, events: peerClosed, revents: 0)
        while true {
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0 && entry.revents & (peerClosed | Int16(POLLHUP) | Int16(POLLERR)) != 0
        }
    }

    /// The next line the daemon sends, without its newline; nil when it closes first or sends
    /// nothing within `milliseconds`.
    func receiveLine(withinMilliseconds milliseconds: Int32) throws -> [UInt8]? {
        let deadline = ContinuousClock.now + .milliseconds(milliseconds)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                return line
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
            if ready < 0 {
                if errno == EINTR { continue }
                throw ClientError.broken(String(cString: strerror(errno)))
            }
            if ready == 0 { continue }
            guard try fill() > 0 else { return nil }
        }
    }

    /// Reads everything until the daemon closes: the bytes and the lines received, and the last line.
    func drain() throws -> (bytes: Int, lines: Int, last: [UInt8]) {
        var bytes = buffer.count
        var lines = 0
        var last: [UInt8] = []
        while true {
            var start = 0
            for index in buffer.indices where buffer[index] == UInt8(ascii: "\n") {
                lines += 1
                last = Array(buffer[start..<index])
                start = index + 1
            }
            buffer.removeFirst(start)
            let received = try fill()
            if received == 0 { break }
            bytes += received
        }
        if !buffer.isEmpty { last = buffer }
        return (bytes, lines, last)
    }

    /// Appends what one read brings to the buffer; 0 at end of stream.
    private func fill() throws -> Int {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress, raw.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return 0 }
                throw ClientError.broken(String(cString: strerror(errno)))
            }
            buffer.append(contentsOf: chunk[0..<count])
            return count
        }
    }
}
