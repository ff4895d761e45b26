import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// What a subscriber that stops reading costs the daemon: a bounded page of events, whatever the
/// size of the events, so many such subscribers cannot run it out of memory.
@Suite struct SubscriberMemoryTests {
    /// A source with a quote at its 5000-character limit: events of about 5 KiB each.
    static let bigSource = #"{"title":"Statement","publisher":"Home Office","published":"2025-01-16","quote":"\#(String(repeating: "q", count: 5000))"}"#

    @Test func subscribersThatStopReadingHoldLittleMemory() throws {
        let daemon = try DaemonProcess(arguments: ["--subscriber-timeout", "120"])
        let writer = try daemon.connect()
        _ = try writer.append([Events.announced("plan", amount: 1_000)])
        for batch in 0..<8 {
            let events = (0..<125).map {
                #"{"type":"funded","line":"plan","effective":"2025-02-01","amount_pence":1,"id":"big-\#(batch)-\#($0)","source":\#(Self.bigSource)}"#
            }
            #expect(try writer.append(events).appended == 125)
        }
        let before = try #require(daemon.statusBytes("RssAnon"))

        // Each takes one event, so the daemon has started on its stream, then reads no more.
        var stalled: [LedgerConnection] = []
        for _ in 0..<30 {
            let subscriber = try daemon.connect()
            var stream = try subscriber.subscribe(from: 1)
            #expect(try stream.next()?.int("seq") == 1)
            stalled.append(subscriber)
        }
        let after = try #require(daemon.statusBytes("RssAnon"))
        // 30 subscribers over 5 MiB of events: a page of 1000 events each would be 150 MiB.
        #expect(after - before < 32 << 20, "anonymous memory grew by \((after - before) >> 20) MiB")

        // One that reads gets every event, in order, through the smaller pages.
        let reader = try daemon.connect()
        var stream = try reader.subscribe(from: 1)
        var seqs: [Int64] = []
        while seqs.count < 1001, let event = try stream.next() { seqs.append(event.int("seq")) }
        #expect(seqs == Array(1...1001))
        #expect(daemon.stop() == 0)
    }
}
