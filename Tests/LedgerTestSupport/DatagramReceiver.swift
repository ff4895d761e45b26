import Foundation

/// A bound `AF_UNIX` datagram socket standing in for systemd's notification socket.
public final class DatagramReceiver {
    /// What to put in `NOTIFY_SOCKET` to reach this socket.
    public let notifyPath: String
    private let fd: Int32
    private let directory: TemporaryDirectory?

    /// A socket bound at a file in a fresh temporary directory.
    public init(filePath: ()) throws {
        let directory = try TemporaryDirectory("ledger-notify")
        self.directory = directory
        notifyPath = directory.appending("notify")
        fd = try Self.bind(pathBytes: Array(notifyPath.utf8) + [0])
    }

    /// A socket bound at the abstract name `@name` (no trailing NUL in the address).
    public init(abstractName name: String) throws {
        directory = nil
        notifyPath = "@" + name
        fd = try Self.bind(pathBytes: [0] + Array(name.utf8))
    }

    deinit {
        close(fd)
    }

    /// The next datagram as text, or nil when none arrives within two seconds.
    public func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    private static func bind(pathBytes: [UInt8]) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonFailure(message: "socket failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let offset = 2  // offsetof(struct sockaddr_un, sun_path) on Linux
        guard pathBytes.count <= MemoryLayout<sockaddr_un>.size - offset else { throw DaemonFailure(message: "name too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        // The length counts exactly the bytes given: for an abstract name, no NUL after it.
        let length = socklen_t(offset + pathBytes.count)
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.bind(fd, $0, length) }
        }
        if status != 0 {
            close(fd)
            throw DaemonFailure(message: "bind failed: errno \(errno)")
        }
        return fd
    }
}
