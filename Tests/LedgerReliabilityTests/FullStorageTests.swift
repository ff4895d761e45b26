import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// The real `ledgerd` with its store full, by its own map limit and by a disk that is really full:
/// appends get `storage_full` and change nothing, reads go on, nothing acknowledged is lost, and
/// appends resume once there is room.
@Suite(.serialized) struct FullStorageTests {
    static let line = "action-plan"

    /// A second line with one event, whose history stays short however full the store gets.
    static let quietLine = "national-audit"
    /// The events `announce` stores.
    static let announced = 2

    /// Announces the line every filler event funds, and the quiet line.
    static func announce(_ client: LedgerConnection) throws {
        let report = try client.append([Events.announced(line, amount: 1_000_000_000), Events.announced(quietLine, amount: 250_000_000)])
        #expect(report.appended == announced)
    }

    /// The funded total of the filled line in `at`: one penny per stored filler event.
    static func funded(_ client: LedgerConnection) throws -> Int64? {
        try client.at(date: CivilDate.iso("2025-04-15")).line(line)?.state.funded.value
    }

    /// The reads a user relies on all answer, and agree on `count` events.
    static func readsGoOn(_ client: LedgerConnection, count: Int) throws {
        try client.ping()
        #expect(try funded(client) == Int64(count - announced))
        #expect(try client.history(line: quietLine).count == 1)
        let stats = try client.stats()
        #expect(stats.headSeq == UInt64(count))
        #expect(try client.verify() == .intact(count: count, head: stats.headHash))
    }

    @Test func atTheMapLimitAppendsGetStorageFullAndALargerLimitLetsThemResume() async throws {
        // 1 MiB is the smallest limit ledgerd accepts (0 is refused at the command line).
        let daemon = try DaemonProcess(arguments: ["--max-store-mib", "1"])
        let client = try daemon.connect()
        try Self.announce(client)

        // Batches of 200 until one is refused: a 1 MiB store holds well over a thousand of these
        // events, and far fewer than the 64 MiB map it used to start with would.
        let batches = try Filler.fill(client, line: Self.line, tag: "batch", size: 200, limit: 50)
        let refusal = try #require(batches.refusal)
        #expect(refusal.code == "storage_full")
        let message = refusal.message
        #expect(message.contains("size limit of 1 MiB"))
        #expect(message.contains("nothing was written"))
        #expect(message.contains("restart ledgerd with a larger --max-store-mib"))
        #expect(batches.stored >= 1000 && batches.stored < 3000)
        var count = Self.announced + batches.stored
        // The refused batch left nothing: the export holds exactly what was acknowledged.
        let before = try client.exportLines()
        #expect(before.count == count)

        // The writer is not poisoned: a single event still fits in the room a batch of 200 did not,
        // and singles go on until the store is full for them too; then the refused one, sent again,
        // gets storage_full again. (Another single might still fit: whether one does depends on
        // where its id falls among the pages of `ids`.)
        let singles = try Filler.fill(client, line: Self.line, tag: "single", size: 1, limit: 1000)
        #expect(singles.stored >= 1)
        #expect(singles.refusal?.code == "storage_full")
        count += singles.stored
        let refused = Filler.funding(Self.line, tag: "single-\(singles.stored)", count: 1)
        #expect(try refusalOf { try client.append(refused) }?.code == "storage_full")

        try Self.readsGoOn(client, count: count)
        let full = try client.exportLines()
        #expect(full.count == count)
        #expect(Array(full.prefix(before.count)) == before)

        // A larger limit after a restart: appends resume after the last acknowledged event.
        #expect(daemon.stop() == 0)
        let larger = try DaemonProcess(arguments: ["--max-store-mib", "64"], in: daemon.directory)
        let resumed = try larger.connect()
        #expect(try resumed.exportLines() == full)
        let more = try resumed.append(Filler.funding(Self.line, tag: "resumed", count: 200))
        #expect(more.appended == 200)
        #expect(more.firstSeq == UInt64(count + 1))
        try Self.readsGoOn(resumed, count: count + 200)
        #expect(larger.stop() == 0)

        let verify = try await CommandRunner.run("ledger", ["verify", "--db", daemon.stateDirectory])
        #expect(verify.status == 0, "\(verify.errors)")
        #expect(verify.output.hasPrefix("ok: \(count + 200) events, chain intact"))
    }

    @Test func aBatchTooBigForTheRoomLeftCostsNoOtherClientItsAppend() throws {
        let daemon = try DaemonProcess(arguments: ["--max-store-mib", "1"])
        let client = try daemon.connect()
        try Self.announce(client)
        let batches = try Filler.fill(client, line: Self.line, tag: "batch", size: 200, limit: 50)
        #expect(batches.refusal?.code == "storage_full")
        let count = Self.announced + batches.stored

        // Ten clients with a batch of 200 and forty with one event each, interleaved and all sent
        // before any answer is read, so the writer takes several of them into each commit.
        var large: [LedgerConnection] = []
        var small: [LedgerConnection] = []
        for index in 0..<10 {
            let big = try daemon.connect()
            try big.send(.append(Events.batch(Filler.funding(Self.line, tag: "large-\(index)", count: 200))))
            large.append(big)
            for single in 0..<4 {
                let one = try daemon.connect()
                try one.send(.append(Events.batch(Filler.funding(Self.line, tag: "small-\(index)-\(single)", count: 1))))
                small.append(one)
            }
        }
        for big in large {
            #expect(try big.receive()?.refusal?.code == "storage_full")
        }
        var stored = 0
        for one in small {
            let answer = try one.receive()
            if case .appended(let report)? = answer, report.appended == 1 {
                stored += 1
            } else {
                Issue.record("a single event was refused: \(answer.map { "\($0)" } ?? "no answer")")
            }
        }
        #expect(stored == 40)
        try Self.readsGoOn(client, count: count + 40)
        #expect(daemon.stop() == 0)
    }

    @Test func aStoreLimitBelowOneMiBIsRefusedAtStart() async throws {
        let directory = try TemporaryDirectory("ledgerd-limit")
        let result = try await CommandRunner.run("ledgerd", [
            "--max-store-mib", "0", "--state-dir", directory.appending("state"), "--socket", directory.appending("ledger.sock"),
        ])
        #expect(result.status == 64)
        #expect(result.errors.contains("--max-store-mib must be from 1"))
        #expect(!FileManager.default.fileExists(atPath: directory.appending("state")))
    }

    // Needs the right to mount a tmpfs (root, as on the build machine); elsewhere it is skipped.
    @Test(.enabled(if: SmallFilesystem.isAvailable, "mounting a small tmpfs needs root"))
    func onAFullDiskAppendsGetStorageFullAndResumeWhenTheDiskGrows() async throws {
        let directory = try TemporaryDirectory("ledgerd-full-disk")
        let state = directory.appending("state")
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: false)
        // The state directory alone is on the small file system; the socket and log are not.
        let disk = try SmallFilesystem(at: state, mebibytes: 2)
        defer { disk.unmount() }
        let daemon = try DaemonProcess(directory: directory)
        defer { daemon.stop() }
        let client = try daemon.connect()
        try Self.announce(client)

        // The map may grow to 64 GiB: only the disk can run out.
        var filled = try Filler.fill(client, line: Self.line, tag: "batch", size: 200, limit: 100)
        var refusal = try #require(filled.refusal)
        #expect(refusal.code == "storage_full")
        let message = refusal.message
        #expect(message.hasPrefix("the disk is full: "))
        #expect(message.contains("nothing was written"))
        #expect(message.contains("free space on the disk holding the store"))
        #expect(disk.freeBytes < 1 << 20)
        var count = Self.announced + filled.stored
        let before = try client.exportLines()
        #expect(before.count == count)

        filled = try Filler.fill(client, line: Self.line, tag: "single", size: 1, limit: 1000)
        #expect(filled.refusal?.code == "storage_full")
        count += filled.stored
        try Self.readsGoOn(client, count: count)
        var full = try client.exportLines()
        #expect(Array(full.prefix(before.count)) == before)

        // The disk grows under the running daemon: appends resume without a restart.
        try disk.resize(mebibytes: 4)
        let grown = try client.append(Filler.funding(Self.line, tag: "grown", count: 200))
        #expect(grown.appended == 200)
        #expect(grown.firstSeq == UInt64(count + 1))
        count += 200

        // Full again, then a restart on the full disk: it comes up, serves reads, refuses appends.
        filled = try Filler.fill(client, line: Self.line, tag: "refill", size: 200, limit: 100)
        #expect(filled.refusal?.code == "storage_full")
        count += filled.stored
        full = try client.exportLines()
        #expect(full.count == count)
        #expect(daemon.stop() == 0)
        try daemon.start()
        let restarted = try daemon.connect()
        try Self.readsGoOn(restarted, count: count)
        #expect(try restarted.exportLines() == full)
        refusal = try #require(try refusalOf { try restarted.append(Filler.funding(Self.line, tag: "still-full", count: 200)) })
        #expect(refusal.code == "storage_full")
        #expect(try restarted.exportLines() == full)

        try disk.resize(mebibytes: 8)
        let resumed = try restarted.append(Filler.funding(Self.line, tag: "resumed", count: 200))
        #expect(resumed.appended == 200)
        #expect(resumed.firstSeq == UInt64(count + 1))
        try Self.readsGoOn(restarted, count: count + 200)
        #expect(daemon.stop() == 0)

        let verify = try await CommandRunner.run("ledger", ["verify", "--db", state])
        #expect(verify.status == 0, "\(verify.errors)")
        #expect(verify.output.hasPrefix("ok: \(count + 200) events, chain intact"))
        #expect(!daemon.log.contains("internal"))
    }
}
