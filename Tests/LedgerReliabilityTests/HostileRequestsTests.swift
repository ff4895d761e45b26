import Foundation
import LedgerClient
import LedgerCore
import LedgerProtocol
import LedgerTestSupport
import Testing

/// One request of the hostile corpus (`Resources/hostile-requests.json`) and the answer it must get.
struct HostileRequest: CustomTestStringConvertible, Sendable {
    /// What makes the request hostile.
    let name: String
    /// The line as sent, without its newline.
    let bytes: [UInt8]
    /// The error code it must get; nil when it must succeed (an idempotent re-send).
    let code: String?
    /// The field the error must name, when the corpus gives one.
    let field: String?
    /// The position in the batch the error must name, when the corpus gives one.
    let index: Int?
    /// The counts a successful answer must carry.
    let counts: [String: Int]

    var testDescription: String { name }
}

/// The corpus: events appended before it runs (so the ledger's rules have something to refuse
/// against), and the requests.
struct HostileCorpus: Sendable {
    /// The events the ledger holds beside the bundled example before the requests are sent.
    let setup: [String]
    /// The hostile requests, in file order.
    let requests: [HostileRequest]

    /// The corpus kept beside these tests.
    static let shared: HostileCorpus = {
        do {
            return try load(Paths.packageRoot + "/Tests/LedgerReliabilityTests/Resources/hostile-requests.json")
        } catch {
            Issue.record("cannot read the hostile corpus: \(error)")
            return HostileCorpus(setup: [], requests: [])
        }
    }()

    /// Reads the corpus with Foundation's parser, so the ledger's own parser is not trusted to read its tests.
    static func load(_ path: String) throws -> HostileCorpus {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let setup = document["setup"] as? [Any], let entries = document["requests"] as? [[String: Any]]
        else { throw DaemonFailure(message: "the corpus is not {\"setup\":[...],\"requests\":[...]}") }
        let setupLines = try setup.map { event in
            String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        }
        return HostileCorpus(setup: setupLines, requests: try entries.map(request))
    }

    private static func request(_ entry: [String: Any]) throws -> HostileRequest {
        let name = entry["name"] as? String ?? "?"
        var bytes: [UInt8]
        if let text = entry["request"] as? String {
            bytes = Array(text.utf8)
        } else if let hex = entry["hex"] as? String, let decoded = decodeHex(hex) {
            bytes = decoded
        } else {
            throw DaemonFailure(message: "corpus entry \"\(name)\" has neither request nor hex")
        }
        // Long and deep lines are kept short in the file: a marker stands for a text repeated n times.
        for (marker, repeated) in entry["expand"] as? [String: [Any]] ?? [:] {
            guard let text = repeated.first as? String, let count = repeated.last as? Int else {
                throw DaemonFailure(message: "corpus entry \"\(name)\" has a bad expand")
            }
            var expanded: [UInt8] = []
            expanded.reserveCapacity(text.utf8.count * count)
            for _ in 0..<count { expanded.append(contentsOf: text.utf8) }
            bytes = replace(Array(marker.utf8), in: bytes, with: expanded)
        }
        return HostileRequest(
            name: name, bytes: bytes, code: entry["code"] as? String, field: entry["field"] as? String,
            index: entry["index"] as? Int, counts: entry["ok"] as? [String: Int] ?? [:]
        )
    }

    private static func decodeHex(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }

    private static func replace(_ marker: [UInt8], in bytes: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard let range = bytes.firstRange(of: marker) else { return bytes }
        var result = bytes
        result.replaceSubrange(range, with: replacement)
        return result
    }
}

/// Every hostile request gets the right error on a real daemon, the connection goes on, and the
/// ledger stays byte for byte what it was.
@Suite(.serialized) struct HostileRequestsTests {
    @Test func theCorpusIsLargeAndReachesEveryRule() {
        let corpus = HostileCorpus.shared
        #expect(corpus.requests.count >= 150)
        #expect(Set(corpus.requests.map(\.name)).count == corpus.requests.count)
        let expected = Set(ValidationError.Code.allCases.map(\.rawValue) + ["invalid_request"])
        let reached = Set(corpus.requests.compactMap(\.code))
        #expect(expected.subtracting(reached) == [], "rules no request breaks")
        #expect(reached.subtracting(expected) == [], "codes the ledger does not have")
    }

    @Test func everyHostileRequestIsRefusedByNameAndChangesNothing() throws {
        let corpus = HostileCorpus.shared
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        let example = try String(contentsOfFile: Paths.exampleLedger, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(try client.append(example + corpus.setup).appended == example.count + corpus.setup.count)
        let before = try export(client)

        for request in corpus.requests {
            try client.send(raw: request.bytes + [UInt8(ascii: "\n")])
            guard let line = try client.receiveLine() else {
                Issue.record("\(request.name): the daemon closed the connection")
                return
            }
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], "\(request.name)")
            check(answer, against: request, line: String(decoding: line.prefix(400), as: UTF8.self))
            // The same connection goes on serving.
            #expect((try? client.ping()) != nil, "\(request.name): no ping after it")
        }

        #expect(daemon.isRunning)
        let after = try export(client)
        #expect(after.count == before.count && after == before, "the ledger changed: \(after.count) lines, was \(before.count): \(String(decoding: before.first ?? [], as: UTF8.self).prefix(300))")
        #expect(try client.verify() == .intact(count: example.count + corpus.setup.count, head: client.stats().headHash))
        let fresh = try daemon.connect()
        #expect(try export(fresh) == before)
    }

    private func check(_ answer: [String: Any], against request: HostileRequest, line: String) {
        guard let code = request.code else {
            #expect(answer["ok"] as? Bool == true, "\(request.name): \(line)")
            for (key, count) in request.counts {
                #expect(answer[key] as? Int == count, "\(request.name): \(key) in \(line)")
            }
            return
        }
        let error = answer["error"] as? [String: Any] ?? [:]
        #expect(answer["ok"] as? Bool == false && error["code"] as? String == code, "\(request.name): wanted \(code), got \(line)")
        #expect((error["message"] as? String)?.isEmpty == false, "\(request.name): no message")
        if let field = request.field {
            #expect(error["field"] as? String == field, "\(request.name): wanted field \(field), got \(line)")
        }
        if let index = request.index {
            #expect(error["index"] as? Int == index, "\(request.name): wanted index \(index), got \(line)")
        }
    }

    /// The whole ledger as `export` sends it, line by line.
    private func export(_ client: LedgerConnection) throws -> [[UInt8]] {
        try client.send(.export(fromSeq: 1))
        var lines: [[UInt8]] = []
        while let line = try client.receiveLine() {
            lines.append(line)
            if line.starts(with: Array(#"{"ok""#.utf8)) { break }
        }
        return lines
    }
}
