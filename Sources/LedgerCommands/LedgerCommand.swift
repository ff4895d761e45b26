import ArgumentParser
import LedgerCore

/// `ledger`: the command line of the commitment ledger.
public struct LedgerCommand: ParsableCommand {
    /// The command's help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "An immutable, sourced record of government commitments, queried by date.",
        discussion: """
            Commands talk to ledgerd through its socket (--socket, $LEDGER_SOCKET, default /run/ledger/ledger.sock), \
            or with --db DIR (or $LEDGER_DB) open the ledger's LMDB environment directly. \
            Dates are civil dates in Europe/London; money is shown as £10m, £2.5m, £250k.
            """,
        version: LedgerVersion.current,
        subcommands: [
            AtCommand.self, AppendCommand.self, HistoryCommand.self, DiffCommand.self, VerifyCommand.self,
            ExportCommand.self, BackupCommand.self, RebuildCommand.self, TailCommand.self, StatsCommand.self, MoneyCommand.self,
        ]
    )

    /// Creates the command (ArgumentParser fills it in).
    public init() {}
}
