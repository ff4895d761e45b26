#if canImport(Glibc)
import Glibc
#endif

/// The sockets the service manager passed in, by the `LISTEN_FDS` protocol (socket activation).
public enum ListenedSockets {
    /// The first passed descriptor (`SD_LISTEN_FDS_START`).
    public static let firstDescriptor: Int32 = 3

    /// The descriptors `environment` says were passed to process `pid`, each made close-on-exec.
    ///
    /// Returns `3..<3+n` when `LISTEN_PID` is `pid` and `LISTEN_FDS` is a positive `n`, and `[]` otherwise,
    /// or when one of those descriptors is not open (the environment is then not to be trusted).
    public static func take(environment: [String: String], pid: Int32) -> [Int32] {
        take(environment: environment, pid: pid, first: firstDescriptor)
    }

    /// A passed socket and the name its socket unit gave it (`FileDescriptorName=`, by default the
    /// unit's own name), or `unknown` when the service manager named none.
    public struct Passed: Equatable, Sendable {
        public let descriptor: Int32
        public let name: String

        public init(descriptor: Int32, name: String) {
            self.descriptor = descriptor
            self.name = name
        }
    }

    /// The descriptors passed to this process, with their names; call it once, early in `main`,
    /// before any thread starts.
    ///
    /// Unsets `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` so child processes do not believe the sockets are theirs.
    public static func takeFromProcess() -> [Passed] {
        let names = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]
        var environment: [String: String] = [:]
        for name in names {
            if let value = getenv(name) {
                environment[name] = String(cString: value)
            }
        }
        let descriptors = take(environment: environment, pid: getpid())
        for name in names {
            unsetenv(name)
        }
        return named(descriptors, names: environment["LISTEN_FDNAMES"])
    }

    /// `descriptors` with the names of `LISTEN_FDNAMES` (colon-separated, in the same order); every
    /// one is `unknown` when the list is missing or does not have one name per descriptor, as
    /// `sd_listen_fds_with_names(3)` has it.
    public static func named(_ descriptors: [Int32], names: String?) -> [Passed] {
        var list = names.map { $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) } ?? []
        if list.count != descriptors.count { list = Array(repeating: "unknown", count: descriptors.count) }
        return zip(descriptors, list).map { Passed(descriptor: $0, name: $1) }
    }

    /// Whether `fd` is a listening stream socket of any family: the web interface's handed-over
    /// socket may be TCP (`ListenStream=127.0.0.1:8080`) or Unix.
    public static func isListeningStream(_ fd: Int32) -> Bool {
        guard let type = integerOption(fd, SO_TYPE), type == Int32(SOCK_STREAM.rawValue) else { return false }
        return integerOption(fd, SO_ACCEPTCONN) == 1
    }

    /// Whether `fd` is a listening `AF_UNIX` stream socket, the only kind of passed socket the daemon can serve.
    public static func isListeningUnixStream(_ fd: Int32) -> Bool {
        isListeningStream(fd) && family(of: fd) == Int32(AF_UNIX)
    }

    /// The range the environment describes for `pid`, starting at `first`, or nil when it describes none.
    static func descriptors(environment: [String: String], pid: Int32, first: Int32) -> Range<Int32>? {
        guard let listenPID = environment["LISTEN_PID"].flatMap({ Int32($0) }), listenPID == pid else { return nil }
        guard let count = environment["LISTEN_FDS"].flatMap({ Int32($0) }), count > 0 else { return nil }
        guard count <= Int32.max - first else { return nil }
        return first..<(first + count)
    }

    /// ``take(environment:pid:)`` with the first descriptor as a parameter, so tests can pass sockets they own.
    static func take(environment: [String: String], pid: Int32, first: Int32) -> [Int32] {
        guard let range = descriptors(environment: environment, pid: pid, first: first) else { return [] }
        var taken: [Int32] = []
        for fd in range {
            let flags = fcntl(fd, F_GETFD)
            guard flags >= 0 else { return [] }
            if flags & FD_CLOEXEC == 0 {
                guard fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0 else { return [] }
            }
            taken.append(fd)
        }
        return taken
    }

    /// An integer `SOL_SOCKET` option of `fd`, or nil when it cannot be read.
    static func integerOption(_ fd: Int32, _ option: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 else { return nil }
        return value
    }

    /// The address family of socket `fd`, from `SO_DOMAIN` or, on kernels without it, `getsockname`.
    static func family(of fd: Int32) -> Int32? {
        if let domain = integerOption(fd, SO_DOMAIN) { return domain }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { return nil }
        return Int32(address.ss_family)
    }
}
