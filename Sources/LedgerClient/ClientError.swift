/// Why a request to the daemon failed.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// The socket could not be reached: nothing listens there, or no permission.
    case unreachable(path: String, reason: String)
    /// The connection broke, or the daemon sent something that is not the protocol.
    case broken(String)
    /// The daemon answered with an error.
    case refused(code: String, message: String, index: Int?, field: String?)

    /// One line for people.
    public var description: String {
        switch self {
        case .unreachable(let path, let reason):
            "cannot reach ledgerd at \(path) (\(reason))"
        case .broken(let message):
            "the connection to ledgerd failed: \(message)"
        case .refused(let code, let message, _, let field):
            field.map { "\(code) (\($0)): \(message)" } ?? "\(code): \(message)"
        }
    }
}
