import Foundation

/// A bound `AF_UNIX` datagram socket standing in for systemd's notification socket: how a
/// launched `ledgerd` says READY=1, and how tests hear what else it tells systemd.
public final class DatagramReceiver {
    /// What to put in `NOTIFY_SOCKET` to reach this socket.
    public let notifyPath: String
    private let fd: Int32
    private let directory: TemporaryDirectory?
    /// The file bound at, removed with the socket.
    private let boundFile: String?

    /// A socket bound at a file in a fresh temporary directory.
    public init(filePath: ()) throws {
        let directory = try TemporaryDirectory("ledger-notify")
        self.directory = directory
        notifyPath = directory.appending("notify")
        boundFile = nil
        fd = try Self.bind(pathBytes: Array(notifyPath.utf8) + [0])
    }

    /// A socket bound at `path`, replacing a stale socket left there; the file is removed with it.
    public init(path: String) throws {
        directory = nil
        notifyPath = path
        boundFile = path
        unlink(path)
        fd = try Self.bind(pathBytes: Array(path.utf8) + [0])
    }

    /// A socket bound at the abstract name `@name` (no trailing NUL in the address).
    public init(abstractName name: String) throws {
        directory = nil
        boundFile = nil
        notifyPath = "@" + name
        fd = try Self.bind(pathBytes: [0] + Array(name.utf8))
    }

    deinit {
        close(fd)
        if let boundFile { unlink(boundFile) }
    }

    /// The next datagram as text, or nil when none arrives within two seconds.
    public func receive() -> String? {
        receive(within: .seconds(2))
    }

    /// The next datagram as text, or nil when none arrives within `limit`.
    public func receive(within limit: Duration) -> String? {
        let milliseconds = Int32(clamping: limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            break
        }
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    /// Whether a datagram carrying READY=1 arrives within `limit` (others are read and passed over).
    public func receivedReady(within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let message = receive(within: left) else { return false }
            if message.split(separator: "\n").contains("READY=1") { return true }
        }
    }

    private static func bind(pathBytes: [UInt8]) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DaemonFailure(message: "socket failed: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let offset = 2  // offsetof(struct sockaddr_un, sun_path) on Linux
        guard pathBytes.count <= MemoryLayout<sockaddr_un>.size - offset else {
            close(fd)
            throw DaemonFailure(message: "the notify socket's name is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        // The length counts exactly the bytes given: for an abstract name, no NUL after it.
        let length = socklen_t(offset + pathBytes.count)
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.bind(fd, $0, length) }
        }
        if status != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DaemonFailure(message: "cannot bind the notify socket: \(reason)")
        }
        return fd
    }
}
