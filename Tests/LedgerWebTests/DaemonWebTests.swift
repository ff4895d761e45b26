import Foundation
import LedgerCore
import LedgerHarness
import LedgerTestSupport
import Testing

/// The web interface served by a real `ledgerd --http`, beside its socket.
@Suite struct DaemonWebTests {
    @Test func atOverHTTPIsTheSocketsAnswer() throws {
        let port = try PlainHTTP.freePort()
        let daemon = try DaemonProcess(arguments: ["--http", "127.0.0.1:\(port)"])
        defer { _ = daemon.stop() }
        let connection = try daemon.connect()
        let lines = try String(contentsOfFile: Paths.exampleLedger, encoding: .utf8).split(separator: "\n").map(String.init)
        _ = try connection.append(lines)
        let result = try connection.at(date: try CivilDate.iso("2025-04-15"))
        let expected = atBytes(result)

        let answer = try PlainHTTP.get(port: port, "/api/at/2025-04-15")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/json")
        #expect(answer.body == expected)
        #expect(try PlainHTTP.get(port: port, "/api/at/2025-04-15", method: "POST").status == 405)
        // A graceful stop ends the web interface with the daemon.
        #expect(daemon.stop() == 0)
    }
}
