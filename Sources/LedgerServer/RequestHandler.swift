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

    /// A request line longer than this is parsed and answered on Swift's cooperative pool, not on
    /// the connection's event loop: parsing and checking a batch of events takes long enough to
    /// hold up the loop's other connections, where a short request is answered sooner without
    /// waking another thread (`EventLoopExecutor`).
    static let longRequest = 16 << 10

    /// Whether `frame` is a request line longer than `longRequest`.
    static func isLong(_ frame: RequestFrame) -> Bool {
        if case .line(let line) = frame { line.readableBytes > longRequest } else { false }
    }

    /// What a request line comes to before it is answered.
    private enum Prepared {
        /// An append this connection may make, handed to the writer.
        case appending(AppendTicket)
        /// A request to answer here.
        case request(Request)
        /// The answer, already known (a request that could not be read, or a refused append).
        case answer(Response)
    }

    /// Answers one frame, then marks the answer complete.
    ///
    /// An append this connection may make is handed to the writer and answered by `appends` once
    /// it is committed, while the connection reads on: a client that pipelines its appends has
    /// the next ones decoded and queued behind the one being committed, and those queued share a
    /// commit. Anything else is answered once every append before it has been, so that answers
    /// keep the order of their requests, and a read sees the appends sent before it.
    func respond(
        to frame: RequestFrame, from connection: Connection, outbound: Outbound, appends: inout PipelinedAppends
    ) async throws -> Next {
        // Before the frame is read: it may be an append, to be decoded and handed to the writer.
        await appends.makeRoom()
        let prepared: Prepared
        if Self.isLong(frame) {
            prepared = await withTaskExecutorPreference(globalConcurrentExecutor) { await prepare(frame, connection) }
        } else {
            prepared = await prepare(frame, connection)
        }
        let request: Request
        switch prepared {
        case .appending(let ticket):
            appends.answer(ticket) { [self] result in
                do {
                    try await send(appendResponse(result), outbound)
                    try await outbound.write(.answered)
                } catch {
                    logger.debug("append answered to a closed connection", metadata: ["error": "\(error)"])
                }
            }
            return .keepReading
        case .answer(let response):
            await appends.settle()
            try await send(response, outbound)
            try await outbound.write(.answered)
            return .keepReading
        case .request(let read):
            await appends.settle()
            request = read
        }
        let next = try await answer(request, connection, outbound)
        if next == .keepReading { try await outbound.write(.answered) }
        return next
    }

    /// Reads a request line; an append this connection may make is decoded, checked for shape
    /// and handed to the writer.
    private func prepare(_ frame: RequestFrame, _ connection: Connection) async -> Prepared {
        let request: Request
        do {
            request = try decode(frame)
        } catch {
            return .answer(.error(error))
        }
        guard request.writes else { return .request(request) }
        if !connection.mayWrite {
            let peer = connection.peer
            logger.notice("append refused", metadata: [
                "uid": "\(peer?.uid ?? 0)", "user": "\(peer.flatMap { PeerCredentials.userName($0.uid) } ?? "?")",
                "pid": "\(peer?.pid ?? 0)",
            ])
            return .answer(.error(ProtocolError(
                .forbidden,
                "appending needs root, the daemon's own user or membership of the writers group; this connection may only read"
            )))
        }
        if let refusal = writesRefused { return .answer(.error(refusal)) }
        guard case .append(let values) = request else { return .request(request) }
        switch await Self.decode(values, today: SystemClock.now().londonDate) {
        case .success(let pending): return .appending(writer.submit(pending))
        case .failure(let error): return .answer(.error(ProtocolError(error)))
        }
    }

    private func answer(_ request: Request, _ connection: Connection, _ outbound: Outbound) async throws -> Next {
        let user = connection.peer?.uid
        switch request {
        case .append:
            // Appends are handed to the writer by `prepare`.
            try await send(.error(ProtocolError(.internal, "an append reached the readers")), outbound)
        case .at(let date, let department, let knownAt, let knownAtText):
            let cost: ReadCost = department == nil ? .expensive(.wholeLedgerAt) : .cheap
            try await write(read(for: user, cost: cost) { [log] in
                let result = try log.at(date, department: department, knownAt: knownAt, knownAtText: knownAtText)
                var bytes: [UInt8] = []
                Response.encodeAt(result, into: &bytes)
                return bytes
            }, outbound)
        case .history(let line):
            try await write(read(for: user, cost: .cheap) { [log] in
                Response.history(try log.history(of: line).compactMap(\.json.objectValue)).line
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
            try await write(read(for: user, cost: .cheap) { [self] in Response.stats(try stats()).line }, outbound)
        case .ping:
            try await write(Response.pong.line, outbound)
        }
        return .keepReading
    }

    /// Runs a store read on the read pool, turning a store failure into its error line. The answer
    /// is copied into the buffer the socket is written from there too: a whole ledger's answer
    /// runs to hundreds of kilobytes (816 KB at 200,000 events), not to be copied on the
    /// connection's event loop.
    private func read(for user: ReadScheduler.User, cost: ReadCost, _ body: @escaping @Sendable () throws -> [UInt8]) async -> ByteBuffer {
        do {
            return try await reads.run(for: user, cost: cost) { ByteBuffer(bytes: try body()) }
        } catch {
            return ByteBuffer(bytes: failedRead(error).line)
        }
    }

    /// The answer to a read that failed: a store failure by its own code (and logged), anything else `internal`.
    private func failedRead(_ error: any Error) -> Response {
        guard let error = error as? StoreError else { return .error(ProtocolError(.internal, "\(error)")) }
        logger.error("read failed", metadata: ["error": "\(error)"])
        return .error(ProtocolError(error))
    }

    /// Walks the chain a slice at a time, each slice a turn on the read pool.
    private func verify(for user: ReadScheduler.User) async -> Response {
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
                    return .verified(count: count, head: Hex.string(head))
                case .broken(let seq, let reason)?:
                    return .error(ProtocolError(.chainBroken, "the chain is broken at seq \(seq): \(reason)", seq: seq))
                }
            }
        } catch {
            return failedRead(error)
        }
    }

    /// The request in a frame, read as every reader of the protocol reads it.
    private func decode(_ frame: RequestFrame) throws(ProtocolError) -> Request {
        switch frame {
        case .tooLong(let length):
            throw RequestDecoder.tooLong(length: length, limit: configuration.maximumLineLength)
        case .line(let buffer):
            return try RequestDecoder.decode(line: buffer.readableBytesView)
        }
    }

    /// The answer to an append, once the writer has committed or refused it.
    private func appendResponse(_ result: Result<AppendReport, ProtocolError>) -> Response {
        switch result {
        case .success(let report):
            statistics.appendAcknowledged()
            return .appended(report)
        case .failure(let error):
            logger.warning("append failed", metadata: ["code": "\(error.code)", "error": "\(error.message)"])
            return .error(error)
        }
    }

    /// A batch at least this long is decoded in two halves at once, one in a child task.
    static let parallelDecoding = 256

    /// Decodes and checks the shape of a batch's events; a long batch in two halves on two
    /// threads, the refusal still naming the first event (by its index) whose shape is wrong.
    static func decode(_ values: [JSONValue], today: CivilDate) async -> Result<[PendingEvent], ValidationError> {
        guard values.count >= parallelDecoding else {
            return Result { () throws(ValidationError) in try PendingEvent.batch(values, today: today) }
        }
        let half = values.count / 2
        let secondHalf = Array(values[half...])
        async let second = Result { () throws(ValidationError) in try PendingEvent.batch(secondHalf, today: today) }
        let first = Result { () throws(ValidationError) in try PendingEvent.batch(Array(values[..<half]), today: today) }
        switch (first, await second) {
        case (.failure(let error), _):
            return .failure(error)
        case (.success, .failure(let error)):
            return .failure(error.at(index: half + (error.index ?? 0)))
        case (.success(let head), .success(let tail)):
            return .success(head + tail)
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
        try await send(.exportDone(count: count), outbound)
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
                try await send(.error(ProtocolError(
                    .subscriberLagging,
                    "this subscriber is \(head - next + 1) events behind, more than \(configuration.maximumSubscriberLag): reconnect with from_seq \(next)",
                    seq: next
                )), outbound)
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
                Response.encodeEvent(exportLine: line, into: &bytes)
                count += 1
            }
            return (ByteBuffer(bytes: bytes), count, count > 0 ? first + UInt64(count) - 1 : nil)
        }
    }

    private func stats() throws -> DaemonStats {
        let head = try log.head()
        let uptime = ContinuousClock.now - statistics.started
        return DaemonStats(
            events: Int(head.seq), headSeq: head.seq, headHash: Hex.string(head.hash), connections: statistics.connections,
            appends: statistics.appends, uptimeSeconds: Int(uptime.components.seconds), storeBytes: try log.storeBytes()
        )
    }

    private func send(_ response: Response, _ outbound: Outbound) async throws {
        try await write(response.line, outbound)
    }

    private func write(_ bytes: [UInt8], _ outbound: Outbound) async throws {
        try await write(ByteBuffer(bytes: bytes), outbound)
    }

    private func write(_ buffer: ByteBuffer, _ outbound: Outbound) async throws {
        try await outbound.write(.bytes(buffer))
    }
}
