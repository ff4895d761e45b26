import Foundation
import LMDB

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

/// Tampering could not be done as asked.
public struct TamperingFailure: Error {
    public let message: String
    public init(_ message: String) { self.message = message }
}
