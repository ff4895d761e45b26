import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness
import LedgerTestSupport
import Testing

/// The pages in a real browser: Debian's chromium, headless, against a real `ledgerd --http`
/// holding the bundled record. `--dump-dom` gives the document as the browser built it, after
/// any script would have run; `--screenshot` draws it (the README's pictures come from here,
/// written to `.build/screenshots`).
@Suite(.enabled(if: Host.has(Chromium.path), "needs chromium (deploy/packages.sh installs it)"), .serialized)
struct BrowserTests {
    @Test func theStatePageListsEveryLineWithItsAmounts() async throws {
        let served = try WebDaemon(loading: Paths.bundledRecord)
        let date = try CivilDate.iso("2026-06-30")
        let result = try served.connection.at(date: date)
        let dom = try await Chromium.dom(served.url("/at/\(date)"))
        let rows = Chromium.rows(dom)
        var seen = 0
        for department in result.departments {
            #expect(dom.contains(Chromium.text(department.name ?? department.department)))
            #expect(dom.contains(Chromium.text("\(department.pledged.formatted)")))
            for snapshot in department.lines {
                let state = snapshot.state
                guard let row = rows.first(where: { $0.contains("<td class=\"commitment\"><a href=\"/lines/\(state.line)\">") }) else {
                    Issue.record("no row for \(state.line)")
                    continue
                }
                seen += 1
                #expect(row.contains(Chromium.text(state.title)), "\(state.line)")
                #expect(row.contains(">\(state.pledged.formatted)<"), "\(state.line) pledged \(state.pledged.formatted)")
                #expect(row.contains(">\(state.funded.formatted)<"), "\(state.line) funded \(state.funded.formatted)")
                if let due = state.due { #expect(row.contains(due.description), "\(state.line) due") }
                if snapshot.overdue { #expect(row.contains(">OVERDUE<"), "\(state.line) overdue") }
                if let replacement = state.replacedBy { #expect(row.contains("href=\"/lines/\(replacement)\""), "\(state.line) replaced") }
            }
        }
        #expect(seen == 64, "the bundled record has 64 lines at 2026-06-30")
        #expect(rows.count == seen)
        #expect(dom.contains(Chromium.text(result.pledged.formatted)))

        try await Chromium.screenshot(served.url("/at/2025-04-15"), width: 1200, height: 1500, to: "state-page.png")
        try await Chromium.screenshot(served.url("/at/2025-04-15"), width: 375, height: 1400, to: "state-page-phone.png")
    }

    @Test func aLineStoryShowsEverySourceAndTheChart() async throws {
        let served = try WebDaemon(loading: Paths.bundledRecord)
        for line in ["national-grooming-gangs-inquiry", "national-audit"] {
            let history = try served.connection.history(line: line)
            let dom = try await Chromium.dom(served.url("/lines/\(line)"))
            #expect(history.count >= 2)
            for event in history {
                let source = event["source"]?.objectValue
                if case .string(let title)? = source?["title"] { #expect(dom.contains(Chromium.text(title)), "\(line): source \(title)") }
                if case .string(let publisher)? = source?["publisher"] { #expect(dom.contains(Chromium.text(publisher)), "\(line): \(publisher)") }
                if case .string(let url)? = source?["url"] { #expect(dom.contains("href=\"\(Chromium.attribute(url))\""), "\(line): link \(url)") }
                if case .string(let effective)? = event["effective"] { #expect(dom.contains(effective)) }
            }
            #expect(dom.components(separatedBy: "<li>").count + dom.components(separatedBy: "<li class=").count - 2 == history.count)
            #expect(dom.contains("<svg class=\"chart\""))
            #expect(dom.components(separatedBy: "<polyline").count - 1 == 2, "pledged and funded")
            #expect(dom.contains("class=\"due-now\""), "the due date is marked")
        }
        // national-audit's due date moved once: the old one is marked as moved.
        #expect(try await Chromium.dom(served.url("/lines/national-audit")).contains("class=\"due-moved\""))
        try await Chromium.screenshot(served.url("/lines/national-grooming-gangs-inquiry"), width: 1000, height: 1500, to: "line-story.png")
    }

    @Test func aHostileTitleIsShownAsTextAndRunsNothing() async throws {
        let served = try WebDaemon(loading: Paths.bundledRecord)
        let title = #"<script>document.title='pwned'</script><img src=x onerror="document.body.setAttribute('data-pwned','img')">"#
        let hostile: [String: JSONValue] = [
            "id": .string("hostile-1"), "type": .string("announced"), "line": .string("hostile-line"),
            "department": .string("home-office"), "effective": .string("2025-03-01"), "kind": .string("funding"),
            "title": .string(title), "amount_pence": .integer(100),
            "source": .object(JSONObject([
                ("title", .string(#""><svg onload="document.body.setAttribute('data-pwned','svg')">"#)),
                // The ledger refuses any address but http(s) with no spaces; one that tries to
                // leave its attribute is still an address the ledger takes.
                ("url", .string(#"https://example.org/"onmouseover="document.body.setAttribute('data-pwned','attribute')"#)),
                ("publisher", .string("<b onmouseover=alert(1)>Publisher</b>")),
                ("quote", .string("</blockquote><script>document.body.setAttribute('data-pwned','quote')</script>")),
            ])),
        ]
        _ = try served.connection.append([.object(JSONObject(hostile.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))])
        for path in ["/at/2025-04-15", "/lines/hostile-line", "/diff/2025-01-01/2025-04-15", "/departments/home-office"] {
            let dom = try await Chromium.dom(served.url(path))
            // Each payload, had it run, would have marked the body; as text, it is only escaped words.
            #expect(Chromium.openingTag("body", in: dom)?.contains("data-pwned") == false, "\(path): a script ran")
            #expect(!dom.contains("<script"), "\(path): a script element was made")
            #expect(!dom.contains("<img"), "\(path): an image element was made")
            #expect(!dom.contains("<b "), "\(path): markup from the publisher was made")
            #expect(Chromium.elementsWithHandlers(dom).isEmpty, "\(path): \(Chromium.elementsWithHandlers(dom))")
            #expect(!dom.contains("<title>pwned"), "\(path)")
            if path != "/diff/2025-01-01/2025-04-15" {
                #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"), "\(path): the title is not shown as text")
            }
        }
        let story = try await Chromium.dom(served.url("/lines/hostile-line"))
        #expect(story.contains(#"href="https://example.org/&quot;onmouseover=&quot;document.body.setAttribute('data-pwned','attribute')""#))
        #expect(story.contains("&lt;b onmouseover=alert(1)&gt;Publisher&lt;/b&gt;"))
    }
}

/// Debian's chromium, headless.
enum Chromium {
    static let path = "/usr/bin/chromium"

    /// The document at `url` as the browser built it.
    static func dom(_ url: String) async throws -> String {
        try await run(["--dump-dom", url]).output
    }

    /// Draws the page at `url` into `.build/screenshots/NAME`.
    static func screenshot(_ url: String, width: Int, height: Int, to name: String) async throws {
        let directory = Paths.packageRoot + "/.build/screenshots"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/" + name
        try? FileManager.default.removeItem(atPath: file)
        _ = try await run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(file)", url])
        let png = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) is a PNG")
        #expect(png.count > 20_000, "\(name) has something drawn on it")
    }

    private static func run(_ arguments: [String]) async throws -> CommandResult {
        let profile = try TemporaryDirectory("chromium")
        // As root (the CI's user) chromium needs --no-sandbox; the pages are our own.
        let result = try await CommandRunner.run(
            path,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile.path)", "--virtual-time-budget=5000",
            ] + arguments,
            environment: ["HOME": profile.path], absolute: true, within: .seconds(90)
        )
        #expect(result.status == 0, "chromium: \(result.errors.suffix(2000))")
        return result
    }

    /// `text` as a browser writes it back in a text node: `&`, `<`, `>` and no-break spaces escaped.
    static func text(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\u{A0}", with: "&nbsp;")
    }

    /// `text` as a browser writes it back in a double-quoted attribute.
    static func attribute(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "\u{A0}", with: "&nbsp;")
    }

    /// The opening tag of the first `name` element of `dom`.
    static func openingTag(_ name: String, in dom: String) -> String? {
        guard let start = dom.range(of: "<\(name)") else { return nil }
        return dom[start.lowerBound...].split(separator: ">", maxSplits: 1).first.map(String.init)
    }

    /// Every opening tag of `dom` with an event-handler attribute (`onload=`, `onerror=`, …).
    /// Text is written back with `<` escaped, so a raw `<` starts a real element.
    static func elementsWithHandlers(_ dom: String) -> [String] {
        dom.split(separator: "<").dropFirst().compactMap { piece in
            let tag = piece.split(separator: ">", maxSplits: 1, omittingEmptySubsequences: false).first ?? piece
            return tag.split(whereSeparator: \.isWhitespace).dropFirst().contains { $0.lowercased().hasPrefix("on") && $0.contains("=") }
                ? String(tag) : nil
        }
    }

    /// Each table row of `dom`.
    static func rows(_ dom: String) -> [String] {
        dom.components(separatedBy: "<tr class=\"depth-").dropFirst().map { $0.components(separatedBy: "</tr>").first ?? $0 }
    }
}
