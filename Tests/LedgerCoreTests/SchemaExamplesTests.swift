import Foundation
import LedgerCore
import LedgerProtocol
import LedgerTestSupport
import Testing

/// Every file in Schemas/examples goes through the Swift validator and through an independent
/// JSON Schema validator (python3's jsonschema, draft 2020-12); both must agree with the folder.
@Suite struct SchemaExamplesTests {
    static let schemas = Paths.packageRoot + "/Schemas"

    static func examples() -> [String] {
        var files: [String] = []
        for folder in ["valid", "invalid"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(schemas)/examples/\(folder)")) ?? []
            files += names.filter { $0.hasSuffix(".json") }.map { "examples/\(folder)/\($0)" }
        }
        return files.sorted()
    }

    /// The verdicts of the independent validator, by relative path: run once, for every example.
    static let pythonVerdicts = Task { () throws -> [String: Bool] in
        let script = Paths.packageRoot + "/Tests/LedgerCoreTests/Resources/validate_examples.py"
        let run = try await CommandRunner.run("/usr/bin/env", ["python3", script, schemas], absolute: true)
        guard run.status == 0, let verdicts = try? JSONDecoder().decode([String: Bool].self, from: Data(run.output.utf8)) else {
            throw CommandFailure(message: "validate_examples.py failed with status \(run.status): \(run.errors)")
        }
        return verdicts
    }

    /// Whether the Swift side accepts the example, by the schema its name starts with.
    static func swiftAccepts(_ path: String) throws -> Bool {
        let name = (path as NSString).lastPathComponent
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(schemas)/\(path)")))
        guard let value = try? JSONParser.parse(bytes) else { return false }
        let today = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)).londonDate
        if name.hasPrefix("stored-event--") {
            return (try? StoredEventDecoder.decode(value)) != nil
        } else if name.hasPrefix("at-result--") {
            return (try? AtResultDecoder.decode(value)) != nil
        } else if name.hasPrefix("event--") {
            return (try? EventDecoder(today: today).decode(value)) != nil
        } else if name.hasPrefix("request--") {
            guard let request = try? RequestDecoder.decode(value) else { return false }
            if case .append(let events) = request {
                return events.allSatisfy { (try? EventDecoder(today: today).decode($0)) != nil }
            }
            return true
        } else if name.hasPrefix("response--") {
            return (try? ResponseDecoder.decode(value)) != nil
        }
        throw CommandFailure(message: "\(name) does not name its schema")
    }

    @Test func thereAreExamplesOfEveryKind() {
        let all = Self.examples()
        for prefix in ["event--", "stored-event--", "at-result--", "request--", "response--"] {
            #expect(all.contains { $0.hasPrefix("examples/valid/\(prefix)") })
            #expect(all.contains { $0.hasPrefix("examples/invalid/\(prefix)") })
        }
        #expect(all.filter { $0.contains("/invalid/event--") }.count >= 30)
    }

    @Test(arguments: examples())
    func bothValidatorsAgreeWithTheFolder(_ path: String) async throws {
        let expected = path.hasPrefix("examples/valid/")
        let python = try await Self.pythonVerdicts.value
        #expect(python[path] == expected, "jsonschema says \(String(describing: python[path])) for \(path)")
        #expect(try Self.swiftAccepts(path) == expected, "the Swift validator disagrees on \(path)")
    }
}

/// A failure of the test's own machinery, with a message.
struct CommandFailure: Error {
    let message: String
}
