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

    /// Connects, pings and prints the answer and the milliseconds it took, connection included.
    static let pinger = """
        import socket, sys, time
        start = time.monotonic()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sys.argv[1])
        s.sendall(b'{"op":"ping"}\\n')
        answer = s.makefile('rb').readline().decode().strip()
        print(answer, round((time.monotonic() - start) * 1000), flush=True)
        """

    /// Runs `arguments` and returns what it printed (a blocking wait: the test's own task pool plays no part in the timing).
    static func output(of arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

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
        // A second reading user, uid 4242, connects and pings: the round trip as that client sees it.
        let reader = try Self.output(of: [
            "/usr/bin/setpriv", "--reuid=4242", "--regid=4242", "--clear-groups", "/usr/bin/python3", "-c", Self.pinger, daemon.socket,
        ]).split(separator: " ")
        #expect(reader.first == #"{"ok":true,"pong":true}"#)
        let pingMilliseconds = try #require(reader.last.flatMap { Int($0) })
        // Served at once, not after the hog's connections time out (--idle-timeout, 300 s).
        #expect(appended < .seconds(2))
        #expect(pingMilliseconds < 2000)
        #expect(daemon.log.contains("this user already holds 32 connections"))
        try? input.fileHandleForWriting.close()
        hog.waitUntilExit()
        #expect(daemon.stop() == 0)
    }
}
