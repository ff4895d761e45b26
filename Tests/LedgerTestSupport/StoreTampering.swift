import Foundation
import LMDB
import LedgerCore

/// Edits a stored event's bytes in place, as someone with write access to the file could: for
/// tests that the ledger notices.
public enum StoreTampering {
    /// Replaces `original` with `replacement` (same length or not) in the stored bytes of event
    /// `seq`, leaving its chain hash as it was. The store must not be open elsewhere in this process.
    public static func edit(store path: String, seq: UInt64, replacing original: String, with replacement: String) throws {
        let environment = try Environment(path: path)
        let events = try environment.openDatabases(["events"])[0]
        try environment.write { txn in
            let key = BigEndian.bytes(seq)
            guard let value = try txn.get(events, key) else { throw TamperingFailure("no event \(seq)") }
            let text = String(decoding: value[32...], as: UTF8.self)
            guard text.contains(original) else { throw TamperingFailure("event \(seq) does not contain \(original)") }
            try txn.put(events, key, Array(value[0..<32]) + Array(text.replacingOccurrences(of: original, with: replacement).utf8))
        }
    }
}

extension StoreTampering {
    /// Replaces `original` with `replacement` in the stored bytes of event `seq` and hashes the
    /// chain again from there to the head, as a ledger that did not check what it was given
    /// could have written it: `verify` finds the chain intact. The projections still hold the
    /// old text until they are rebuilt (`ledger rebuild`). The store must not be open elsewhere
    /// in this process.
    public static func rewrite(store path: String, seq: UInt64, replacing original: String, with replacement: String) throws {
        let environment = try Environment(path: path)
        let databases = try environment.openDatabases(["events", "meta"])
        let (events, meta) = (databases[0], databases[1])
        try environment.write { txn in
            let headKey = Array("head".utf8)
            guard let head = try txn.get(meta, headKey), head.count == 48, let last = BigEndian.uint64(head) else {
                throw TamperingFailure("no chain head")
            }
            var previous = EventRecord.genesisHash
            if seq > 1 {
                guard let before = try txn.get(events, BigEndian.bytes(seq - 1)) else { throw TamperingFailure("no event \(seq - 1)") }
                previous = Array(before[0..<32])
            }
            for current in seq...last {
                let key = BigEndian.bytes(current)
                guard let value = try txn.get(events, key) else { throw TamperingFailure("no event \(current)") }
                var canonical = Array(value[32...])
                if current == seq {
                    let text = String(decoding: canonical, as: UTF8.self)
                    guard text.contains(original) else { throw TamperingFailure("event \(seq) does not contain \(original)") }
                    canonical = Array(text.replacingOccurrences(of: original, with: replacement).utf8)
                }
                previous = EventRecord.chainHash(previous: previous, canonical: canonical)
                try txn.put(events, key, previous + canonical)
            }
            try txn.put(meta, headKey, Array(head[0..<8]) + previous + Array(head[40...]))
        }
    }
}

/// Tampering could not be done as asked.
public struct TamperingFailure: Error {
    public let message: String
    public init(_ message: String) { self.message = message }
}
