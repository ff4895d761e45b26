import Glibc
import Testing

/// Real sockets for the tests, each closed by the test that made it.
enum UnixSockets {
    /// A fresh temporary directory, for socket files.
    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/ledger-sd-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
        return try #require(created.map { String(cString: $0) })
    }

    /// A stream socket of `domain`, not close-on-exec.
    static func socket(type: __socket_type, domain: Int32 = AF_UNIX) throws -> Int32 {
        let fd = Glibc.socket(domain, Int32(type.rawValue), 0)
        try #require(fd >= 0, "socket failed: errno \(errno)")
        return fd
    }

    /// The address of the file `path`.
    static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        return address
    }

    /// An `AF_UNIX` stream socket bound at `path` and listening.
    static func listening(at path: String) throws -> Int32 {
        let fd = try socket(type: SOCK_STREAM)
        var address = address(path)
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(status == 0, "bind failed: errno \(errno)")
        try #require(listen(fd, 4) == 0)
        return fd
    }

    /// A stream socket connected to the listener at `path`.
    static func connected(to path: String) throws -> Int32 {
        let fd = try socket(type: SOCK_STREAM)
        var address = address(path)
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(status == 0, "connect failed: errno \(errno)")
        return fd
    }

    /// The two ends of a connected `AF_UNIX` stream socket pair.
    static func pair() throws -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        return (ends[0], ends[1])
    }

    /// Whether `fd` is marked close-on-exec.
    static func isCloseOnExec(_ fd: Int32) -> Bool {
        fcntl(fd, F_GETFD) & FD_CLOEXEC != 0
    }
}
