import Glibc
import LedgerTestSupport
import Testing
@testable import LedgerSystemd

@Suite struct SystemdNotifierTests {
    @Test func noNotifierWithoutNotifySocket() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"])?.socketPath == "/run/systemd/notify")
    }

    @Test func sendsEachStateToASocketFile() throws {
        let receiver = try DatagramReceiver(filePath: ())
        try expectProtocol(through: receiver)
    }

    @Test func sendsEachStateToAnAbstractSocket() throws {
        let receiver = try DatagramReceiver(abstractName: "ledger-test-\(UInt64.random(in: 0...UInt64.max))")
        try expectProtocol(through: receiver)
    }

    @Test func reachesAnAbstractNameThatFillsTheWholeAddress() throws {
        // 107 name bytes plus the leading NUL fill sun_path's 108 bytes exactly.
        let prefix = "ledger-test-\(UInt64.random(in: 0...UInt64.max))-"
        let name = prefix + String(repeating: "x", count: 107 - prefix.utf8.count)
        let receiver = try DatagramReceiver(abstractName: name)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifyPath]))
        try notifier.watchdog()
        #expect(receiver.receive() == "WATCHDOG=1")
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let receiver = try DatagramReceiver(filePath: ())
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifyPath]))
        let before = Self.monotonicMicroseconds()
        try notifier.reloading()
        let after = Self.monotonicMicroseconds()
        let message = try #require(receiver.receive())
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst(15)) : nil })
        #expect(stamp >= before && stamp <= after)
    }

    @Test(arguments: [
        "run/notify",
        "@",
        "/" + String(repeating: "p", count: 107),
        "@" + String(repeating: "a", count: 108),
    ])
    func refusesAddressesThatCannotBeReached(path: String) throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path]))
        do {
            try notifier.watchdog()
            Issue.record("notifying \(path) succeeded")
        } catch {
            #expect(error.code == .invalidAddress)
        }
    }

    @Test func reportsAMissingSocketWithItsErrno() throws {
        let directory = try UnixSockets.temporaryDirectory()
        defer { rmdir(directory) }
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": directory + "/absent"]))
        do {
            try notifier.ready()
            Issue.record("notifying a missing socket succeeded")
        } catch {
            #expect(error.code == .notifyFailed)
            #expect(error.errorNumber == ENOENT)
            #expect(error.message.hasPrefix("cannot notify \(directory)/absent: "))
        }
    }

    /// Sends every kind of state through `receiver` and checks the bytes that arrive.
    private func expectProtocol(through receiver: DatagramReceiver) throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifyPath]))
        try notifier.ready(status: "serving 24 events")
        #expect(receiver.receive() == "READY=1\nSTATUS=serving 24 events")
        try notifier.ready()
        #expect(receiver.receive() == "READY=1")
        try notifier.status("appending\nbatch 7")
        #expect(receiver.receive() == "STATUS=appending batch 7")
        try notifier.watchdog()
        #expect(receiver.receive() == "WATCHDOG=1")
        try notifier.stopping()
        #expect(receiver.receive() == "STOPPING=1")
        try notifier.notify("ERRNO=5")
        #expect(receiver.receive() == "ERRNO=5")
    }

    private static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
