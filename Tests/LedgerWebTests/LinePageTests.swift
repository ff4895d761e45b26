import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerTestSupport
@testable import LedgerWeb
import Testing

/// The page of one line: every event with its source, and the chart.
@Suite struct LinePageTests {
    @Test func everyEventWithItsSourceAndAChart() async throws {
        let fixture = try WebFixture()
        try fixture.append([
            Events.announced("web-line-page", amount: 2_000_000),
            Events.event("funded", "web-line-page", on: "2025-03-01", #""amount_pence":500000"#),
        ])
        let history = try fixture.log.history(of: "web-line-page")
        try await fixture.test { client in
            try await client.execute(uri: "/lines/web-line-page", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let page = response.text
                for entry in history {
                    #expect(page.contains("<code>\(entry.stored.event.id)</code>"))
                }
                #expect(page.contains("Home Secretary statement"))
                #expect(page.contains("Funded £5k"))
                #expect(page.contains("<svg class=\"chart\""))
                #expect(page.components(separatedBy: "<polyline").count == 3)
                #expect(!page.contains("<script"))
            }
            try await client.execute(uri: "/lines/no-such-line", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains(#""code":"unknown_line""#))
            }
        }
    }

    @Test func onlyAWebAddressBecomesALink() async throws {
        let fixture = try WebFixture()
        let web = Events.announced("web-https-source", amount: 1_000)
            .replacingOccurrences(of: #""published":"2025-01-16"}"#, with: #""published":"2025-01-16","url":"https://www.gov.uk/example"}"#)
        try fixture.append([web])
        try await fixture.test { client in
            try await client.execute(uri: "/lines/web-https-source", method: .get) { response in
                #expect(response.text.contains(#"<a href="https://www.gov.uk/example" rel="noreferrer">Home Secretary statement</a>"#))
            }
        }
        // The ledger refuses other addresses on append; one from elsewhere (an old store, a
        // restored backup) is still shown as text and never made a link.
        var entry = try #require(try fixture.log.history(of: "web-https-source").first)
        entry.stored.event.source.url = "javascript:alert(document.cookie)"
        let page = try #require(LinePage([entry], today: try CivilDate.iso("2025-04-15")))
        let html = try WebPages(interface: fixture.interface).library.render(page, withTemplate: "line") ?? ""
        #expect(!html.contains("href=\"javascript:"))
        #expect(html.contains("<code>javascript:alert(document.cookie)</code>"))
        #expect(!LinePage.isWebAddress("JavaScript:alert(1)"))
        #expect(!LinePage.isWebAddress("https://example.org/a b"))
        #expect(LinePage.isWebAddress("HTTPS://example.org/"))
    }
}
