import Foundation
import LedgerTestSupport
import Testing

/// One local user holding a thousand connections locks nobody else out: the hog runs as `nobody`
/// (through `setpriv`), a writer appends and a second user reads while it holds them.
@Suite struct FairConnectionsTests {
    /// Opens `count` connections to the socket, counts those the daemon refused and those it holds,
    /// prints both, and keeps the held ones open until its standard input closes.
    static let hog = """
        import socket, sys, time
        path, count = sys.argv[1], int(sys.argv[2])
        sockets = []
        for _ in range(count):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            sockets.append(s)
        time.sleep(1)
        held = refused = 0
        for s in sockets:
            s.setblocking(False)
            try:
                data = s.recv(4096)
            except BlockingIOError:
                held += 1
                continue
            if b'"too_many_connections"' in data:
                refused += 1
        print(f"held {held} refused {refused}", flush=True)
        sys.stdin.read()
        """

    static var canSwitchUsers: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit")
    }

    @Test(.enabled(if: canSwitchUsers, "needs root to run clients as other users, and setpriv, prlimit and Debian's python3"))
    func aThousandConnectionsFromOneUserLockNobodyOut() async throws {
        let daemon = try DaemonProcess()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: daemon.directory)
        let hog = Process()
        hog.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        hog.arguments = [
            "--nofile=4096:4096", "/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "/usr/bin/python3", "-c", Self.hog, daemon.socket, "1000",
        ]
        let input = Pipe()
        let output = Pipe()
        hog.standardInput = input
        hog.standardOutput = output
        try hog.run()
        defer {
            try? input.fileHandleForWriting.close()
            hog.waitUntilExit()
        }
        let report = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // The per-user limit (32 by default) holds; every other connection was told why.
        #expect(report == "held 32 refused 968")

        let clock = ContinuousClock()
        let started = clock.now
        let writer = try daemon.connect()
        #expect(try writer.append([Events.announced("while-hogged", amount: 5)]).appended == 1)
        let appended = clock.now - started
        let reader = try await CommandRunner.run("/usr/bin/setpriv", [
            "--reuid=4242", "--regid=4242", "--clear-groups", Paths.products + "/ledger", "stats", "--socket", daemon.socket,
        ], absolute: true)
        let read = clock.now - started - appended
        #expect(reader.status == 0, "\(reader.errors)")
        #expect(reader.output.contains("events"))
        // Served at once, not after the hog's connections time out.
        #expect(appended < .seconds(2))
        #expect(read < .seconds(2))
        #expect(daemon.log.contains("this user already holds 32 connections"))
        try? input.fileHandleForWriting.close()
        hog.waitUntilExit()
        #expect(daemon.stop() == 0)
    }
}
