import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Clients that shut down their sending side after their last request, as `echo … | socat` and
/// `nc -N` do, against the real ledgerd: every request is answered, then the connection closes.
@Suite struct HalfCloseTests {
    /// Sends `text` on a new connection, shuts down the sending side, and reads until the daemon closes.
    private static func halfClosedExchange(_ socket: String, _ text: String) throws -> [String] {
        let descriptor = try UnixSocketAddress.connectedStream(to: socket)
        defer { close(descriptor) }
        var limit = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw DaemonFailure(message: "send failed: \(String(cString: strerror(errno)))") }
            offset += sent
        }
        shutdown(descriptor, Int32(SHUT_WR))
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw DaemonFailure(message: "no end of the answers: \(String(cString: strerror(errno)))") }
            received += chunk[0..<count]
        }
        return String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    private static func loadedDaemon() async throws -> DaemonProcess {
        let daemon = try DaemonProcess()
        let loaded = try await CommandRunner.run("ledger", ["append", Paths.exampleLedger, "--socket", daemon.socket])
        guard loaded.status == 0 else { throw DaemonFailure(message: "loading the example failed: \(loaded.errors)") }
        return daemon
    }

    @Test func everyPingBeforeAHalfCloseIsAnswered() throws {
        let daemon = try DaemonProcess()
        for _ in 0..<50 {
            #expect(try Self.halfClosedExchange(daemon.socket, #"{"op":"ping"}"# + "\n") == [#"{"ok":true,"pong":true}"#])
        }
        #expect(daemon.stop() == 0)
    }

    @Test func pipelinedAppendsBeforeAHalfCloseAreAllAnswered() throws {
        let daemon = try DaemonProcess()
        for round in 0..<10 {
            let line = "line-\(round)"
            let requests = [
                Events.announced(line),
                Events.event("funded", line, on: "2025-02-01", #""amount_pence":7"#),
                Events.event("funded", line, on: "2025-02-02", #""amount_pence":8"#),
            ].map { #"{"op":"append","events":["# + $0 + "]}" }
            let answers = try Self.halfClosedExchange(daemon.socket, requests.joined(separator: "\n"))
            #expect(answers.count == 3, "round \(round)")
            #expect(answers.allSatisfy { $0.hasPrefix(#"{"ok":true,"#) }, "round \(round): \(answers)")
        }
        #expect(daemon.stop() == 0)
    }

    @Test func pipelinedRequestsAndALastLineWithoutNewlineAreAllAnswered() async throws {
        let daemon = try await Self.loadedDaemon()
        let requests = [#"{"op":"ping"}"#, #"{"op":"history","line":"hillsborough-law"}"#, #"{"op":"nonsense"}"#, #"{"op":"ping"}"#]
        for _ in 0..<20 {
            let answers = try Self.halfClosedExchange(daemon.socket, requests.joined(separator: "\n"))
            #expect(answers.count == 4)
            #expect(answers.first == #"{"ok":true,"pong":true}"#)
            #expect(answers.dropFirst().first?.hasPrefix(#"{"ok":true,"events":["#) == true)
            #expect(answers.dropFirst(2).first?.contains(#""code":"invalid_request""#) == true)
            #expect(answers.last == #"{"ok":true,"pong":true}"#)
        }
        // A last line that is not a whole request is refused by name, then the connection closes.
        let cut = try Self.halfClosedExchange(daemon.socket, #"{"op":"ping"}"# + "\n" + #"{"op":"pi"#)
        #expect(cut.count == 2)
        #expect(cut.last?.contains(#""code":"invalid_json""#) == true)
        #expect(daemon.stop() == 0)
    }

    @Test func aWholeExportIsWrittenBeforeTheConnectionCloses() async throws {
        let daemon = try await Self.loadedDaemon()
        let client = try daemon.connect()
        let filler = (0..<3000).map { index in
            #"{"type":"funded","line":"child-abuse-image-database","effective":"2025-03-01","amount_pence":\#(index + 1),"source":{"title":"Filler \#(index)","publisher":"Test"}}"#
        }
        #expect(try client.append(filler).appended == 3000)
        let answers = try Self.halfClosedExchange(daemon.socket, #"{"op":"export","from_seq":1}"# + "\n")
        #expect(answers.count == 3025)
        #expect(answers.last?.hasPrefix(#"{"ok":true,"done":true,"count":3024"#) == true)
        #expect(daemon.stop() == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/socat"), "needs socat (deploy/packages.sh installs it)"))
    func theReadmesSocatLineRunsAsWritten() async throws {
        let daemon = try await Self.loadedDaemon()
        let result = try await CommandRunner.run("/bin/bash", ["-c",
            #"echo '{"op":"at","date":"2025-04-15","department":"home-office"}' | socat - UNIX-CONNECT:"$1""#, "bash", daemon.socket,
        ], absolute: true)
        #expect(result.status == 0, "\(result.errors)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1)
        let answer = try JSONParser.parse(Array((lines.first ?? "").utf8))
        #expect(answer.objectValue?["result"]?.objectValue?["at"] == JSONValue.string("2025-04-15"))
        #expect(daemon.stop() == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nc"), "needs nc from netcat-openbsd (deploy/packages.sh installs it)"))
    func theReadmesNetcatLineRunsAsWritten() async throws {
        let daemon = try DaemonProcess()
        let result = try await CommandRunner.run("/bin/bash", ["-c", #"echo '{"op":"ping"}' | nc -N -U "$1""#, "bash", daemon.socket], absolute: true)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output == #"{"ok":true,"pong":true}"# + "\n")
        #expect(daemon.stop() == 0)
    }
}
