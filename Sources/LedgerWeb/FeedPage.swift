import Hummingbird
import LedgerCore
import LedgerStore

/// What the Atom feed shows: the newest events, newest first.
struct FeedPage: Sendable {
    struct Entry: Sendable {
        var id: String
        var line: String
        var effective: String
        var summary: String
        var source: String
        var recorded: String
        var seq: UInt64
    }

    var updated: String
    var entries: [Entry]

    init(_ events: [StoredEvent]) {
        let newestFirst = events.sorted { $0.seq > $1.seq }
        updated = newestFirst.first?.recorded.description ?? Timestamp(millisecondsSinceEpoch: 0).description
        entries = newestFirst.map { stored in
            let event = stored.event
            return Entry(
                id: event.id, line: event.line, effective: event.effective.description, summary: LinePage.summary(event.body),
                source: event.source.title, recorded: stored.recorded.description, seq: stored.seq
            )
        }
    }
}

extension WebPages {
    /// How many events the feed carries.
    static let feedEntries = 50

    /// `GET /feed.atom`: the newest events as an Atom feed.
    func feed() async throws -> Response {
        let head = interface.feed.head
        let first = head > UInt64(Self.feedEntries) ? head - UInt64(Self.feedEntries) + 1 : 1
        let events = try await interface.read(cost: .cheap) { log in
            var events: [StoredEvent] = []
            try log.export(fromSeq: first, limit: Self.feedEntries) { line in
                events.append(try StoredEventDecoder.decode(try JSONParser.parse(line)).stored)
            }
            return events
        }
        let text = library.render(FeedPage(events), withTemplate: "feed") ?? ""
        return Response(
            status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}
