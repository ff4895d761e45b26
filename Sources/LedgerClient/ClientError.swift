import LedgerCore
import LedgerProtocol

/// Why a request to the daemon failed.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// The socket could not be reached: nothing listens there, or no permission.
    case unreachable(path: String, reason: String)
    /// The connection broke, or the daemon sent something that is not the protocol.
    case broken(String)
    /// The daemon answered with an error: its code, message, and the index, field or seq it names.
    case refused(ProtocolError)

    /// The daemon's error, when it refused the request.
    public var refusal: ProtocolError? {
        if case .refused(let error) = self { return error }
        return nil
    }

    /// One line for people, any control character in what the daemon said shown escaped.
    public var description: String {
        TerminalText.escaped(plainDescription)
    }

    private var plainDescription: String {
        switch self {
        case .unreachable(let path, let reason):
            "cannot reach ledgerd at \(path) (\(reason))"
        case .broken(let message):
            "the connection to ledgerd failed: \(message)"
        case .refused(let error):
            error.field.map { "\(error.code) (\($0)): \(error.message)" } ?? "\(error.code): \(error.message)"
        }
    }
}
