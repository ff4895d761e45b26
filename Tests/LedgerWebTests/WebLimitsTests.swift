import Hummingbird
import HummingbirdTesting
import LedgerServer
import LedgerWeb
import Testing

/// The bounds around every request: the read pool, bodies, the address option.
@Suite struct WebLimitsTests {
    @Test func everyReadGoesThroughTheReadPool() async throws {
        let fixture = try WebFixture()
        let before = fixture.reads.completedReads
        try await fixture.test { client in
            for uri in ["/api/at/2025-04-15", "/api/lines/cse-taskforce-funding", "/at/2025-04-15", "/lines/cse-taskforce-funding", "/feed.atom"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok) }
            }
            #expect(fixture.reads.completedReads >= before + 5)
        }
    }

    @Test func aRequestWithABodyIsRefused() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            try await client.execute(uri: "/api/at/2025-04-15", method: .get, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/api/at/2025-04-15?" + String(repeating: "x", count: 9000), method: .get) { response in
                #expect(response.status == .uriTooLong)
            }
            try await client.execute(uri: "/api/export", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func theAddressesHttpTakes() {
        #expect(WebInterface.bindAddress("127.0.0.1:8080") != nil)
        #expect(WebInterface.bindAddress("[::1]:8080") != nil)
        #expect(WebInterface.bindAddress("/run/ledger/http.sock") != nil)
        #expect(WebInterface.bindAddress("localhost") == nil)
        #expect(WebInterface.bindAddress("::1:8080") == nil)
        #expect(WebInterface.bindAddress("127.0.0.1:70000") == nil)
        #expect(WebInterface.bindAddress(":8080") == nil)
    }
}
