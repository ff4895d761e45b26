import LMDB
import LedgerCore

/// The outcome of walking the hash chain.
public enum ChainVerification: Sendable, Hashable {
    /// Every event is intact: how many, and the head hash.
    case intact(count: Int, head: [UInt8])
    /// The first event that does not match the chain, and why.
    case broken(seq: UInt64, reason: String)
}

/// A walk of the hash chain that can be taken in slices, each in a read transaction of its own:
/// events are never rewritten, so what one slice checked stays checked while the log grows, and
/// no slice holds a snapshot (or a thread) for long.
public struct ChainWalk: Sendable {
    /// The next seq to check.
    public fileprivate(set) var expected: UInt64 = 1
    /// The chain hash of the last event checked (32 zero bytes before the first).
    fileprivate var previous = EventRecord.genesisHash

    /// A walk from seq 1.
    public init() {}
}

extension EventLog {
    /// Walks the log from seq 1, recomputing each chain hash from the stored bytes, checking the seqs
    /// are dense and each event decodes and is canonical, and that the head record agrees.
    public func verify() throws -> ChainVerification {
        var walk = ChainWalk()
        while true {
            if let outcome = try verify(&walk, atMost: .max) { return outcome }
        }
    }

    /// Checks up to `limit` more events of `walk`, in one read transaction; the outcome once the walk
    /// reaches the end of the log (the head record then checked in the same snapshot), nil while it
    /// has further to go.
    public func verify(_ walk: inout ChainWalk, atMost limit: Int) throws -> ChainVerification? {
        try read { txn in
            var checked = 0
            var broken: ChainVerification?
            var reachedEnd = false
            try txn.withCursor(layout.events) { cursor in
                var entry = try walk.expected == 1 ? cursor.first() : cursor.seek(atOrAfter: StoreKeys.seq(walk.expected))
                while let current = entry {
                    if checked >= limit { return }
                    let seq = BigEndian.uint64(current.key) ?? 0
                    if let reason = Self.check(current, seq: seq, expected: walk.expected, previous: walk.previous) {
                        broken = .broken(seq: seq == 0 ? walk.expected : min(seq, walk.expected), reason: reason)
                        return
                    }
                    walk.previous = Array(current.value[0..<32])
                    walk.expected += 1
                    checked += 1
                    entry = try cursor.next()
                }
                reachedEnd = true
            }
            if let broken { return broken }
            guard reachedEnd else { return nil }
            let head = try Self.head(txn, layout)
            guard head.seq == walk.expected - 1, head.hash == walk.previous else {
                return .broken(
                    seq: walk.expected, reason: "the head record (seq \(head.seq)) does not match the last event (seq \(walk.expected - 1))"
                )
            }
            return .intact(count: Int(walk.expected - 1), head: walk.previous)
        }
    }

    private static func check(_ entry: Cursor.Entry, seq: UInt64, expected: UInt64, previous: [UInt8]) -> String? {
        guard entry.key.count == 8, seq == expected else {
            return "expected seq \(expected), found \(seq)"
        }
        guard entry.value.count > 32 else { return "the record is truncated" }
        let canonical = Array(entry.value[32...])
        let hash = EventRecord.chainHash(previous: previous, canonical: canonical)
        guard hash == Array(entry.value[0..<32]) else {
            return "its bytes do not match its chain hash"
        }
        guard let stored = try? EventRecord.decode(canonical) else { return "it does not decode as an event" }
        guard stored.seq == seq else { return "it says seq \(stored.seq)" }
        return nil
    }
}

extension EventLog {
    /// Checks the chain where a write would extend it, in constant time: the newest event's bytes
    /// match its chain hash over the one before it, it decodes as the seq it is stored under, and
    /// the head record names it. What `verify` would find elsewhere in the log it does not look at.
    public func verifyHead() throws -> ChainVerification {
        try read { txn in
            let head = try Self.head(txn, layout)
            guard head.seq > 0 else { return .intact(count: 0, head: head.hash) }
            let last = try txn.withCursor(layout.events) { cursor in try cursor.last() }
            guard let last, let lastSeq = BigEndian.uint64(last.key) else {
                return .broken(seq: 1, reason: "the head record names seq \(head.seq) but the log holds no event")
            }
            guard lastSeq == head.seq else {
                return .broken(seq: min(lastSeq, head.seq), reason: "the head record (seq \(head.seq)) does not match the last event (seq \(lastSeq))")
            }
            var previous = EventRecord.genesisHash
            if lastSeq > 1 {
                guard let before = try txn.get(layout.events, StoreKeys.seq(lastSeq - 1)), before.count > 32 else {
                    return .broken(seq: lastSeq - 1, reason: "the event before the head is missing or truncated")
                }
                previous = Array(before[0..<32])
            }
            if let reason = Self.check(last, seq: lastSeq, expected: lastSeq, previous: previous) {
                return .broken(seq: lastSeq, reason: reason)
            }
            guard Array(last.value[0..<32]) == head.hash else {
                return .broken(seq: lastSeq, reason: "the head record's hash is not the last event's")
            }
            return .intact(count: Int(lastSeq), head: head.hash)
        }
    }
}
