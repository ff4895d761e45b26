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

/// What a connection is doing, shared between its task, its idle timer and the shutdown.
final class ConnectionState: Sendable {
    private struct Flags {
        var busy = false
        var subscribed = false
        var closing = false
    }

    private let flags = Mutex(Flags())
    let channel: Channel

    init(channel: Channel) {
        self.channel = channel
    }

    /// Marks a request as started; false when the daemon is shutting the connection down.
    func begin() -> Bool {
        flags.withLock { flags in
            if flags.closing { return false }
            flags.busy = true
            return true
        }
    }

    /// Marks the request as answered; true when the connection should now close.
    func end() -> Bool {
        flags.withLock { flags in
            flags.busy = false
            return flags.closing
        }
    }

    func subscribe() { flags.withLock { $0.subscribed = true } }

    var isSubscribed: Bool { flags.withLock { $0.subscribed } }

    /// False once the client went away or the daemon is shutting the connection down.
    var isOpen: Bool { channel.isActive && !flags.withLock { $0.closing } }

    /// Asks the connection to close once its request in flight is answered.
    func shutDown() {
        let closeNow = flags.withLock { flags -> Bool in
            flags.closing = true
            return !flags.busy || flags.subscribed
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
