#if canImport(Glibc)
import Glibc
#endif

/// A Unix socket's address (`sockaddr_un`) from its path, and a stream connected to it.
public enum UnixSocketAddress {
    /// Calls `body` with the address of the socket at `path`, refusing a path too long to fit.
    public static func with<Result>(
        path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) throws(ClientError) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw .unreachable(path: path, reason: "the path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// A stream socket connected to the socket at `path`: its descriptor, which the caller closes.
    public static func connectedStream(to path: String) throws(ClientError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unreachable(path: path, reason: String(cString: strerror(errno))) }
        let status: Int32
        do {
            status = try with(path: path) { address, length in connect(fd, address, length) }
        } catch {
            close(fd)
            throw error
        }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreachable(path: path, reason: reason)
        }
        return fd
    }
}
