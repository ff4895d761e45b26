import ArgumentParser

/// `ledger-stress`: runs a real `ledgerd` (the one beside this binary) through the faults a ledger
/// of record must survive, and prints what it saw.
@main
struct LedgerStress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger-stress",
        abstract: "Put a real ledgerd through crashes and hostile clients, and report what it saw.",
        subcommands: [CrashCommand.self, HostileClientsCommand.self, HeavyReadersCommand.self, ReaderLoopsCommand.self]
    )
}
