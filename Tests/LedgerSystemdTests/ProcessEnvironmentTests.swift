import Glibc
import LedgerTestSupport
import Testing
@testable import LedgerSystemd

/// The tests that change this process's environment, run one at a time.
@Suite(.serialized) struct ProcessEnvironmentTests {
    @Test func takeFromProcessUnsetsTheListenVariables() {
        setenv("LISTEN_PID", "\(getpid() + 1)", 1)
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_FDNAMES", "ledger.socket", 1)

        #expect(ListenedSockets.takeFromProcess() == [])

        #expect(getenv("LISTEN_PID") == nil)
        #expect(getenv("LISTEN_FDS") == nil)
        #expect(getenv("LISTEN_FDNAMES") == nil)
    }

    @Test func notifierFromProcessEnvironment() throws {
        let saved = getenv("NOTIFY_SOCKET").map { String(cString: $0) }
        defer {
            if let saved { setenv("NOTIFY_SOCKET", saved, 1) } else { unsetenv("NOTIFY_SOCKET") }
        }
        unsetenv("NOTIFY_SOCKET")
        #expect(SystemdNotifier.fromProcessEnvironment() == nil)
        setenv("NOTIFY_SOCKET", "", 1)
        #expect(SystemdNotifier.fromProcessEnvironment() == nil)

        let receiver = try DatagramReceiver(abstractName: "ledger-test-\(UInt64.random(in: 0...UInt64.max))")
        setenv("NOTIFY_SOCKET", receiver.notifyPath, 1)
        let notifier = try #require(SystemdNotifier.fromProcessEnvironment())
        try notifier.ready(status: "serving 0 events")
        #expect(receiver.receive() == "READY=1\nSTATUS=serving 0 events")
    }
}
