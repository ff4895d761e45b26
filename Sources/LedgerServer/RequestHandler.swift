import LedgerProtocol
import LedgerCore
import LedgerStore
import Logging
import LedgerSystemd
import NIOCore

/// Answers the requests of one connection, in order, writing each response as it is ready.
struct RequestHandler {
    let log: EventLog
    let writer: AppendWriter
    let feed: CommitFeed
    let statistics: ServerStatistics
    let configuration: ServerConfiguration
    let daemonUID: UInt32
    /// Why every append is refused (a broken chain), if it is.
    let writesRefused: ProtocolError?
    let logger: Logger

    /// What the connection should do after a request.
    enum Next {
        case keepReading
        case close
    }

    /// Answers one frame.
    func respond(
        to frame: RequestFrame, peer: PeerCredentials?, state: ConnectionState,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> Next {
        let request: Request
        switch parse(frame) {
        case .failure(let error):
            try await send(error.json, outbound)
            return .keepReading
        case .success(let parsed):
            request = parsed
        }
        if request.writes && !mayWrite(peer) {
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
            try await sendAt(date, department: department, knownAt: knownAt, knownAtText: knownAtText, outbound)
        case .history(let line):
            try await send(answer {
                ok([("events", .array(try log.history(of: line).map(\.json)))])
            }, outbound)
        case .export(let fromSeq):
            try await export(from: fromSeq, outbound)
        case .subscribe(let fromSeq):
            state.subscribe()
            try await subscribe(from: fromSeq, state: state, outbound)
            return .close
        case .verify:
            try await send(answer {
                switch try log.verify() {
                case .intact(let count, let head):
                    return ok([("intact", .bool(true)), ("count", .integer(Int64(count))), ("head", .string(Hex.string(head)))])
                case .broken(let seq, let reason):
                    return ProtocolError(.chainBroken, "the chain is broken at seq \(seq): \(reason)", seq: seq).json
                }
            }, outbound)
        case .stats:
            try await send(answer { try stats() }, outbound)
        case .ping:
            try await send(ok([("pong", .bool(true))]), outbound)
        }
        return .keepReading
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

    private func mayWrite(_ peer: PeerCredentials?) -> Bool {
        guard let peer else { return false }
        return WritePolicy(daemonUID: daemonUID, writersGroup: configuration.writersGroup).mayWrite(peer)
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
            return ok([
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

    /// Streams the stored events from `fromSeq` up to the head as it was when asked, page by page.
    private func export(from fromSeq: UInt64, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        let last = feed.head
        var next = max(fromSeq, 1)
        var count = 0
        while next <= last {
            let page = try eventPage(from: next, through: last)
            guard let lastSeq = page.lastSeq else { break }
            try await outbound.write(page.bytes)
            count += page.count
            next = lastSeq + 1
        }
        try await send(ok([("done", .bool(true)), ("count", .integer(Int64(count)))]), outbound)
    }

    /// Streams every event from `fromSeq`, then each new one as it commits, exactly once and in order.
    private func subscribe(
        from fromSeq: UInt64, state: ConnectionState, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        var next = max(fromSeq, 1)
        while !Task.isCancelled && state.isOpen {
            let head = feed.head
            if head >= next && head - next >= configuration.maximumSubscriberLag {
                logger.notice("subscriber dropped", metadata: ["behind": "\(head - next + 1)"])
                try await send(ProtocolError(
                    .subscriberLagging,
                    "this subscriber is \(head - next + 1) events behind, more than \(configuration.maximumSubscriberLag): reconnect with from_seq \(next)",
                    seq: next
                ).json, outbound)
                return
            }
            while next <= head {
                let page = try eventPage(from: next, through: head)
                guard let lastSeq = page.lastSeq else { break }
                guard try await write(page.bytes, within: configuration.subscriberWriteTimeout, closing: state.channel, outbound) else {
                    // Its socket stayed full: it is not reading, and cannot be told.
                    logger.notice("subscriber dropped", metadata: ["reason": "not reading", "next_seq": "\(next)"])
                    return
                }
                next = lastSeq + 1
            }
            await feed.wait(after: next - 1, atMost: .seconds(1))
        }
    }

    /// Writes `bytes`, or after `limit` closes `channel` (which ends the stuck write): false when
    /// the client did not take them in time.
    private func write(
        _ bytes: ByteBuffer, within limit: Duration, closing channel: Channel,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await outbound.write(bytes)
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
    private func eventPage(from first: UInt64, through last: UInt64) throws -> (bytes: ByteBuffer, count: Int, lastSeq: UInt64?) {
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

    private func stats() throws -> JSONValue {
        let head = try log.head()
        let uptime = ContinuousClock.now - statistics.started
        return ok([
            ("events", .integer(Int64(head.seq))),
            ("head_seq", .integer(Int64(head.seq))),
            ("head_hash", .string(Hex.string(head.hash))),
            ("connections", .integer(Int64(statistics.connections))),
            ("appends", .integer(Int64(statistics.appends))),
            ("uptime_seconds", .integer(uptime.components.seconds)),
            ("store_bytes", .integer(Int64(try log.storeBytes()))),
        ])
    }

    /// Runs a read, turning a store failure into its error response.
    private func answer(_ body: () throws -> JSONValue) -> JSONValue {
        do {
            return try body()
        } catch let error as StoreError {
            logger.error("read failed", metadata: ["error": "\(error)"])
            return ProtocolError(error).json
        } catch {
            return ProtocolError(.internal, "\(error)").json
        }
    }

    private func ok(_ fields: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject([("ok", .bool(true))] + fields))
    }

    /// Answers `at`, writing the result's bytes directly: a whole-ledger answer is thousands of lines.
    private func sendAt(
        _ date: CivilDate, department: String?, knownAt: Timestamp?, knownAtText: String?,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let result: AtResult
        do {
            result = try log.at(date, department: department, knownAt: knownAt, knownAtText: knownAtText)
        } catch {
            try await send(answer { throw error }, outbound)
            return
        }
        var bytes = Array(#"{"ok":true,"result":"#.utf8)
        AtJSON.encode(result, into: &bytes)
        bytes.append(contentsOf: "}\n".utf8)
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    private func send(_ value: JSONValue, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        var bytes: [UInt8] = []
        CanonicalJSON.encode(value, sortKeys: false, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        try await outbound.write(ByteBuffer(bytes: bytes))
    }
}
