import NIOCore

/// One line read from a connection, or the news that a line was too long and was skipped.
public enum RequestFrame: Sendable {
    /// A complete line, without its newline.
    case line(ByteBuffer)
    /// A line over the limit (its length in bytes); it was discarded up to its newline.
    case tooLong(Int)
}

/// Sent on by the line decoder when it starts or stops holding part of a line: a connection shutting
/// down waits for a request whose bytes are still arriving.
struct PartialLineEvent: Sendable {
    let held: Bool
}

/// Splits a byte stream into newline-terminated lines of at most `maximumLength` bytes;
/// a longer line is discarded as it arrives (never buffered whole) and reported.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = RequestFrame

    let maximumLength: Int
    private var holdingPartialLine = false
    private var discarding = false
    private var discarded = 0
    /// How far into the buffered partial line the search for its newline has got, so a long
    /// line arriving in many reads is scanned once, not once per read.
    private var scanned = 0

    init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let unscanned = buffer.readableBytesView.dropFirst(min(scanned, buffer.readableBytes))
        guard let newline = unscanned.firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = buffer.readableBytes
            if discarding || buffer.readableBytes > maximumLength {
                discarding = true
                discarded += buffer.readableBytes
                buffer.moveReaderIndex(to: buffer.writerIndex)
                scanned = 0
            }
            report(holding: true, context)
            return .needMoreData
        }
        scanned = 0
        let length = newline - buffer.readerIndex
        if discarding || length > maximumLength {
            buffer.moveReaderIndex(forwardBy: length + 1)
            let total = discarded + length
            discarding = false
            discarded = 0
            deliver(.tooLong(total), buffer, context)
            return .continue
        }
        var line = buffer.readSlice(length: length) ?? ByteBuffer()
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1) ?? line
        }
        deliver(.line(line), buffer, context)
        return .continue
    }

    private mutating func deliver(_ frame: RequestFrame, _ buffer: ByteBuffer, _ context: ChannelHandlerContext) {
        context.fireChannelRead(wrapInboundOut(frame))
        report(holding: buffer.readableBytes > 0, context)
    }

    private mutating func report(holding: Bool, _ context: ChannelHandlerContext) {
        guard holding != holdingPartialLine else { return }
        holdingPartialLine = holding
        context.fireUserInboundEventTriggered(PartialLineEvent(held: holding))
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last request without its newline is still a request.
        if buffer.readableBytes > 0 {
            let remaining = buffer.readableBytes
            if discarding || remaining > maximumLength {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                deliver(.tooLong(discarded + remaining), buffer, context)
            } else if let line = buffer.readSlice(length: remaining) {
                deliver(.line(line), buffer, context)
            }
        }
        return .needMoreData
    }
}
