import Foundation
import LedgerHarness

extension DaemonProcess {
    /// `ledgerd` started in `directory` (a fresh scratch directory if none is given): its state in
    /// `state`, its socket `ledger.sock` and its log `ledgerd.log`; ready once it says READY=1.
    public convenience init(arguments: [String] = [], environment: [String: String] = [:], directory: TemporaryDirectory? = nil) throws {
        let directory = try directory ?? TemporaryDirectory("ledgerd")
        try self.init(arguments: arguments, environment: environment, in: directory.path, keeping: directory)
    }

    /// `ledgerd` started in the directory at `path`, as another daemon's directory: the same state.
    public convenience init(
        arguments: [String] = [], environment: [String: String] = [:], wrapper: [String] = [], readiness: Readiness? = nil,
        in path: String, keeping scratch: TemporaryDirectory? = nil
    ) throws {
        self.init(
            stateDirectory: path + "/state", directory: path, logFile: path + "/ledgerd.log", arguments: arguments,
            environment: environment, wrapper: wrapper, readiness: readiness, keeping: scratch
        )
        try start()
    }
}
