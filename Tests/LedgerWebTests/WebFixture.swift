import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerHarness
import LedgerServer
import LedgerStore
import LedgerTestSupport
import LedgerWeb

/// A real store in a temporary directory holding the bundled example ledger, and the web
/// interface over it, reading through a read pool of its own.
final class WebFixture: Sendable {
    let directory: TemporaryDirectory
    let log: EventLog
    let reads: ReadScheduler
    let feed: CommitFeed
    let interface: WebInterface

    init() throws {
        directory = try TemporaryDirectory("ledger-web")
        log = try EventLog(path: directory.path)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Paths.exampleLedger)))
        _ = try log.append(try NDJSONBatch(bytes: bytes).values, now: SystemClock.now())
        reads = ReadScheduler(threads: 2)
        feed = CommitFeed(head: try log.head().seq)
        interface = WebInterface(log: log, reads: reads, feed: feed)
    }

    /// Appends events as the daemon's writer would, publishing the new head.
    func append(_ lines: [String]) throws {
        _ = try log.append(try lines.map { try JSONParser.parse(Array($0.utf8)) }, now: SystemClock.now())
        feed.publish(head: try log.head().seq)
    }

    /// Runs `test` against the router in memory, checking every JSON answer against the OpenAPI document.
    func test<Value: Sendable>(_ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = Application(router: try interface.router())
        let value = try await app.test(.router) { client in try await test(ConformingClient(client: client)) }
        await reads.shutDown()
        return value
    }
}

extension TestResponse {
    /// The body's bytes.
    var bytes: [UInt8] { Array(body.readableBytesView) }
    /// The body as text.
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }
}
