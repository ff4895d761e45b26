import ArgumentParser

/// `ledger-stress clients`: idle, slow and non-reading clients all at once, while a new client pings.
struct HostileClientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clients", abstract: "Hold hostile clients against ledgerd and time a new client's ping.")

    func run() throws {
        throw ValidationError("clients: not built yet")
    }
}
