#if canImport(Glibc)
import Glibc
#endif

/// A failure talking to systemd or reading a socket's peer, with a stable code and a human message.
public struct SystemdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure callers act on differently.
    public enum Code: String, Sendable {
        /// `NOTIFY_SOCKET` names no address a datagram can be sent to.
        case invalidAddress = "invalid_address"
        /// Sending the notification datagram failed.
        case notifyFailed = "notify_failed"
        /// The kernel would not say who is at the other end of a socket.
        case peerCredentialsFailed = "peer_credentials_failed"
    }

    /// What kind of failure this is.
    public let code: Code
    /// What went wrong, for a log line or an operator.
    public let message: String
    /// The `errno` of the failing system call, when one failed.
    public let errorNumber: Int32?

    /// An error of kind `code` explained by `message`.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
        self.errorNumber = nil
    }

    /// An error of kind `code` from a system call that set `errno` to `errorNumber`.
    public init(code: Code, context: String, errorNumber: Int32) {
        self.code = code
        self.errorNumber = errorNumber
        let reason = strerror(errorNumber).map { String(cString: $0) } ?? "errno \(errorNumber)"
        self.message = "\(context): \(reason)"
    }

    /// The message.
    public var description: String { message }
}
