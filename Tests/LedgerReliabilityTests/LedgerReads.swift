import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport

/// What the reliability tests read back from a daemon to prove nothing was lost or added.
extension LedgerConnection {
    /// Every stored event as the daemon exports it, byte for byte, one line per event.
    func exportLines() throws -> [String] {
        try send(raw: Array(#"{"op":"export","from_seq":1}"#.utf8) + [UInt8(ascii: "\n")])
        var lines: [String] = []
        while let line = try receiveLine() {
            let text = String(decoding: line, as: UTF8.self)
            guard text.hasPrefix(#"{"event":"#) else {
                guard text.hasPrefix(#"{"ok":true,"done":true"#) else { throw DaemonFailure(message: "export ended with \(text)") }
                return lines
            }
            lines.append(text)
        }
        throw DaemonFailure(message: "the daemon closed the connection during an export")
    }

    /// The daemon's `stats` answer.
    func stats() throws -> JSONObject {
        try call(#"{"op":"stats"}"#)
    }
}

/// Waiting for the daemon to reach a state it reaches on its own (a closed connection counted,
/// a request from a client that has gone processed): the test then asserts that state exactly.
enum Eventually {
    /// Polls `condition` every 20 ms for at most `seconds`; returns whether it came true.
    @discardableResult
    static func within(seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}

/// Batches of events for filling a store.
enum Filler {
    /// A long source quote, so a few thousand events fill a MiB-sized store.
    static let quote = String(repeating: "The Home Secretary confirmed the funding. ", count: 5)

    /// `count` funded events of 1p on `line`, with ids `tag-0`, `tag-1`, ….
    static func funding(_ line: String, tag: String, count: Int) -> [String] {
        (0..<count).map { number in
            #"{"type":"funded","line":"\#(line)","effective":"2025-02-01","amount_pence":1,"id":"\#(tag)-\#(number)","source":{"title":"Written statement","quote":"\#(quote)"}}"#
        }
    }

    /// How many events went in before the first refusal, and the refusal.
    struct Outcome {
        var stored = 0
        var refusal: JSONObject?
    }

    /// Appends batches of `size` funded events until one is refused (at most `limit` batches);
    /// every acknowledged batch must report all its events appended.
    static func fill(_ client: LedgerConnection, line: String, tag: String, size: Int, limit: Int) throws -> Outcome {
        var outcome = Outcome()
        for batch in 0..<limit {
            let response = try client.append(funding(line, tag: "\(tag)-\(batch)", count: size))
            guard response["ok"] == .bool(true) else {
                outcome.refusal = response
                return outcome
            }
            guard response.int("appended") == Int64(size) else {
                throw DaemonFailure(message: "a batch of \(size) was acknowledged as \(response)")
            }
            outcome.stored += size
        }
        return outcome
    }
}
