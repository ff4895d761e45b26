import Foundation
import LedgerClient
import LedgerCore
import LedgerProtocol
import LedgerTestSupport
import Testing

/// Clients of the real `ledgerd` that go away in the middle of a request: a request cut short
/// stores nothing, a complete append is stored whole even when its answer is never read, an
/// answer nobody reads to the end changes nothing, and the daemon serves on with its
/// connection count back where it was.
@Suite(.serialized) struct VanishingClientTests {
    /// A ledger big enough that an export (1,501 events) and an `at` answer (300 lines) are
    /// far larger than a socket's buffer.
    static func seeded() throws -> DaemonProcess {
        let daemon = try DaemonProcess()
        let client = try daemon.connect()
        let lines = (0..<300).map { Events.announced("line-\($0)", amount: 1_000_000) }
        #expect(try client.append(lines).appended == 300)
        for batch in 0..<4 {
            let funding = Filler.funding("line-\(batch)", tag: "seed-\(batch)", count: 300)
            #expect(try client.append(funding).appended == 300)
        }
        // Acknowledged, so already in the export.
        #expect(try client.exportLines().count == seededCount)
        return daemon
    }

    static let seededCount = 1500

    /// A complete append of a new line of its own: its `announced` and two `funded` events.
    static func append(_ name: String) throws -> [UInt8] {
        Request.append(try Events.batch([Events.announced(name, amount: 500)] + Filler.funding(name, tag: name, count: 2))).line
    }

    /// An append of `count` funded events of 1p on `line`.
    static func funding(_ line: String, tag: String, count: Int) throws -> [UInt8] {
        Request.append(try Events.batch(Filler.funding(line, tag: tag, count: count))).line
    }

    /// The `at` every client asks: the whole ledger, 300 lines.
    static var at: Request {
        get throws { .at(date: try CivilDate.iso("2025-04-15"), department: nil, knownAt: nil, knownAtText: nil) }
    }

    /// The first half of `request`: never valid JSON, since the closing brace is in the second half.
    static func firstHalf(_ request: [UInt8]) -> [UInt8] {
        Array(request.prefix(request.count / 2))
    }

    /// Waits until only `client` is connected, and returns the count then.
    static func settledConnections(_ client: LedgerConnection) throws -> Int {
        try Eventually.within { try client.stats().connections == 1 }
        return try client.stats().connections
    }

    @Test func halfARequestStoresNothingAndTheDaemonServesOn() throws {
        let daemon = try Self.seeded()
        let observer = try daemon.connect()
        let before = try observer.exportLines()
        #expect(try observer.stats().connections == 1)

        // Half an append line, then gone.
        // Each client is counted before it leaves, so "back to one" cannot be read between the two.
        var client: LedgerConnection? = try daemon.connect()
        #expect(try Eventually.within { try observer.stats().connections == 2 })
        try client?.send(raw: Self.firstHalf(Self.append("half-line")))
        client = nil
        #expect(try Self.settledConnections(observer) == 1)
        // Half of a batch of 1,000 events (about 400 kB), then gone.
        let big = try Self.funding("line-5", tag: "big", count: 1000)
        client = try daemon.connect()
        #expect(try Eventually.within { try observer.stats().connections == 2 })
        try client?.send(raw: Self.firstHalf(big))
        client = nil

        #expect(try Self.settledConnections(observer) == 1)
        #expect(try observer.exportLines() == before)
        #expect(try observer.history(line: "half-line").isEmpty)
        // The next append takes the next seq: nothing was stored in between.
        let next = try observer.append(Filler.funding("line-5", tag: "after", count: 1))
        #expect(next.firstSeq == UInt64(Self.seededCount + 1))
        #expect(daemon.stop() == 0)
    }

    @Test func aCompleteAppendWhoseAnswerIsNeverReadIsStoredWhole() throws {
        let daemon = try Self.seeded()
        let observer = try daemon.connect()
        let before = try observer.exportLines()

        var client: LedgerConnection? = try daemon.connect()
        try client?.send(raw: Self.append("unread"))
        client = nil

        // The request arrived whole before the client left, so it is answered (to no one) and
        // stored: all three events, in order, after everything that was there.
        #expect(try Eventually.within { try observer.exportLines().count == Self.seededCount + 3 })
        #expect(try observer.stats().headSeq == UInt64(Self.seededCount + 3))
        #expect(try Self.settledConnections(observer) == 1)
        #expect(try observer.history(line: "unread").map { $0.int("seq") } == [1501, 1502, 1503])
        let after = try observer.exportLines()
        #expect(after.count == Self.seededCount + 3)
        #expect(Array(after.prefix(before.count)) == before)
        #expect(daemon.stop() == 0)
    }

    @Test func aClientLeavingInTheMiddleOfALargeAnswerChangesNothing() throws {
        let daemon = try Self.seeded()
        let observer = try daemon.connect()
        let before = try observer.exportLines()
        let date = try CivilDate.iso("2025-04-15")
        let at = try observer.at(date: date)
        #expect(at.allLines.count == 300)

        for request in [Request.export(fromSeq: 1), try Self.at] {
            let client = try daemon.connect()
            try client.send(request)
            // One line read (of 1,501 for the export; part of one long line for `at`), then gone.
            _ = try client.receiveLine()
        }

        #expect(try Self.settledConnections(observer) == 1)
        #expect(try observer.exportLines() == before)
        #expect(try observer.at(date: date) == at)
        #expect(daemon.stop() == 0)
    }

    @Test func fiftyClientsVanishingAtOnceLeaveOnlyTheirCompleteAppends() throws {
        let daemon = try Self.seeded()
        let observer = try daemon.connect()
        let before = try observer.exportLines()

        // Ten of each: half an append, half a large batch, a complete append left unread, and an
        // export and an `at` abandoned after their first line; all connected at the same time.
        var clients: [LedgerConnection] = []
        for index in 0..<50 {
            let client = try daemon.connect()
            switch index % 5 {
            case 0: try client.send(raw: Self.firstHalf(Self.append("half-\(index)")))
            case 1: try client.send(raw: Self.firstHalf(Self.funding("line-6", tag: "big-\(index)", count: 300)))
            case 2: try client.send(raw: Self.append("complete-\(index)"))
            case 3: try client.send(.export(fromSeq: 1))
            default: try client.send(Self.at)
            }
            clients.append(client)
        }
        for (index, client) in clients.enumerated() where index % 5 >= 3 {
            _ = try client.receiveLine()
        }
        #expect(try observer.stats().connections == 51)
        clients.removeAll()

        #expect(try Self.settledConnections(observer) == 1)
        #expect(try Eventually.within { try observer.exportLines().count == Self.seededCount + 30 })
        #expect(try observer.stats().headSeq == UInt64(Self.seededCount + 30))
        let after = try observer.exportLines()
        #expect(after.count == Self.seededCount + 30)
        #expect(Array(after.prefix(before.count)) == before)
        // Each complete append is stored whole: its three events at consecutive seqs.
        for index in stride(from: 2, to: 50, by: 5) {
            let seqs = try observer.history(line: "complete-\(index)").map { $0.int("seq") }
            #expect(seqs.count == 3 && seqs.last.map { $0 - seqs[0] } == 2, "complete-\(index): \(seqs)")
        }
        for index in stride(from: 0, to: 50, by: 5) {
            #expect(try observer.history(line: "half-\(index)").isEmpty)
        }
        guard case .intact(let count, _) = try observer.verify() else {
            Issue.record("the chain is not intact")
            return
        }
        #expect(count == Self.seededCount + 30)
        try observer.ping()
        #expect(daemon.stop() == 0)
    }
}
