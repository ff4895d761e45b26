#if canImport(Glibc)
import Glibc
#endif
import LedgerSystemd
import NIOCore

/// Reads who is at the other end of a connection from the kernel (SO_PEERCRED, SO_PEERGROUPS).
enum PeerIdentity {
    /// Reads the peer of a connected Unix socket channel, once, when it is accepted.
    static func read(from channel: Channel) -> EventLoopFuture<PeerCredentials?> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let credentials: EventLoopFuture<KernelCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: KernelCredentials.option
        )
        return credentials.flatMap { credentials in
            let groups: EventLoopFuture<GroupList> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: GroupList.option
            )
            return groups.map { list in
                PeerCredentials(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid, groups: list.ids)
            }.flatMapError { _ in
                // More groups than the buffer holds, or a kernel without SO_PEERGROUPS:
                // the supplementary groups are then looked up by user.
                channel.eventLoop.makeSucceededFuture(PeerCredentials(
                    pid: credentials.pid, uid: credentials.uid, gid: credentials.gid,
                    groups: Self.groupsOfUser(credentials.uid, primary: credentials.gid)
                ))
            }
        }.map { Optional($0) }.recover { _ -> PeerCredentials? in nil }
    }

    /// The groups of a user by name service lookup: the fallback when SO_PEERGROUPS cannot answer.
    static func groupsOfUser(_ uid: UInt32, primary: UInt32) -> [UInt32] {
        var password = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &password, &buffer, buffer.count, &result) == 0, result != nil, let name = password.pw_name else {
            return []
        }
        var count: Int32 = 256
        var groups = [gid_t](repeating: 0, count: Int(count))
        guard getgrouplist(name, primary, &groups, &count) >= 0 else { return [] }
        return Array(groups.prefix(Int(count)))
    }
}

/// Linux's `struct ucred`, which Glibc's module map does not export (it needs _GNU_SOURCE).
struct KernelCredentials: Sendable {
    /// SO_PEERCRED on Linux.
    static let option = SocketOptionName(17)

    var pid: Int32
    var uid: UInt32
    var gid: UInt32
}

/// Room for 32 supplementary group ids, as SO_PEERGROUPS fills it (unused slots stay zero).
struct GroupList: Sendable {
    /// SO_PEERGROUPS on Linux (since 4.13).
    static let option = SocketOptionName(59)

    var storage: (
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
        UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32
    )

    var ids: [UInt32] {
        withUnsafeBytes(of: storage) { raw in
            // Group 0 is root's; a zero slot here is unused space, and root's group grants nothing extra.
            raw.bindMemory(to: UInt32.self).filter { $0 != 0 }
        }
    }
}
