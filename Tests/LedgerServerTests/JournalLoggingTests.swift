import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// The real `ledgerd` logs for journald when `JOURNAL_STREAM` names its standard error, as
/// systemd sets it, and for a person otherwise.
@Suite struct JournalLoggingTests {
    /// Whether `line` holds an ISO 8601 timestamp such as swift-log's `StreamLogHandler` starts
    /// its lines with (at its start when `atStart`).
    static func hasTimestamp(_ line: Substring, atStart: Bool = false) -> Bool {
        let timestamp = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/
        return atStart ? line.prefixMatch(of: timestamp) != nil : line.firstMatch(of: timestamp) != nil
    }

    /// Starts the daemon with its standard error on `directory`'s log file, runs a ping, stops it
    /// and returns its log lines.
    private func runDaemon(directory: TemporaryDirectory, environment: [String: String]) throws -> [Substring] {
        let daemon = try DaemonProcess(arguments: ["--log-level", "debug"], environment: environment, directory: directory)
        try daemon.connect().ping()
        #expect(daemon.stop() == 0)
        return daemon.log.split(separator: "\n")
    }

    @Test func withJournalStreamNamingItsStandardErrorEachLineStartsWithItsPriority() throws {
        let directory = try TemporaryDirectory("ledgerd-journal")
        // DaemonProcess sends standard error to this file; systemd would name its stream the same way.
        let logFile = directory.appending("ledgerd.log")
        #expect(FileManager.default.createFile(atPath: logFile, contents: nil))
        var status = stat()
        #expect(stat(logFile, &status) == 0)
        let lines = try runDaemon(directory: directory, environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"])
        let log = lines.joined(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<6>starting ") && $0.contains(" writers_group=ledger") }, "\(log)")
        #expect(lines.contains { $0.hasPrefix("<6>ready events=0 read_threads=") && $0.hasSuffix(" socket=\(directory.path)/ledger.sock") }, "\(log)")
        #expect(lines.contains { $0.hasPrefix("<7>") }, "debug lines at priority 7: \(log)")
        #expect(lines.contains("<6>stopped appends=0"), "\(log)")
        for line in lines {
            #expect(line.wholeMatch(of: /<[0-7]>\S.*/) != nil, "no priority: \(line)")
            #expect(!Self.hasTimestamp(line), "a timestamp: \(line)")
        }
    }

    @Test func withoutJournalStreamLinesAreTimestampedForAPerson() throws {
        let lines = try runDaemon(directory: try TemporaryDirectory("ledgerd-journal"), environment: [:])
        let log = lines.joined(separator: "\n")
        #expect(lines.contains { $0.contains(" info ledgerd: events=0 read_threads=") && $0.hasSuffix("] ready") }, "\(log)")
        for line in lines {
            #expect(Self.hasTimestamp(line, atStart: true), "no timestamp: \(line)")
            #expect(!line.hasPrefix("<"), "a priority: \(line)")
        }
    }

    @Test func withJournalStreamNamingAnotherFileLinesAreTimestampedForAPerson() throws {
        let directory = try TemporaryDirectory("ledgerd-journal")
        let other = directory.appending("other")
        #expect(FileManager.default.createFile(atPath: other, contents: nil))
        var status = stat()
        #expect(stat(other, &status) == 0)
        let lines = try runDaemon(directory: directory, environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"])
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(Self.hasTimestamp(line, atStart: true), "no timestamp: \(line)")
        }
    }
}
