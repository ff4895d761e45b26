/// Who may append to the ledger: root, the daemon's own user, and members of the writers group.
public struct WritePolicy: Sendable, Hashable {
    /// The user the daemon runs as.
    public let daemonUID: UInt32
    /// The group whose members may write, or nil when only root and the daemon's user may.
    public let writersGroup: UInt32?

    /// A policy for a daemon running as `daemonUID` with writers group `writersGroup`.
    public init(daemonUID: UInt32, writersGroup: UInt32?) {
        self.daemonUID = daemonUID
        self.writersGroup = writersGroup
    }

    /// Whether `peer` may write: it is root, the daemon's user, or in the writers group (primary or supplementary).
    public func mayWrite(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 || peer.uid == daemonUID { return true }
        guard let writersGroup else { return false }
        return peer.isMember(ofGroup: writersGroup)
    }
}
