import LMDB
import LedgerCore

/// The outcome of walking the hash chain.
public enum ChainVerification: Sendable, Hashable {
    /// Every event is intact: how many, and the head hash.
    case intact(count: Int, head: [UInt8])
    /// The first event that does not match the chain, and why.
    case broken(seq: UInt64, reason: String)
}

extension EventLog {
    /// Walks the log from seq 1, recomputing each chain hash from the stored bytes, checking the seqs
    /// are dense and each event decodes and is canonical, and that the head record agrees.
    public func verify() throws -> ChainVerification {
        try read { txn in
            var previous = EventRecord.genesisHash
            var expected: UInt64 = 1
            var broken: ChainVerification?
            try txn.withCursor(layout.events) { cursor in
                var entry = try cursor.first()
                while let current = entry {
                    let seq = BigEndian.uint64(current.key) ?? 0
                    if let reason = Self.check(current, seq: seq, expected: expected, previous: previous) {
                        broken = .broken(seq: seq == 0 ? expected : min(seq, expected), reason: reason)
                        return
                    }
                    previous = Array(current.value[0..<32])
                    expected += 1
                    entry = try cursor.next()
                }
            }
            if let broken { return broken }
            let head = try Self.head(txn, layout)
            guard head.seq == expected - 1, head.hash == previous else {
                return .broken(seq: expected, reason: "the head record (seq \(head.seq)) does not match the last event (seq \(expected - 1))")
            }
            return .intact(count: Int(expected - 1), head: previous)
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
