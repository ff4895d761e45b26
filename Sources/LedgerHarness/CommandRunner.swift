import Foundation
import Subprocess
import SystemPackage

/// How a program ran: its exit status and what it printed.
public struct CommandResult: Sendable {
    /// The exit status; 128 + the signal's number when a signal ended it, as a shell says.
    public var status: Int32
    /// What it printed on standard output.
    public var output: String
    /// What it printed on standard error.
    public var errors: String

    /// A result as given.
    public init(status: Int32, output: String, errors: String) {
        self.status = status
        self.output = output
        self.errors = errors
    }
}

/// Runs programs to the end as a user would (`ledger`, `ledgerd`, `ledger-stress`, `mdb_stat`,
/// `python3`, scripts), collecting their output and exit status.
public enum CommandRunner {
    /// The most output collected from one stream; a program printing more fails the run.
    public static let outputLimit = 256 << 20

    /// Runs `name` (a program of this package, or with `absolute` the program at that path) with
    /// `arguments`, feeding `input` on standard input. `environment` changes this process's
    /// environment (a nil value removes the variable); `LEDGER_DB` is never passed on, so a
    /// command uses the store or socket it is given. A program still running after `limit` is
    /// killed, and the run fails rather than hangs.
    public static func run(
        _ name: String, _ arguments: [String], input: String? = nil, environment: [String: String?] = [:],
        absolute: Bool = false, within limit: Duration = .seconds(120)
    ) async throws -> CommandResult {
        let path = absolute ? name : Products.path(name)
        var changes: [Environment.Key: String?] = ["LEDGER_DB": nil]
        for (key, value) in environment {
            guard let key = Environment.Key(rawValue: key) else { throw DaemonFailure(message: "\(key) cannot name an environment variable") }
            changes[key] = value
        }
        let configuration = Configuration(
            executable: .path(FilePath(path)), arguments: Arguments(arguments), environment: .inherit.updating(changes)
        )
        return try await withThrowingTaskGroup(of: CommandResult?.self) { group in
            group.addTask {
                let result = if let input {
                    try await Subprocess.run(
                        configuration, input: .string(input), output: .string(limit: outputLimit), error: .string(limit: outputLimit)
                    )
                } else {
                    try await Subprocess.run(
                        configuration, input: .none, output: .string(limit: outputLimit), error: .string(limit: outputLimit)
                    )
                }
                let status: Int32 = switch result.terminationStatus {
                case .exited(let code): code
                case .signaled(let signal): 128 + signal
                }
                return CommandResult(status: status, output: result.standardOutput, errors: result.standardError)
            }
            // Cancelling the run kills the program.
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else {
                throw DaemonFailure(message: "\(([path] + arguments).joined(separator: " ")) did not finish within \(limit) and was killed")
            }
            return first
        }
    }
}

extension CommandRunner {
    /// Starts `name` (a program of this package) with `arguments`, runs `meanwhile` while it runs,
    /// and returns the first line it prints, without its newline; then stops it with SIGTERM, as
    /// a user stops a command that runs until interrupted (`ledger tail`). Nil when it printed no
    /// line within `limit`, or ended first.
    public static func firstLine(
        of name: String, _ arguments: [String], within limit: Duration = .seconds(30),
        meanwhile: () async throws -> Void
    ) async throws -> String? {
        let configuration = Configuration(
            executable: .path(FilePath(Products.path(name))), arguments: Arguments(arguments),
            environment: .inherit.updating(["LEDGER_DB": nil])
        )
        let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .discarded) { execution in
            let pid = execution.processIdentifier.value
            // A program that prints nothing is stopped after `limit`, which ends its output.
            let watchdog = Task {
                try await Task.sleep(for: limit)
                kill(pid, SIGTERM)
            }
            defer { watchdog.cancel() }
            try await meanwhile()
            var first: String?
            for try await line in execution.standardOutput.strings() {
                first = line
                break
            }
            try? execution.send(signal: .terminate)
            return first
        }
        return result.closureResult
    }
}
