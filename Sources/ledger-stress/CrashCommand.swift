import ArgumentParser

/// `ledger-stress crash`: kills `ledgerd` with SIGKILL at random moments under concurrent writers.
struct CrashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crash", abstract: "Kill ledgerd at random moments under concurrent writers.")

    func run() throws {
        throw ValidationError("crash: not built yet")
    }
}
