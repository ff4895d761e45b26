import LedgerSystemd
import NIOCore
import NIOExtras

/// An accepted connection: its channel, who is at the other end, and whether it may append.
struct Connection: Sendable {
    let channel: NIOAsyncChannel<RequestFrame, ResponsePart>
    let peer: PeerCredentials?
    let mayWrite: Bool
}

/// What a connection's task writes: the bytes of an answer, and the news that an answer is
/// complete or that the connection now follows the log.
public enum ResponsePart: Sendable {
    /// Bytes of the answer being sent.
    case bytes(ByteBuffer)
    /// The answer to one request is complete.
    case answered
    /// The connection has subscribed: it now streams events until it closes.
    case subscribed
}

/// Told to a connection chosen to make room for a new one; it says so in one line and closes once
/// it has answered what it is answering.
struct EvictionEvent: Sendable {
    let notice: ByteBuffer
}

/// The rules of one connection's life, apart from any I/O: which requests it has yet to answer,
/// and when it should close. A connection closes
/// - once it has answered everything it received, after its client shut down its sending side
///   (half-close: `echo … | socat`, `nc -N`), so every request gets its answer;
/// - once it has answered everything, including a request whose bytes were still arriving, when
///   the daemon shuts down (a subscription closes at once);
/// - when it has been idle for the idle timeout, unless it is answering or subscribed;
/// - when it is evicted to make room, after a one-line notice, once it has answered what it had.
struct ConnectionStateMachine {
    /// What the handler should do next.
    enum Action: Equatable {
        case nothing
        /// Close once every byte written so far is written.
        case closeAfterWrites
        /// Write the eviction notice, then close once it is written.
        case noticeThenClose
        /// Close now.
        case closeNow
    }

    /// Requests received and not yet answered.
    private(set) var unanswered = 0
    /// Part of a line has arrived.
    private(set) var receiving = false
    private(set) var subscribed = false
    private var inputClosed = false
    private var quiescing = false
    private var evicted = false
    private var closing = false

    /// Whether it is answering nothing and holds no part of a request: it may be evicted.
    var isQuiet: Bool { unanswered == 0 && !receiving && !subscribed }

    /// A complete request line arrived: true when it is to be answered (an evicted connection
    /// answers nothing new).
    mutating func requestReceived() -> Bool {
        if evicted || closing { return false }
        unanswered += 1
        return true
    }

    /// Part of a line is (or is no longer) held by the line decoder.
    mutating func partialLine(_ held: Bool) -> Action {
        receiving = held
        return closeIfDone()
    }

    /// The answer to one request is complete.
    mutating func answered() -> Action {
        unanswered = max(0, unanswered - 1)
        return closeIfDone()
    }

    /// The connection streams events from now on.
    mutating func subscribe() -> Action {
        subscribed = true
        return quiescing ? close(.closeNow) : .nothing
    }

    /// The client shut down its sending side.
    mutating func inputEnded() -> Action {
        inputClosed = true
        receiving = false
        return closeIfDone()
    }

    /// The daemon is shutting down.
    mutating func quiesce() -> Action {
        quiescing = true
        if subscribed { return close(.closeNow) }
        return closeIfDone()
    }

    /// The connection was chosen to make room.
    mutating func evict() -> Action {
        evicted = true
        return closeIfDone()
    }

    /// Nothing arrived for the idle timeout.
    mutating func idle() -> Action {
        unanswered == 0 && !subscribed ? close(.closeNow) : .nothing
    }

    private mutating func closeIfDone() -> Action {
        guard !closing, unanswered == 0, !subscribed || quiescing else { return .nothing }
        if evicted { return close(.noticeThenClose) }
        if inputClosed || (quiescing && !receiving) { return close(.closeAfterWrites) }
        return .nothing
    }

    private mutating func close(_ action: Action) -> Action {
        if closing { return .nothing }
        closing = true
        return action
    }
}

/// One connection's handler, between the line decoder and the connection's task: it carries the
/// requests in and the answers out, and closes the connection when `ConnectionStateMachine` says.
/// Everything it holds is touched only on the connection's event loop.
final class ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = RequestFrame
    typealias InboundOut = RequestFrame
    typealias OutboundIn = ResponsePart
    typealias OutboundOut = ByteBuffer

    private var machine = ConnectionStateMachine()
    private var lastWrite: EventLoopFuture<Void>?
    private var eviction: ByteBuffer?
    private let seat: ConnectionSeat?

    /// A handler reporting whether the connection is quiet to `seat`, the connection's place in the roster.
    init(seat: ConnectionSeat?) {
        self.seat = seat
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard machine.requestReceived() else { return }
        seat?.quiet(false)
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let partial as PartialLineEvent:
            perform(machine.partialLine(partial.held), context)
        case ChannelEvent.inputClosed:
            // The line decoder has just passed on a last line without its newline, if there was
            // one: the connection's task takes up what was read at the end of a read.
            context.fireChannelReadComplete()
            // Not passed on: the connection's task would end with the stream and close the
            // connection before its last answers were written.
            perform(machine.inputEnded(), context)
        case is ChannelShouldQuiesceEvent:
            perform(machine.quiesce(), context)
        case let eviction as EvictionEvent:
            self.eviction = eviction.notice
            perform(machine.evict(), context)
        case let idle as IdleStateHandler.IdleStateEvent where idle == .read:
            perform(machine.idle(), context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .bytes(let buffer):
            let written = context.eventLoop.makePromise(of: Void.self)
            context.write(wrapOutboundOut(buffer), promise: written)
            written.futureResult.cascade(to: promise)
            lastWrite = written.futureResult
        case .answered:
            promise?.succeed()
            perform(machine.answered(), context)
        case .subscribed:
            promise?.succeed()
            perform(machine.subscribe(), context)
        }
    }

    private func perform(_ action: ConnectionStateMachine.Action, _ context: ChannelHandlerContext) {
        seat?.quiet(machine.isQuiet)
        switch action {
        case .nothing:
            return
        case .closeNow:
            context.close(promise: nil)
        case .closeAfterWrites:
            closeAfterWrites(context)
        case .noticeThenClose:
            if let notice = eviction {
                let written = context.eventLoop.makePromise(of: Void.self)
                context.writeAndFlush(wrapOutboundOut(notice), promise: written)
                lastWrite = written.futureResult
            }
            closeAfterWrites(context)
        }
    }

    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        context.flush()
        guard let lastWrite else {
            context.close(promise: nil)
            return
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        lastWrite.whenComplete { _ in bound.value.close(promise: nil) }
    }
}
