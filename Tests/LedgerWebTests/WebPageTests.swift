import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerHarness
import LedgerStore
import LedgerTestSupport
@testable import LedgerWeb
import Mustache
import Testing

/// The server-rendered pages.
@Suite struct WebPageTests {
    @Test func theAtPageShowsEveryDepartmentAndLine() async throws {
        let fixture = try WebFixture()
        let result = try fixture.log.at(try CivilDate.iso("2025-04-15"))
        try await fixture.test { client in
            try await client.execute(uri: "/at/2025-04-15", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'self'")
                let page = response.text
                #expect(page.contains("<title>Commitments at 2025-04-15</title>"))
                #expect(page.contains(result.pledged.formatted))
                for line in result.allLines {
                    #expect(page.contains("<code>\(line.state.line)</code>"))
                }
                // Complete without script, and nothing from another origin.
                #expect(!page.contains("<script"))
                #expect(!page.contains("http://") && !page.contains("https://"))
                #expect(page.contains(#"<link rel="stylesheet" href="/style.css">"#))
            }
            try await client.execute(uri: "/style.css", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(response.text.contains("@media print"))
            }
        }
    }

    @Test func theDateFormLeadsToTheDatesPage() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            try await client.execute(uri: "/at?date=2025-04-15", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/at/2025-04-15")
            }
            // The form's "as recorded by" is kept; an empty field is no choice.
            try await client.execute(uri: "/at?date=2025-04-15&known_at=2025-01-01&department=", method: .get) { response in
                #expect(response.headers[.location] == "/at/2025-04-15?known_at=2025-01-01")
            }
            try await client.execute(uri: "/at?date=2025-04-15&known_at=2025-01-01T12:00:00%2B01:00", method: .get) { response in
                #expect(response.headers[.location] == "/at/2025-04-15?known_at=2025-01-01T12:00:00%2B01:00")
            }
            try await client.execute(uri: "/at?date=2025-04-15&known_at=soon", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            // The home page takes the same choices, and today when no date is given.
            try await client.execute(uri: "/?date=2025-04-15&department=home-office&known_at=2025-01-01", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/at/2025-04-15?department=home-office&known_at=2025-01-01")
            }
            try await client.execute(uri: "/?department=home-office", method: .get) { response in
                #expect(response.headers[.location] == "/at/\(SystemClock.now().londonDate)?department=home-office")
            }
            try await client.execute(uri: "/at/2025-13-01", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func whatTheLedgerSaysIsEscaped() async throws {
        let fixture = try WebFixture()
        let event = Events.announced("web-escaped-title", amount: 1_000)
            .replacingOccurrences(of: "Title of web-escaped-title", with: "<script>alert(1)</script> & co")
        try fixture.append([event])
        try await fixture.test { client in
            try await client.execute(uri: "/at/2025-04-15?department=home-office", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!response.text.contains("<script>"))
                #expect(response.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"))
            }
        }
    }
}

/// The department page and the home page.
@Suite struct DepartmentPageTests {
    @Test func aDepartmentsPageShowsOnlyItsLines() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            try await client.execute(uri: "/departments/telford-and-wrekin-council", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("telford-cse-scrutiny-recommendations"))
                #expect(!response.text.contains("cse-taskforce-funding"))
            }
            try await client.execute(uri: "/departments/no-such-department", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains(#""code":"unknown_department""#))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location]?.hasPrefix("/at/") == true)
            }
        }
    }
}

/// Errors for people: a page for a browser, problem+json for everything else.
@Suite struct ErrorPageTests {
    @Test func aBrowserGetsAPageWithTheSameStatusAndCode() async throws {
        let fixture = try WebFixture()
        let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"]
        try await fixture.test { client in
            try await client.execute(uri: "/lines/no-such-line", method: .get, headers: browser) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.text.contains("<h1>Not Found</h1>"))
                #expect(response.text.contains("the ledger has no line &quot;no-such-line&quot;"))
                #expect(response.text.contains("<code>unknown_line</code>"))
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'self'")
            }
            try await client.execute(uri: "/at/2025-13-01", method: .get, headers: browser) { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("<code>invalid_date</code>"))
            }
            try await client.execute(uri: "/nothing/here", method: .get, headers: browser) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("<code>not_found</code>"))
            }
            try await client.execute(uri: "/at/2025-04-15", method: .post, headers: browser) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
            // The API answers problem+json to a browser too, and pages answer it to any other client.
            try await client.execute(uri: "/api/lines/no-such-line", method: .get, headers: browser) { response in
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/lines/no-such-line", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }
}

/// The verify and diff pages.
@Suite struct ReportPageTests {
    @Test func theVerifyPageReportsTheChain() async throws {
        let fixture = try WebFixture()
        let head = try fixture.log.head()
        try await fixture.test { client in
            try await client.execute(uri: "/verify", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<strong>Intact.</strong> All 24 events"))
                #expect(response.text.contains(Hex.string(head.hash)))
            }
        }
    }

    @Test func thePythonOnTheVerifyPageChecksTheExportByHand() async throws {
        let fixture = try WebFixture()
        let head = Hex.string(try fixture.log.head().hash)
        let (page, export) = try await fixture.test { client in
            let page = try await client.execute(uri: "/verify", method: .get) { $0.text }
            let export = try await client.execute(uri: "/api/export", method: .get) { $0.text }
            return (page, export)
        }
        // The script as a reader copies it from the page: the text of its <pre>, unescaped.
        let start = try #require(page.range(of: "<pre id=\"check-chain\"><code>"))
        let end = try #require(page.range(of: "</code></pre>", range: start.upperBound..<page.endIndex))
        let script = String(page[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        let directory = try TemporaryDirectory("check-chain")
        try script.write(toFile: directory.appending("check-chain.py"), atomically: true, encoding: .utf8)
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", directory.appending("check-chain.py")], input: export, absolute: true)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output == "ok: 24 events, chain intact, head \(head)\n")

        // A changed byte in an event is caught at its seq.
        let tampered = export.replacingOccurrences(of: "£2m", with: "£3m")
        #expect(tampered != export)
        let caught = try await CommandRunner.run(
            "/usr/bin/env", ["python3", directory.appending("check-chain.py")], input: tampered, absolute: true
        )
        #expect(caught.status != 0)
        #expect(caught.errors.contains("chain broken at seq"))
    }

    @Test func theDiffPageListsTheChanges() async throws {
        let fixture = try WebFixture()
        let diff = AtDiff(from: try fixture.log.at(try CivilDate.iso("2024-01-01")), to: try fixture.log.at(try CivilDate.iso("2025-04-15")))
        #expect(!diff.changes.isEmpty)
        try await fixture.test { client in
            try await client.execute(uri: "/diff/2024-01-01/2025-04-15", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("<title>What changed from 2024-01-01 to 2025-04-15</title>"))
                for change in diff.changes {
                    #expect(response.text.contains(#"<a href="/lines/\#(change.line)">"#))
                }
            }
            try await client.execute(uri: "/diff/2025-04-15/2025-04-15", method: .get) { response in
                #expect(response.text.contains("Nothing changed."))
            }
            try await client.execute(uri: "/diff/2025-04-15/2024-01-01", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}

/// The Atom feed of the newest events.
@Suite struct FeedTests {
    @Test func theFeedCarriesTheNewestEventsNewestFirst() async throws {
        let fixture = try WebFixture()
        try fixture.append([Events.announced("web-feed-line", amount: 1_000)
            .replacingOccurrences(of: "Title of web-feed-line", with: "Fish & <chips>")])
        try await fixture.test { client in
            try await client.execute(uri: "/feed.atom", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/atom+xml; charset=utf-8")
                let text = response.text
                #expect(text.hasPrefix("<?xml"))
                #expect(text.components(separatedBy: "<entry>").count == 26)
                let newest = text.range(of: "web-feed-line")?.lowerBound
                let older = text.range(of: "cse-taskforce-funding")?.lowerBound
                let newestFirst = newest.flatMap { newest in older.map { newest < $0 } }
                #expect(newestFirst == true)
                #expect(text.contains("Fish &amp; &lt;chips&gt;"))
                #expect(!text.contains("<chips>"))
            }
        }
    }
}

/// The rows the at page names field by field (for speed) name every field they have.
@Suite struct PageModelTests {
    @Test func aRowAndABadgeGiveTheTemplatesEveryField() {
        let badge = AtPage.Badge(kind: "replaced", text: "replaced by b", linkTo: "b")
        let row = AtPage.Row(
            line: "a", title: "A", kind: "funding", status: "active", statusClass: "active", overdue: false, pledged: "£1",
            funded: "£0", due: "2025", delivered: "2025-01-01", depth: 1, badges: [badge]
        )
        for (value, parent) in [(row as Any, row as any MustacheParent), (badge, badge)] {
            for child in Mirror(reflecting: value).children {
                let label = child.label ?? ""
                #expect(parent.child(named: label) != nil, "\(type(of: value)) does not give the templates \(label)")
            }
        }
    }
}
