import LedgerProtocol
import NIOCore
import Synchronization

/// Who holds the daemon's connection slots, and who may take one: the admission policy that keeps
/// any one local user from locking the others out.
///
/// - Readers (peers that may not append) hold at most `perUser` connections per user; beyond it a
///   reader's new connection is refused by name.
/// - `writerReserved` of the `total` slots are for writers only: readers, however many users they
///   are, never take the last of them.
/// - When every slot a newcomer may use is taken, the connection idle longest (answering nothing,
///   not subscribed) makes way: it is told why in one line and closed. Readers make way for
///   anyone; a writer's connection makes way only for another writer. Only when no connection can
///   make way is the newcomer refused.
public final class ConnectionRoster: Sendable {
    /// The limits the roster keeps.
    public struct Limits: Sendable {
        /// Connections in all.
        public var total: Int
        /// Connections of one reader user.
        public var perUser: Int
        /// Slots only writers may take.
        public var writerReserved: Int

        /// Limits of `total` in all, `perUser` per reader user, and `writerReserved` kept for writers.
        public init(total: Int, perUser: Int, writerReserved: Int) {
            self.total = max(1, total)
            self.perUser = max(1, perUser)
            self.writerReserved = min(max(0, writerReserved), self.total - 1)
        }
    }

    /// The roster's answer to a new connection.
    enum Admission {
        /// Take the slot; the connection in `evicting` (if any) has given it up.
        case admitted(ConnectionSeat, evicting: Channel?)
        /// No room: this error says why.
        case refused(ProtocolError)
    }

    private struct Holder {
        let channel: Channel
        let user: UInt32?
        let writer: Bool
        var quiet = true
        var quietSince: ContinuousClock.Instant
    }

    private struct State {
        var holders: [ObjectIdentifier: Holder] = [:]
        var readersByUser: [UInt32?: Int] = [:]
        var readers = 0
        var evictions = 0

        mutating func remove(_ id: ObjectIdentifier) -> Holder? {
            guard let holder = holders.removeValue(forKey: id) else { return nil }
            if !holder.writer {
                readers -= 1
                readersByUser[holder.user, default: 1] -= 1
                if readersByUser[holder.user] == 0 { readersByUser[holder.user] = nil }
            }
            return holder
        }

        /// The quiet connection idle longest among those `eligible`.
        func idlest(_ eligible: (Holder) -> Bool) -> ObjectIdentifier? {
            holders.filter { $0.value.quiet && eligible($0.value) }.min { $0.value.quietSince < $1.value.quietSince }?.key
        }
    }

    private let state = Mutex(State())
    /// The limits kept.
    public let limits: Limits

    /// A roster keeping `limits`.
    public init(limits: Limits) {
        self.limits = limits
    }

    /// Connections holding a slot now.
    public var count: Int { state.withLock { $0.holders.count } }
    /// Connections closed to make room since start.
    public var evictions: Int { state.withLock { $0.evictions } }

    /// Gives `channel` a slot if the limits allow, making room by eviction if need be.
    func admit(_ channel: Channel, user: UInt32?, writer: Bool, now: ContinuousClock.Instant = .now) -> Admission {
        let limits = self.limits
        let outcome = state.withLock { state -> Result<Channel?, ProtocolError> in
            var victim: ObjectIdentifier?
            if !writer {
                let held = state.readersByUser[user, default: 0]
                if held >= limits.perUser {
                    return .failure(ProtocolError(
                        .tooManyConnections,
                        "this user already holds \(held) connections, the most one reading user may hold (ledgerd --max-connections-per-user \(limits.perUser)): close one and try again"
                    ))
                }
                if state.readers >= limits.total - limits.writerReserved || state.holders.count >= limits.total {
                    victim = state.idlest { !$0.writer }
                    guard victim != nil else {
                        return .failure(ProtocolError(
                            .tooManyConnections,
                            "all \(limits.total - limits.writerReserved) connections open to readers are answering requests; try again shortly"
                        ))
                    }
                }
            } else if state.holders.count >= limits.total {
                victim = state.idlest { !$0.writer } ?? state.idlest { $0.writer }
                guard victim != nil else {
                    return .failure(ProtocolError(
                        .tooManyConnections,
                        "all \(limits.total) connections are answering requests; try again shortly"
                    ))
                }
            }
            let evicted = victim.flatMap { state.remove($0) }
            if evicted != nil { state.evictions += 1 }
            state.holders[ObjectIdentifier(channel)] = Holder(channel: channel, user: user, writer: writer, quietSince: now)
            if !writer {
                state.readers += 1
                state.readersByUser[user, default: 0] += 1
            }
            return .success(evicted?.channel)
        }
        switch outcome {
        case .failure(let error):
            return .refused(error)
        case .success(let evicted):
            return .admitted(ConnectionSeat(roster: self, id: ObjectIdentifier(channel)), evicting: evicted)
        }
    }

    /// Frees the slot of a connection that closed.
    func release(_ id: ObjectIdentifier) {
        _ = state.withLock { $0.remove(id) }
    }

    fileprivate func setQuiet(_ id: ObjectIdentifier, _ quiet: Bool, now: ContinuousClock.Instant) {
        state.withLock { state in
            guard let holder = state.holders[id], holder.quiet != quiet else { return }
            state.holders[id]?.quiet = quiet
            if quiet { state.holders[id]?.quietSince = now }
        }
    }
}

/// A connection's place in the roster, through which its handler says when it is quiet.
final class ConnectionSeat: Sendable {
    private let roster: ConnectionRoster
    private let id: ObjectIdentifier

    fileprivate init(roster: ConnectionRoster, id: ObjectIdentifier) {
        self.roster = roster
        self.id = id
    }

    /// The connection answers nothing and holds no request (true), or has work (false).
    func quiet(_ quiet: Bool) {
        roster.setQuiet(id, quiet, now: .now)
    }

    /// The connection closed.
    func release() {
        roster.release(id)
    }
}
