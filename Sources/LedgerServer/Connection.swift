import LedgerSystemd
import NIOCore
import Synchronization

/// An accepted connection: its channel, who is at the other end, and what it is doing.
struct Connection: Sendable {
    let channel: NIOAsyncChannel<RequestFrame, ByteBuffer>
    let peer: PeerCredentials?
    let state: ConnectionState
    /// Over the connection limit: told so and closed.
    let refused: Bool
}

/// What a connection is doing, shared between its task, its line decoder, its idle timer and the
/// shutdown: on shutdown a connection closes only once it has answered every request it has
/// received, including one whose bytes were still arriving.
final class ConnectionState: Sendable {
    private struct Flags {
        /// A request is being answered.
        var busy = false
        /// Complete lines decoded but not yet taken by the connection's task.
        var queued = 0
        /// Part of a line has arrived.
        var receiving = false
        var subscribed = false
        var closing = false

        var isQuiet: Bool { !busy && queued == 0 && !receiving }
    }

    private let flags = Mutex(Flags())
    let channel: Channel

    init(channel: Channel) {
        self.channel = channel
    }

    /// The decoder delivered a complete line.
    func lineDecoded() { flags.withLock { $0.queued += 1 } }

    /// The decoder holds (or no longer holds) part of a line.
    func partialLine(_ receiving: Bool) {
        let closeNow = flags.withLock { flags -> Bool in
            flags.receiving = receiving
            return flags.closing && flags.isQuiet
        }
        if closeNow { channel.close(promise: nil) }
    }

    /// Marks a request as taken up.
    func begin() {
        flags.withLock { flags in
            flags.queued = max(0, flags.queued - 1)
            flags.busy = true
        }
    }

    /// Marks the request as answered; true when the connection should now close.
    func end() -> Bool {
        flags.withLock { flags in
            flags.busy = false
            return flags.closing && flags.isQuiet
        }
    }

    func subscribe() { flags.withLock { $0.subscribed = true } }

    var isSubscribed: Bool { flags.withLock { $0.subscribed } }

    /// False once the client went away or the daemon is shutting the connection down.
    var isOpen: Bool { channel.isActive && !flags.withLock { $0.closing } }

    /// Asks the connection to close once it has answered everything it has received.
    func shutDown() {
        let closeNow = flags.withLock { flags -> Bool in
            flags.closing = true
            return flags.isQuiet || flags.subscribed
        }
        if closeNow { channel.close(promise: nil) }
    }
}

/// Closes a connection that has sent nothing for the idle timeout, unless it is subscribed.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = RequestFrame
    typealias InboundOut = RequestFrame

    let state: ConnectionState

    init(state: ConnectionState) {
        self.state = state
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            if !state.isSubscribed { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
