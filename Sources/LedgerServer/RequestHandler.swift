import LedgerProtocol
import LedgerCore
import LedgerStore
import Logging
import LedgerSystemd
import NIOCore

/// Answers the requests of one connection, in order, writing each response as it is ready.
///
/// `ping` and appends are answered without touching the read pool; every store read runs there
/// (`ReadScheduler`), charged to the user of the connection that asked, long walks a slice at a time.
struct RequestHandler {
    let log: EventLog
    let writer: AppendWriter
    let feed: CommitFeed
    let reads: ReadScheduler
    let statistics: ServerStatistics
    let configuration: ServerConfiguration
    /// Why every append is refused (a broken chain), if it is.
    let writesRefused: ProtocolError?
    let logger: Logger

    /// Events a slice of `verify` checks before its thread goes back to the pool.
    static let verifySlice = 10_000

    /// What the connection should do after a request.
    enum Next {
        case keepReading
        case close
    }

    typealias Outbound = NIOAsyncChannelOutboundWriter<ResponsePart>

    /// Answers one frame, then marks the answer complete.
    func respond(to frame: RequestFrame, from connection: Connection, outbound: Outbound) async throws -> Next {
        let next = try await answer(frame, connection, outbound)
        if next == .keepReading { try await outbound.write(.answered) }
        return next
    }

    private func answer(_ frame: RequestFrame, _ connection: Connection, _ outbound: Outbound) async throws -> Next {
        let request: Request
        switch parse(frame) {
        case .failure(let error):
            try await send(error.json, outbound)
            return .keepReading
        case .success(let parsed):
            request = parsed
        }
        let peer = connection.peer
        let user = peer?.uid
        if request.writes && !connection.mayWrite {
            logger.notice("append refused", metadata: [
                "uid": "\(peer?.uid ?? 0)", "user": "\(peer.flatMap { PeerCredentials.userName($0.uid) } ?? "?")",
                "pid": "\(peer?.pid ?? 0)",
            ])
            try await send(ProtocolError(
                .forbidden,
                "appending needs root, the daemon's own user or membership of the writers group; this connection may only read"
            ).json, outbound)
            return .keepReading
        }
        if request.writes, let refusal = writesRefused {
            try await send(refusal.json, outbound)
            return .keepReading
        }
        switch request {
        case .append(let values):
            try await send(append(values), outbound)
        case .at(let date, let department, let knownAt, let knownAtText):
            let cost: ReadCost = department == nil ? .expensive(.wholeLedgerAt) : .cheap
            try await write(read(for: user, cost: cost) { [log] in
                let result = try log.at(date, department: department, knownAt: knownAt, knownAtText: knownAtText)
                // Written straight to bytes: a whole-ledger answer is thousands of lines.
                var bytes = Array(#"{"ok":true,"result":"#.utf8)
                AtJSON.encode(result, into: &bytes)
                bytes.append(contentsOf: "}\n".utf8)
                return bytes
            }, outbound)
        case .history(let line):
            try await write(read(for: user, cost: .cheap) { [log] in
                ResponseLine.bytes(Self.ok([("events", .array(try log.history(of: line).map(\.json)))]))
            }, outbound)
        case .export(let fromSeq):
            try await export(from: fromSeq, for: user, outbound)
        case .subscribe(let fromSeq):
            try await outbound.write(.subscribed)
            try await subscribe(from: fromSeq, for: user, channel: connection.channel.channel, outbound)
            return .close
        case .verify:
            try await send(verify(for: user), outbound)
        case .stats:
            try await write(read(for: user, cost: .cheap) { [self] in ResponseLine.bytes(try stats()) }, outbound)
        case .ping:
            try await send(Self.ok([("pong", .bool(true))]), outbound)
        }
        return .keepReading
    }

    /// Runs a store read on the read pool, turning a store failure into its error line.
    private func read(for user: ReadScheduler.User, cost: ReadCost, _ body: @escaping @Sendable () throws -> [UInt8]) async -> [UInt8] {
        do {
            return try await reads.run(for: user, cost: cost, body)
        } catch let error as StoreError {
            logger.error("read failed", metadata: ["error": "\(error)"])
            return ResponseLine.bytes(ProtocolError(error).json)
        } catch {
            return ResponseLine.bytes(ProtocolError(.internal, "\(error)").json)
        }
    }

    /// Walks the chain a slice at a time, each slice a turn on the read pool.
    private func verify(for user: ReadScheduler.User) async -> JSONValue {
        var walk = ChainWalk()
        do {
            while true {
                let (advanced, outcome) = try await reads.run(for: user, cost: .expensive(.verify)) { [log, walk] in
                    var next = walk
                    let outcome = try log.verify(&next, atMost: Self.verifySlice)
                    return (next, outcome)
                }
                walk = advanced
                switch outcome {
                case nil:
                    continue
                case .intact(let count, let head)?:
                    return Self.ok([("intact", .bool(true)), ("count", .integer(Int64(count))), ("head", .string(Hex.string(head)))])
                case .broken(let seq, let reason)?:
                    return ProtocolError(.chainBroken, "the chain is broken at seq \(seq): \(reason)", seq: seq).json
                }
            }
        } catch let error as StoreError {
            logger.error("read failed", metadata: ["error": "\(error)"])
            return ProtocolError(error).json
        } catch {
            return ProtocolError(.internal, "\(error)").json
        }
    }

    private func parse(_ frame: RequestFrame) -> Result<Request, ProtocolError> {
        switch frame {
        case .tooLong(let length):
            return .failure(ProtocolError(ValidationError(
                .lineTooLong, "the request line is \(length) bytes, over the limit of \(configuration.maximumLineLength)"
            )))
        case .line(let buffer):
            let value: JSONValue
            do {
                value = try JSONParser.parse(Array(buffer.readableBytesView))
            } catch {
                let code: ValidationError.Code = switch error.code {
                case .invalidUTF8: .invalidUTF8
                case .tooDeep: .tooDeep
                case .duplicateKey: .duplicateKey
                case .invalidJSON: .invalidJSON
                }
                return .failure(ProtocolError(ValidationError(code, "\(error.message) at byte \(error.offset + 1)")))
            }
            do {
                return .success(try RequestDecoder.decode(value))
            } catch {
                return .failure(error)
            }
        }
    }

    private func append(_ values: [JSONValue]) async -> JSONValue {
        let pending: [PendingEvent]
        do {
            pending = try PendingEvent.batch(values, today: SystemClock.now().londonDate)
        } catch {
            return ProtocolError(error).json
        }
        switch await writer.append(pending) {
        case .success(let report):
            statistics.appendAcknowledged()
            return Self.ok([
                ("first_seq", report.firstSeq.map { .integer(Int64($0)) } ?? .null),
                ("last_seq", report.lastSeq.map { .integer(Int64($0)) } ?? .null),
                ("appended", .integer(Int64(report.appended))),
                ("duplicates", .integer(Int64(report.duplicates))),
            ])
        case .failure(let error):
            logger.warning("append failed", metadata: ["code": "\(error.code)", "error": "\(error.message)"])
            return error.json
        }
    }

    /// Streams the stored events from `fromSeq` up to the head as it was when asked, a page at a
    /// time, each page a turn on the read pool.
    private func export(from fromSeq: UInt64, for user: ReadScheduler.User, _ outbound: Outbound) async throws {
        let last = feed.head
        var next = max(fromSeq, 1)
        var count = 0
        while next <= last {
            let page = try await eventPage(from: next, through: last, for: user, cost: .expensive(.export))
            guard let lastSeq = page.lastSeq else { break }
            try await outbound.write(.bytes(page.bytes))
            count += page.count
            next = lastSeq + 1
        }
        try await send(Self.ok([("done", .bool(true)), ("count", .integer(Int64(count)))]), outbound)
    }

    /// Streams every event from `fromSeq`, then each new one as it commits, exactly once and in order.
    private func subscribe(from fromSeq: UInt64, for user: ReadScheduler.User, channel: Channel, _ outbound: Outbound) async throws {
        var next = max(fromSeq, 1)
        // Catching up from far back is what a subscription is for; only a subscriber that was
        // once level with the head and then fell behind is too slow.
        var caughtUp = false
        while !Task.isCancelled && channel.isActive {
            let head = feed.head
            if caughtUp && head >= next && head - next >= configuration.maximumSubscriberLag {
                logger.notice("subscriber dropped", metadata: ["behind": "\(head - next + 1)"])
                try await send(ProtocolError(
                    .subscriberLagging,
                    "this subscriber is \(head - next + 1) events behind, more than \(configuration.maximumSubscriberLag): reconnect with from_seq \(next)",
                    seq: next
                ).json, outbound)
                return
            }
            while next <= head {
                // Pages far behind the head are catch-up, queued as the long walk they are.
                let cost: ReadCost = head - next >= 1000 ? .expensive(.catchUp) : .cheap
                let page = try await eventPage(from: next, through: head, for: user, cost: cost)
                guard let lastSeq = page.lastSeq else { break }
                guard try await write(page.bytes, within: configuration.subscriberWriteTimeout, closing: channel, outbound) else {
                    // Its socket stayed full: it is not reading, and cannot be told.
                    logger.notice("subscriber dropped", metadata: ["reason": "not reading", "next_seq": "\(next)"])
                    return
                }
                next = lastSeq + 1
            }
            caughtUp = true
            await feed.wait(after: next - 1, atMost: .seconds(1))
        }
    }

    /// Writes `bytes`, or after `limit` closes `channel` (which ends the stuck write): false when
    /// the client did not take them in time.
    private func write(
        _ bytes: ByteBuffer, within limit: Duration, closing channel: Channel, _ outbound: Outbound
    ) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await outbound.write(.bytes(bytes))
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                channel.close(promise: nil)
                return false
            }
            let written = try await group.next() ?? false
            group.cancelAll()
            return written
        }
    }

    /// Up to 1000 events as `{"event":…}` lines, and no more than about 64 KiB of them: a client that
    /// stops reading holds its page in the daemon (the write waits for the socket), so the page
    /// size, not the size of the events, bounds what each such client costs.
    private func eventPage(
        from first: UInt64, through last: UInt64, for user: ReadScheduler.User, cost: ReadCost
    ) async throws -> (bytes: ByteBuffer, count: Int, lastSeq: UInt64?) {
        try await reads.run(for: user, cost: cost) { [log] in
            var bytes: [UInt8] = []
            var count = 0
            let limit = Int(min(1000, last - first + 1))
            try log.export(fromSeq: first, limit: limit, maximumBytes: 64 << 10) { line in
                bytes += Array(#"{"event":"#.utf8)
                bytes += line
                bytes += [UInt8(ascii: "}"), UInt8(ascii: "\n")]
                count += 1
            }
            return (ByteBuffer(bytes: bytes), count, count > 0 ? first + UInt64(count) - 1 : nil)
        }
    }

    private func stats() throws -> JSONValue {
        let head = try log.head()
        let uptime = ContinuousClock.now - statistics.started
        return Self.ok([
            ("events", .integer(Int64(head.seq))),
            ("head_seq", .integer(Int64(head.seq))),
            ("head_hash", .string(Hex.string(head.hash))),
            ("connections", .integer(Int64(statistics.connections))),
            ("appends", .integer(Int64(statistics.appends))),
            ("uptime_seconds", .integer(uptime.components.seconds)),
            ("store_bytes", .integer(Int64(try log.storeBytes()))),
        ])
    }

    private static func ok(_ fields: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject([("ok", .bool(true))] + fields))
    }

    private func send(_ value: JSONValue, _ outbound: Outbound) async throws {
        try await write(ResponseLine.bytes(value), outbound)
    }

    private func write(_ bytes: [UInt8], _ outbound: Outbound) async throws {
        try await outbound.write(.bytes(ByteBuffer(bytes: bytes)))
    }
}
