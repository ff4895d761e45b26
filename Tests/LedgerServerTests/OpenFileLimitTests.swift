import Foundation
import LedgerClient
import LedgerTestSupport
import Testing

/// ledgerd started with a soft limit on open files below its connection limit (systemd's default
/// soft limit is 1024) still serves up to `--max-connections` and answers the next one (the
/// connection idle longest makes way for it, and is told so), instead of leaving new clients
/// waiting unanswered once it runs out of descriptors.
@Suite struct OpenFileLimitTests {
    @Test(.enabled(if: Host.has("/usr/bin/prlimit"), "needs prlimit (util-linux) to start ledgerd under a low limit"))
    func theConnectionLimitHoldsUnderALowSoftLimit() throws {
        // prlimit execs ledgerd with 64 descriptors allowed (the hard limit 4096 lets it raise that).
        let directory = try TemporaryDirectory("ledgerd-nofile")
        let daemon = try DaemonProcess(
            arguments: ["--max-connections", "100", "--log-level", "warning"], wrapper: ["/usr/bin/prlimit", "--nofile=64:4096"],
            in: directory.path, keeping: directory
        )
        let socket = daemon.socket

        var clients: [LedgerConnection] = []
        var answered = 0
        for _ in 0..<100 {
            // Reads give up after 5 s: a connection the daemon never accepted gets no answer.
            let client = try LedgerConnection(path: socket, timeout: .seconds(5))
            if (try? client.ping()) != nil { answered += 1 }
            clients.append(client)
            if answered < clients.count { break }
        }
        #expect(answered == 100)
        let beyond = try LedgerConnection(path: socket, timeout: .seconds(5))
        // Answered, not left waiting: a connection made way for it (which one is the roster's
        // business, tested in ConnectionRosterTests and CommandLineThroughDaemonTests).
        try beyond.ping()
        #expect(daemon.stop() == 0)
    }
}
