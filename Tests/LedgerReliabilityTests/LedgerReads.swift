import Foundation
import LedgerClient
import LedgerCore
import LedgerProtocol
import LedgerTestSupport

/// What the reliability tests read back from a daemon to prove nothing was lost or added.
extension LedgerConnection {
    /// Every stored event as the daemon exports it, byte for byte, one line per event.
    func exportLines() throws -> [String] {
        try send(.export(fromSeq: 1))
        var lines: [String] = []
        while let line = try receiveLine() {
            switch try ResponseDecoder.decode(line: line) {
            case .event: lines.append(String(decoding: line, as: UTF8.self))
            case .exportDone: return lines
            default: throw DaemonFailure(message: "export ended with \(String(decoding: line, as: UTF8.self))")
            }
        }
        throw DaemonFailure(message: "the daemon closed the connection during an export")
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
        var refusal: ProtocolError?
    }

    /// Appends batches of `size` funded events until one is refused (at most `limit` batches);
    /// every acknowledged batch must report all its events appended.
    static func fill(_ client: LedgerConnection, line: String, tag: String, size: Int, limit: Int) throws -> Outcome {
        var outcome = Outcome()
        for batch in 0..<limit {
            let report: AppendReport
            do {
                report = try client.append(funding(line, tag: "\(tag)-\(batch)", count: size))
            } catch let error as ClientError {
                guard let refusal = error.refusal else { throw error }
                outcome.refusal = refusal
                return outcome
            }
            guard report.appended == size else {
                throw DaemonFailure(message: "a batch of \(size) was acknowledged as \(report)")
            }
            outcome.stored += size
        }
        return outcome
    }
}
