import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerTestSupport
import Synchronization
import Testing

/// Every JSON answer the web tests receive is checked against `Schemas/openapi.json` by an
/// independent validator: python3's jsonschema, over the schemas the document gives for the
/// path, method, status and media type (`Resources/check_openapi.py --responses`), one
/// long-running process for the whole run.
final class OpenAPIConformance: Sendable {
    static let shared = OpenAPIConformance()
    static let document = Paths.packageRoot + "/Schemas/openapi.json"
    static let script = Paths.packageRoot + "/Tests/LedgerWebTests/Resources/check_openapi.py"
    /// `env` arguments that run the checker: python3 with the packages `deploy/packages.sh`
    /// installed into `.build/python` (openapi-spec-validator) ahead of its own.
    static func command(_ mode: String) -> [String] {
        ["PYTHONPATH=\(Paths.packageRoot)/.build/python", "python3", script, document, Paths.packageRoot + "/Schemas", mode]
    }

    private struct Checker {
        let process: Process
        let input: FileHandle
        let output: FileHandle
        var pending: [UInt8] = []
    }

    private let checker = Mutex<Checker?>(nil)

    /// What is wrong with the answer by the document, or nil when it conforms. Answers that are not
    /// JSON (pages, CSV, streams) and answers to HEAD (no body) are not checked here and give nil.
    func problem(method: String, path: String, status: Int, contentType: String?, body: [UInt8]) -> String? {
        guard method != "HEAD", let contentType,
            contentType.hasPrefix("application/json") || contentType.hasPrefix("application/problem+json")
        else { return nil }
        let request: [String: Any] = [
            "method": method, "path": path, "status": status, "type": contentType, "body": String(decoding: body, as: UTF8.self),
        ]
        guard let line = try? JSONSerialization.data(withJSONObject: request) else { return "the answer cannot be sent to the checker" }
        return checker.withLock { state -> String? in
            do {
                if state == nil { state = try Self.start() }
                try state!.input.write(contentsOf: line + Data("\n".utf8))
                let reply = try Self.readLine(&state!)
                guard let object = try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] else {
                    return "the checker said: \(String(decoding: reply, as: UTF8.self))"
                }
                return (object["ok"] as? Bool) == true ? nil : (object["error"] as? String ?? "not conforming")
            } catch {
                state = nil
                return "the OpenAPI checker failed: \(error)"
            }
        }
    }

    /// Records an issue when the answer does not conform.
    func expectConforms(method: String, path: String, status: Int, contentType: String?, body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        if let problem = problem(method: method, path: path, status: status, contentType: contentType, body: body) {
            Issue.record("the answer does not conform to Schemas/openapi.json: \(problem)", sourceLocation: sourceLocation)
        }
    }

    private static func start() throws -> Checker {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command("--responses")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        return Checker(process: process, input: input.fileHandleForWriting, output: output.fileHandleForReading)
    }

    private struct CheckerEnded: Error {}

    private static func readLine(_ checker: inout Checker) throws -> [UInt8] {
        while true {
            if let end = checker.pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(checker.pending[..<end])
                checker.pending.removeSubrange(...end)
                return line
            }
            let data = checker.output.availableData
            guard !data.isEmpty else { throw CheckerEnded() }
            checker.pending += data
        }
    }
}

/// A test client that checks every answer against the OpenAPI document as it passes.
struct ConformingClient: TestClientProtocol {
    let client: any TestClientProtocol

    var port: Int? { client.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        OpenAPIConformance.shared.expectConforms(
            method: method.rawValue, path: uri, status: Int(response.status.code), contentType: response.headers[.contentType],
            body: Array(response.body.readableBytesView)
        )
        return response
    }
}

/// The OpenAPI document itself.
@Suite struct OpenAPIDocumentTests {
    @Test func isValidOpenAPI31AndEmbedsTheSchemasFiles() async throws {
        let result = try await CommandRunner.run("/usr/bin/env", OpenAPIConformance.command("--document"), absolute: true)
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output == "ok\n")
    }

    @Test func theCheckerRefusesAnAnswerTheDocumentDoesNotAllow() {
        let conformance = OpenAPIConformance.shared
        let negative = #"{"at":"2025-04-15","known_at":null,"totals":{"pledged_pence":-1,"funded_pence":0,"reannounced_pence":0},"departments":[]}"#
        #expect(conformance.problem(method: "GET", path: "/api/at/2025-04-15", status: 200, contentType: "application/json", body: Array(negative.utf8))?
            .contains("pledged_pence") == true)
        #expect(conformance.problem(method: "GET", path: "/api/export", status: 404, contentType: "application/problem+json", body: Array("{}".utf8)) != nil)
        let fine = #"{"at":"2025-04-15","known_at":null,"totals":{"pledged_pence":0,"funded_pence":0,"reannounced_pence":0},"departments":[]}"#
        #expect(conformance.problem(method: "GET", path: "/api/at/2025-04-15", status: 200, contentType: "application/json", body: Array(fine.utf8)) == nil)
    }

    @Test func isServedAtAPIOpenAPIJSONAsInSchemas() async throws {
        let fixture = try WebFixture()
        let expected = Array(try Data(contentsOf: URL(fileURLWithPath: OpenAPIConformance.document)))
        try await fixture.test { client in
            try await client.execute(uri: "/api/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.bytes == expected)
            }
        }
    }
}
