import ArgumentParser
import Foundation
import LedgerClient
import LedgerCore
import LedgerHarness
import LedgerProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Heavy readers: connections that ask for `verify`, or export the whole ledger, over and over,
/// each on a thread of its own, until told to stop.
final class ReaderLoops: Sendable {
    /// What the loops got done.
    struct Tally: Sendable {
        var verifies = 0
        var exports = 0
        var exportedEvents = 0
        var failures = 0
    }

    private let tally = Mutex(Tally())
    private let stopping = Atomic<Bool>(false)
    private let group = DispatchGroup()

    /// Starts `verify` and `export` loops on `socket`, on threads of this process.
    init(socket: String, verify: Int, export: Int) {
        for index in 0..<(verify + export) {
            let verifying = index < verify
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                loop(socket: socket, verifying: verifying)
            }
        }
    }

    /// Stops the loops once each has finished the request it is in, and returns what they did.
    func stop() -> Tally {
        stopping.store(true, ordering: .relaxed)
        group.wait()
        return tally.withLock { $0 }
    }

    private func loop(socket: String, verifying: Bool) {
        let request = verifying ? Request.verify.line : Request.export(fromSeq: 1).line
        guard let connection = try? LedgerConnection(path: socket, timeout: .seconds(120)) else {
            tally.withLock { $0.failures += 1 }
            return
        }
        while !stopping.load(ordering: .relaxed) {
            do {
                try connection.send(raw: request)
                var events = 0
                while true {
                    guard let line = try connection.receiveLine() else { throw ClientError.broken("the daemon closed the connection") }
                    if line.starts(with: Array(#"{"event":"#.utf8)) {
                        events += 1
                        continue
                    }
                    guard line.starts(with: Array(#"{"ok":true"#.utf8)) else {
                        throw ClientError.broken(String(decoding: line.prefix(200), as: UTF8.self))
                    }
                    break
                }
                tally.withLock { tally in
                    if verifying {
                        tally.verifies += 1
                    } else {
                        tally.exports += 1
                        tally.exportedEvents += events
                    }
                }
            } catch {
                tally.withLock { $0.failures += 1 }
                return
            }
        }
    }

    /// The loops of `ledger-stress readers`: in a child process as `nobody` when this one is root (so
    /// they are a reader that may not write, as any local user is), else on threads of this process.
    static func start(socket: String, verify: Int, export: Int) throws -> RunningReaders {
        if getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            return try RunningReaders(childAs: "nobody", socket: socket, verify: verify, export: export)
        }
        return RunningReaders(local: ReaderLoops(socket: socket, verify: verify, export: export))
    }
}

/// Reader loops running somewhere: in a child process run as another user, or in this one.
final class RunningReaders {
    private let local: ReaderLoops?
    private let child: Process?
    private let input: Pipe?
    private let output: Pipe?
    /// Who the readers run as, for the report.
    let asUser: String

    init(local: ReaderLoops) {
        self.local = local
        child = nil
        input = nil
        output = nil
        asUser = "as uid \(getuid()), in this process (not root: they run as the current user)"
    }

    init(childAs user: String, socket: String, verify: Int, export: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=\(user)", "--regid=nogroup", "--clear-groups", Products.path("ledger-stress"), "reader-loops",
            "--socket", socket, "--verify", "\(verify)", "--export", "\(export)",
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        local = nil
        child = process
        self.input = input
        self.output = output
        asUser = "as \(user), in a process of their own (setpriv)"
    }

    /// Stops the loops and returns what they did.
    func stop() -> ReaderLoops.Tally {
        if let local { return local.stop() }
        guard let child, let input, let output else { return ReaderLoops.Tally() }
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        var tally = ReaderLoops.Tally(failures: child.terminationStatus == 0 ? 0 : 1)
        for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = field.split(separator: "=")
            guard parts.count == 2, let value = Int(parts[1]) else { continue }
            switch parts[0] {
            case "verifies": tally.verifies = value
            case "exports": tally.exports = value
            case "events": tally.exportedEvents = value
            case "failures": tally.failures += value
            default: break
            }
        }
        return tally
    }
}

/// `ledger-stress reader-loops`: the reader loops, run until standard input closes (started by
/// `ledger-stress readers` under another user).
struct ReaderLoopsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader-loops",
        abstract: "Loop on verify and export against a socket until standard input closes.",
        shouldDisplay: false
    )

    @Option var socket: String
    @Option var verify = 4
    @Option var export = 4

    func run() throws {
        let loops = ReaderLoops(socket: socket, verify: verify, export: export)
        _ = FileHandle.standardInput.readDataToEndOfFile()
        let tally = loops.stop()
        print("verifies=\(tally.verifies) exports=\(tally.exports) events=\(tally.exportedEvents) failures=\(tally.failures)")
    }
}
