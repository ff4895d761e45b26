import NIOCore
import NIOEmbedded
import NIOExtras
import Testing

@testable import LedgerServer

/// One connection's framing and life, in memory: the line decoder and the connection handler in an
/// `EmbeddedChannel`, with the test playing both the client (inbound bytes and events) and the
/// connection's task (answers written out).
@Suite struct ConnectionHandlerTests {
    private static func connection(maximumLength: Int = 64) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: maximumLength)))
        try channel.pipeline.syncOperations.addHandler(ConnectionHandler(seat: nil))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    private static func lines(_ channel: EmbeddedChannel) throws -> [String] {
        var lines: [String] = []
        while let frame = try channel.readInbound(as: RequestFrame.self) {
            switch frame {
            case .line(let buffer): lines.append(String(buffer: buffer))
            case .tooLong(let length): lines.append("too long: \(length)")
            }
        }
        return lines
    }

    private static func answer(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeOutbound(ResponsePart.bytes(ByteBuffer(string: text + "\n")))
        try channel.writeOutbound(ResponsePart.answered)
    }

    private static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func linesAreSplitOnNewlinesAndACarriageReturnIsDropped() throws {
        let channel = try Self.connection()
        try channel.writeInbound(ByteBuffer(string: "{\"op\":\"ping\"}\n{\"op\":\"stats\"}\r\n{\"op\""))
        #expect(try Self.lines(channel) == [#"{"op":"ping"}"#, #"{"op":"stats"}"#])
        try channel.writeInbound(ByteBuffer(string: ":\"verify\"}\n"))
        #expect(try Self.lines(channel) == [#"{"op":"verify"}"#])
    }

    @Test func anOverLongLineIsReportedByLengthAndTheNextLineIsRead() throws {
        let channel = try Self.connection(maximumLength: 8)
        // Arriving in pieces with no newline, it is discarded as it comes, never buffered whole.
        for _ in 0..<10 { try channel.writeInbound(ByteBuffer(string: "0123456789")) }
        #expect(try Self.lines(channel) == [])
        try channel.writeInbound(ByteBuffer(string: "01\nping\n"))
        #expect(try Self.lines(channel) == ["too long: 102", "ping"])
    }

    @Test func afterAHalfCloseEveryRequestIsAnsweredThenTheConnectionCloses() throws {
        let channel = try Self.connection()
        // Two pipelined requests, the last without its newline, then the client shuts down its sending side.
        try channel.writeInbound(ByteBuffer(string: "first\nsecond"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try Self.lines(channel) == ["first", "second"])
        #expect(channel.isActive)
        try Self.answer(channel, "answer 1")
        #expect(channel.isActive)
        try Self.answer(channel, "answer 2")
        #expect(try Self.written(channel) == "answer 1\nanswer 2\n")
        #expect(!channel.isActive)
    }

    @Test func aHalfCloseWithNothingToAnswerClosesAtOnce() throws {
        let channel = try Self.connection()
        try channel.writeInbound(ByteBuffer(string: "first\n"))
        _ = try Self.lines(channel)
        try Self.answer(channel, "answer")
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(!channel.isActive)
    }

    @Test func anIdleConnectionClosesUnlessItIsAnsweringOrSubscribed() throws {
        let busy = try Self.connection()
        try busy.writeInbound(ByteBuffer(string: "export\n"))
        busy.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(busy.isActive)

        let subscribed = try Self.connection()
        try subscribed.writeInbound(ByteBuffer(string: "subscribe\n"))
        try subscribed.writeOutbound(ResponsePart.subscribed)
        subscribed.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(subscribed.isActive)

        let idle = try Self.connection()
        try idle.writeInbound(ByteBuffer(string: "ping\n"))
        try Self.answer(idle, "pong")
        idle.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(!idle.isActive)
    }

    @Test func onShutdownARequestStillArrivingIsAnsweredBeforeTheConnectionCloses() throws {
        let channel = try Self.connection()
        try channel.writeInbound(ByteBuffer(string: "first\nsec"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        try Self.answer(channel, "answer 1")
        #expect(channel.isActive, "part of the second request has arrived")
        try channel.writeInbound(ByteBuffer(string: "ond\n"))
        #expect(try Self.lines(channel) == ["first", "second"])
        try Self.answer(channel, "answer 2")
        #expect(!channel.isActive)
    }

    @Test func onShutdownAQuietConnectionAndASubscriptionCloseAtOnce() throws {
        let quiet = try Self.connection()
        quiet.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!quiet.isActive)

        let subscribed = try Self.connection()
        try subscribed.writeInbound(ByteBuffer(string: "subscribe\n"))
        try subscribed.writeOutbound(ResponsePart.subscribed)
        subscribed.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!subscribed.isActive)
    }

    @Test func anEvictedConnectionIsToldWhyInOneLineAndCloses() throws {
        let channel = try Self.connection()
        try channel.writeInbound(ByteBuffer(string: "at\n"))
        channel.pipeline.fireUserInboundEventTriggered(EvictionEvent(notice: ByteBuffer(string: "evicted\n")))
        #expect(channel.isActive, "it answers what it was answering first")
        try channel.writeInbound(ByteBuffer(string: "ping\n"))
        #expect(try Self.lines(channel) == ["at"], "nothing new is taken up")
        try Self.answer(channel, "result")
        #expect(try Self.written(channel) == "result\nevicted\n")
        #expect(!channel.isActive)
    }
}
