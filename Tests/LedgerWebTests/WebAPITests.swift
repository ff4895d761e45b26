import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerStore
import LedgerTestSupport
import LedgerWeb
import Testing

/// The JSON API over a real store: the socket's answers, byte for byte, and the HTTP around them.
@Suite struct WebAPITests {
    @Test func atAnswersTheBytesTheSocketGives() async throws {
        let fixture = try WebFixture()
        let expected = atBytes(try fixture.log.at(try CivilDate.iso("2025-04-15")))
        try await fixture.test { client in
            try await client.execute(uri: "/api/at/2025-04-15", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.bytes == expected)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'self'")
            }
        }
    }

    @Test func atForOneDepartmentAndAsKnownAt() async throws {
        let fixture = try WebFixture()
        let date = try CivilDate.iso("2025-04-15")
        let expected = atBytes(try fixture.log.at(date, department: "home-office", knownAt: Timestamp(cutoff: "2025-01-01"), knownAtText: "2025-01-01"))
        try await fixture.test { client in
            try await client.execute(uri: "/api/at/2025-04-15?department=home-office&known_at=2025-01-01", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.bytes == expected)
            }
            try await client.execute(uri: "/api/at/2025-04-15?department=no-such-department", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.text.contains(#""code":"unknown_department""#))
            }
            try await client.execute(uri: "/api/at/2025-04-15?known_at=yesterday", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains(#""code":"invalid_request""#))
            }
        }
    }

    @Test func csvByAcceptAndByFormat() async throws {
        let fixture = try WebFixture()
        let expected = AtCSV.render(try fixture.log.at(try CivilDate.iso("2025-04-15")))
        try await fixture.test { client in
            try await client.execute(uri: "/api/at/2025-04-15", method: .get, headers: [.accept: "text/csv"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.text == expected)
            }
            try await client.execute(uri: "/api/at/2025-04-15?format=csv", method: .get) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.text == expected)
            }
            try await client.execute(uri: "/api/at/2025-04-15?format=xml", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func aBadDateIsAProblem() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            try await client.execute(uri: "/api/at/2025-13-01", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONParser.parse(response.bytes)
                #expect(problem.objectValue?["status"] == .integer(400))
                #expect(problem.objectValue?["code"] == .string("invalid_date"))
                #expect(problem.objectValue?["title"] == .string("Bad Request"))
                #expect(problem.objectValue?["type"] == .string("about:blank"))
            }
        }
    }

    @Test func aLineAnswersItsStoredEvents() async throws {
        let fixture = try WebFixture()
        let expected = CanonicalJSON.string(.array(try fixture.log.history(of: "cse-taskforce-funding").map(\.json)), sortKeys: false)
        try await fixture.test { client in
            try await client.execute(uri: "/api/lines/cse-taskforce-funding", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text == expected)
            }
            try await client.execute(uri: "/api/lines/no-such-line", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.text.contains(#""code":"unknown_line""#))
            }
            try await client.execute(uri: "/api/lines/Not%20A%20Slug", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func diffAnswersAsLedgerDiffPrints() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            try await client.execute(uri: "/api/diff/2024-01-01/2025-04-15", method: .get) { response in
                #expect(response.status == .ok)
                let value = try JSONParser.parse(response.bytes)
                #expect(value.objectValue != nil)
            }
            try await client.execute(uri: "/api/diff/2025-04-15/2024-01-01", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func everyMethodButGetAndHeadIs405() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            for method in [HTTPRequest.Method.post, .put, .delete, .patch] {
                try await client.execute(uri: "/api/at/2025-04-15", method: method) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET, HEAD")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(uri: "/api/at/2025-04-15", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func anUnknownPathIsAProblem() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            try await client.execute(uri: "/api/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func etagAnswers304AndChangesWithTheLedger() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let tag = try await client.execute(uri: "/api/at/2025-04-15", method: .get) { $0.headers[.eTag] }
            #expect(tag != nil)
            let csvTag = try await client.execute(uri: "/api/at/2025-04-15?format=csv", method: .get) { $0.headers[.eTag] }
            #expect(csvTag != tag)
            try await client.execute(uri: "/api/at/2025-04-15", method: .get, headers: [.ifNoneMatch: tag ?? ""]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.eTag] == tag)
            }
            try fixture.append([Events.announced("web-etag-line", amount: 1_000)])
            try await client.execute(uri: "/api/at/2025-04-15", method: .get, headers: [.ifNoneMatch: tag ?? ""]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] != tag)
            }
        }
    }
}

/// The bytes of an `at` result as the socket sends them inside its answer.
func atBytes(_ result: AtResult) -> [UInt8] {
    var bytes: [UInt8] = []
    AtJSON.encode(result, into: &bytes)
    return bytes
}
