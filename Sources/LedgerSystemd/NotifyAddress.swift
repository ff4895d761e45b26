#if canImport(Glibc)
import Glibc
#endif

/// The Unix datagram address `NOTIFY_SOCKET` names, as `sendto` wants it.
struct NotifyAddress: Sendable {
    /// The address, with `sun_path` filled in.
    var storage: sockaddr_un
    /// The length to pass to `sendto`: the family, the path and, for a file path only, its NUL.
    var length: socklen_t

    /// Where `sun_path` starts within `sockaddr_un` (`offsetof(struct sockaddr_un, sun_path)`).
    static let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? MemoryLayout<sa_family_t>.size

    /// How many bytes `sun_path` holds.
    static let pathCapacity = MemoryLayout<sockaddr_un>.size - pathOffset

    /// Parses `path`: `/…` is a file, `@…` an abstract name (the `@` stands for a leading NUL).
    init(path: String) throws(SystemdError) {
        var bytes = Array(path.utf8)
        let abstract: Bool
        switch bytes.first {
        case UInt8(ascii: "@"):
            guard bytes.count > 1 else {
                throw SystemdError(code: .invalidAddress, message: "NOTIFY_SOCKET \"@\" names an empty abstract socket")
            }
            bytes[0] = 0
            abstract = true
        case UInt8(ascii: "/"):
            guard !bytes.contains(0) else {
                throw SystemdError(code: .invalidAddress, message: "NOTIFY_SOCKET contains a NUL byte")
            }
            abstract = false
        default:
            throw SystemdError(
                code: .invalidAddress,
                message: "NOTIFY_SOCKET \"\(path)\" is neither an absolute path nor an abstract name (@…)"
            )
        }
        // An abstract name is exactly its bytes; a file path needs room for its terminating NUL.
        let used = abstract ? bytes.count : bytes.count + 1
        guard used <= Self.pathCapacity else {
            throw SystemdError(
                code: .invalidAddress,
                message: "NOTIFY_SOCKET is \(bytes.count) bytes long; a Unix socket address holds at most \(Self.pathCapacity - (abstract ? 0 : 1))"
            )
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        storage = address
        length = socklen_t(Self.pathOffset + used)
    }
}
