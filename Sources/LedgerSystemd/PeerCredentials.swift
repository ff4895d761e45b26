#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a Unix socket, as the kernel recorded it when the connection was made
/// (`SO_PEERCRED`, `SO_PEERGROUPS`; the daemon reads them through its socket library).
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
}
