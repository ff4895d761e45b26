import ArgumentParser
import Foundation

/// `ledger-stress crash`: kills `ledgerd` with SIGKILL at random moments under concurrent writers.
struct CrashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash",
        abstract: "Kill ledgerd at random moments under concurrent writers.",
        discussion: """
            Starts the ledgerd beside this program on a scratch store; writers (each with its own \
            connection, half sending single events and half batches of 2-50) append while the daemon \
            is killed with SIGKILL and restarted. Then it checks, against an export and verify, that \
            every acknowledged event is stored exactly once at the seq it was acknowledged at, that \
            every unanswered batch is wholly stored or wholly absent, that seq is dense, that `at` \
            agrees with the stored events and that the chain is intact. Exit status 1 on any violation.
            """
    )

    @Option(help: "How many times to kill the daemon.")
    var kills = 100

    @Option(help: "Concurrent writers, each with its own connection.")
    var writers = 8

    @Option(help: "The seed of event ids, batch sizes and kill moments.")
    var seed: UInt64 = 1

    @Option(name: .customLong("min-ms"), help: "The shortest wait before a kill, in milliseconds, counted from the restart.")
    var minimumMilliseconds = 20

    @Option(name: .customLong("max-ms"), help: "The longest wait before a kill, in milliseconds.")
    var maximumMilliseconds = 200

    @Option(help: ArgumentHelp("Keep the store and the daemon's log in this directory (made if missing; must not hold a store).", valueName: "dir"))
    var keep: String?

    /// Refuses options that make no run.
    func validate() throws {
        guard kills >= 0 else { throw ValidationError("--kills must be 0 or more") }
        // ledgerd serves 256 connections by default; the check's connection needs one too.
        guard (1...200).contains(writers) else { throw ValidationError("--writers must be from 1 to 200") }
        guard minimumMilliseconds >= 0, maximumMilliseconds >= minimumMilliseconds, maximumMilliseconds <= 600_000 else {
            throw ValidationError("--min-ms must be 0 or more and at most --max-ms, which is at most 600000")
        }
        if let keep, FileManager.default.fileExists(atPath: keep + "/state") {
            throw ValidationError("\(keep)/state already exists: give --keep a fresh directory")
        }
    }

    /// Runs the crashes, prints the summary, and fails when a rule was broken.
    func run() async throws {
        let runtime = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        let work = keep ?? runtime
        if let keep {
            try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
        }
        let run = CrashRun(
            kills: kills, writers: writers, seed: seed, delayMilliseconds: minimumMilliseconds...maximumMilliseconds,
            workDirectory: work, runtimeDirectory: runtime
        )
        let report = await run.run()
        for line in report.lines { print(line) }
        if let keep {
            print("kept: the store in \(keep)/state, the daemon's log in \(keep)/ledgerd.log")
        } else if !report.passed {
            // The evidence of a failure is worth more than the disk it takes.
            let kept = runtime + "-failed"
            try? FileManager.default.moveItem(atPath: runtime, toPath: kept)
            print("kept: the store and the daemon's log in \(kept)")
        }
        guard report.passed else { throw ExitCode.failure }
    }

    /// A fresh directory under /tmp, short enough for socket paths.
    private static func scratchDirectory() throws -> String {
        var template = Array("/tmp/ledger-crash-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ValidationError("cannot make a scratch directory in /tmp") }
        return String(cString: made)
    }
}
