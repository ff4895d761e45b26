import Foundation
import LedgerFuzzing
import LedgerTestSupport
import Testing

/// The fuzz targets' invariants, checked without libFuzzer on every schema example and seed, so
/// that the inputs the fuzzers start from are known to pass and any regression shows here first.
@Suite struct FuzzInvariantTests {
    /// Every example and seed document, by path relative to the package root.
    static func documents() -> [String] {
        var paths: [String] = []
        for folder in ["Schemas/examples/valid", "Schemas/examples/invalid", "Tests/Reliability/fuzz-seeds"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Paths.packageRoot + "/" + folder)) ?? []
            paths += names.filter { $0.hasSuffix(".json") }.map { folder + "/" + $0 }
        }
        return paths.sorted()
    }

    /// The bytes of a file in the package.
    static func bytes(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/" + path)))
    }

    /// What the request target is given for a document: a request as it is, an event wrapped in an append.
    static func requestLine(_ path: String) throws -> [UInt8]? {
        let name = (path as NSString).lastPathComponent
        if name.hasPrefix("request") { return try bytes(path) }
        if name.hasPrefix("event--") { return Array(#"{"op":"append","events":["#.utf8) + (try bytes(path)) + Array("]}".utf8) }
        return nil
    }

    /// Every document parses, and its canonical bytes round-trip.
    @Test(arguments: documents())
    func everyDocumentRoundTripsCanonically(_ path: String) throws {
        let outcome = try CanonicalRoundTrip.check(Self.bytes(path))
        // Every example is well-formed JSON; only the rules of the ledger make some invalid.
        guard case .canonical(let canonical) = outcome else {
            Issue.record("\(path) did not parse: \(outcome)")
            return
        }
        #expect(canonical.first == UInt8(ascii: "{") || canonical.first == UInt8(ascii: "["))
    }

    /// Every request and event keeps the request invariants, and the folder it is in is its verdict.
    @Test(arguments: documents())
    func everyRequestAndEventKeepsTheRequestInvariants(_ path: String) throws {
        guard let line = try Self.requestLine(path) else { return }
        let outcome = try RequestLineCheck.check(line)
        if path.contains("/valid/") {
            if case .refused(let code) = outcome { Issue.record("\(path) was refused with \(code)") }
        } else if path.contains("/invalid/") {
            guard case .refused = outcome else {
                Issue.record("\(path) was not refused: \(outcome)")
                return
            }
        }
    }

    /// The seeds start the request target at every stage: refusals, each op, and appends.
    @Test func theSeedsReachEveryStage() throws {
        let outcomes = try Self.documents().compactMap { path in try Self.requestLine(path).map { try RequestLineCheck.check($0) } }
        let appendable = outcomes.filter { if case .appendable = $0 { true } else { false } }
        let decoded = Set(outcomes.compactMap { if case .decoded(let op) = $0 { op } else { nil } })
        // Every valid event (wrapped) and valid append passes the rules that need no store, as do
        // the two append seeds; no invalid one does.
        let validAppends = Self.documents().filter { $0.contains("/valid/event--") || $0.contains("/valid/request--append") }
        #expect(outcomes.count == Self.documents().filter { $0.contains("/request") || $0.contains("/event--") }.count)
        #expect(validAppends.count >= 26)
        #expect(appendable.count == validAppends.count + 2)
        #expect(decoded == ["at", "history", "export", "subscribe", "verify", "stats", "ping"])
        #expect(try RequestLineCheck.check(Self.requestLine("Tests/Reliability/fuzz-seeds/request-append-every-type.json") ?? [])
            == .appendable(events: 5))
        #expect(try RequestLineCheck.check(Array("{\"op\":\"ping\"".utf8)) == .refused(code: "invalid_json"))
        #expect(try RequestLineCheck.check([0x22, 0xC0, 0x80, 0x22]) == .refused(code: "invalid_utf8"))
    }
}
