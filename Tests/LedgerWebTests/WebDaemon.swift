import LedgerClient
import LedgerHarness
import LedgerTestSupport

/// A real `ledgerd --http` on a free loopback port, holding the given files of events, and a
/// client of its socket; stopped when released.
final class WebDaemon {
    let port: Int
    let daemon: DaemonProcess
    let connection: LedgerConnection

    init(loading files: [String] = [Paths.exampleLedger]) throws {
        port = try PlainHTTP.freePort()
        daemon = try DaemonProcess(arguments: ["--http", "127.0.0.1:\(port)"])
        connection = try daemon.connect()
        for file in files {
            _ = try connection.append(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init))
        }
    }

    /// The full address of `path`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    deinit { daemon.stop() }
}
