import NIOCore

/// One line read from a connection, or the news that a line was too long and was skipped.
public enum RequestFrame: Sendable {
    /// A complete line, without its newline.
    case line(ByteBuffer)
    /// A line over the limit (its length in bytes); it was discarded up to its newline.
    case tooLong(Int)
}

/// Splits a byte stream into newline-terminated lines of at most `maximumLength` bytes;
/// a longer line is discarded as it arrives (never buffered whole) and reported.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = RequestFrame

    let maximumLength: Int
    private var discarding = false
    private var discarded = 0

    init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding || buffer.readableBytes > maximumLength {
                discarding = true
                discarded += buffer.readableBytes
                buffer.moveReaderIndex(to: buffer.writerIndex)
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        if discarding || length > maximumLength {
            buffer.moveReaderIndex(forwardBy: length + 1)
            context.fireChannelRead(wrapInboundOut(.tooLong(discarded + length)))
            discarding = false
            discarded = 0
            return .continue
        }
        var line = buffer.readSlice(length: length) ?? ByteBuffer()
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1) ?? line
        }
        context.fireChannelRead(wrapInboundOut(.line(line)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last request without its newline is still a request.
        if buffer.readableBytes > 0 {
            if discarding || buffer.readableBytes > maximumLength {
                context.fireChannelRead(wrapInboundOut(.tooLong(discarded + buffer.readableBytes)))
            } else if let line = buffer.readSlice(length: buffer.readableBytes) {
                context.fireChannelRead(wrapInboundOut(.line(line)))
            }
            buffer.moveReaderIndex(to: buffer.writerIndex)
        }
        return .needMoreData
    }
}
