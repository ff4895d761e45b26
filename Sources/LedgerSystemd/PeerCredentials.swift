#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a Unix socket, as the kernel recorded it when the connection was made.
public struct PeerCredentials: Sendable, Hashable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's effective user id.
    public var uid: UInt32
    /// The peer's effective (primary) group id.
    public var gid: UInt32
    /// The peer's supplementary groups; empty when ``groupsKnown`` is false.
    public var groups: [UInt32]
    /// Whether ``groups`` came from the kernel; false on kernels without `SO_PEERGROUPS` (before Linux 4.13).
    public var groupsKnown: Bool

    /// Credentials with the given ids.
    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32], groupsKnown: Bool = true) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.groupsKnown = groupsKnown
    }

    /// Reads the peer of the connected Unix socket `fd` with `SO_PEERCRED` and `SO_PEERGROUPS`.
    public static func of(socket fd: Int32) throws(SystemdError) -> PeerCredentials {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: Glibc hides it without _GNU_SOURCE, so it is read as three 32-bit words.
        var words = [UInt32](repeating: 0, count: 3)
        var length = socklen_t(words.count * MemoryLayout<UInt32>.size)
        let status = words.withUnsafeMutableBytes { raw in
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, raw.baseAddress, &length)
        }
        guard status == 0 else {
            throw SystemdError(code: .peerCredentialsFailed, context: "cannot read SO_PEERCRED of descriptor \(fd)", errorNumber: errno)
        }
        guard length == socklen_t(words.count * MemoryLayout<UInt32>.size) else {
            throw SystemdError(code: .peerCredentialsFailed, message: "SO_PEERCRED of descriptor \(fd) returned \(length) bytes")
        }
        let groups = try supplementaryGroups(of: fd)
        return PeerCredentials(
            pid: Int32(bitPattern: words[0]), uid: words[1], gid: words[2],
            groups: groups ?? [], groupsKnown: groups != nil
        )
    }

    /// Whether the peer is in group `gid`, as its primary or one of its supplementary groups.
    public func isMember(ofGroup gid: UInt32) -> Bool {
        self.gid == gid || groups.contains(gid)
    }

    /// The id of the group called `name`, or nil when there is none.
    public static func groupID(named name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var size = 1_024
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
            if status == ERANGE {
                size *= 2
                continue
            }
            guard status == 0, result != nil else { return nil }
            return entry.gr_gid
        }
        return nil
    }

    /// The login name of user `uid`, or nil when it has none; for log lines.
    public static func userName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = 1_024
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
            if status == ERANGE {
                size *= 2
                continue
            }
            // pw_name points into `buffer`, so it is copied out before the buffer goes.
            guard status == 0, result != nil, let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        return nil
    }

    /// The peer's supplementary groups from `SO_PEERGROUPS`, or nil when the kernel does not support it.
    ///
    /// `initialCapacity` is how many ids the first attempt has room for; tests make it small to force a regrow.
    static func supplementaryGroups(of fd: Int32, initialCapacity: Int = 64) throws(SystemdError) -> [UInt32]? {
        var capacity = max(initialCapacity, 0)
        // The groups were fixed when the connection was made, so one regrow is normally enough.
        for _ in 0..<8 {
            var buffer = [gid_t](repeating: 0, count: capacity)
            var length = socklen_t(capacity * MemoryLayout<gid_t>.size)
            let status = buffer.withUnsafeMutableBytes { raw in
                getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, raw.baseAddress, &length)
            }
            if status == 0 {
                return Array(buffer.prefix(Int(length) / MemoryLayout<gid_t>.size))
            }
            switch errno {
            case ENOPROTOOPT:
                return nil
            case ERANGE:
                // The kernel wrote the size it needs into `length`.
                capacity = max(capacity * 2, Int(length) / MemoryLayout<gid_t>.size + 1)
            case let code:
                throw SystemdError(code: .peerCredentialsFailed, context: "cannot read SO_PEERGROUPS of descriptor \(fd)", errorNumber: code)
            }
        }
        throw SystemdError(code: .peerCredentialsFailed, message: "SO_PEERGROUPS of descriptor \(fd) kept growing")
    }
}
