import Glibc
import LedgerTestSupport
import Logging
import Testing
@testable import LedgerSystemd

/// A file open for writing, read back whole: where a handler under test writes.
private final class LogFile {
    let directory: TemporaryDirectory
    let path: String
    let descriptor: Int32

    init() throws {
        directory = try TemporaryDirectory("ledger-journal")
        path = directory.appending("log")
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DaemonFailure(message: "open failed: errno \(errno)") }
    }

    deinit { close(descriptor) }

    /// `DEVICE:INODE` of the file, as systemd puts it in `JOURNAL_STREAM`.
    var journalStream: String {
        var status = stat()
        fstat(descriptor, &status)
        return "\(status.st_dev):\(status.st_ino)"
    }

    var text: String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "ledgerd") { _ in JournalLogHandler(descriptor: self.descriptor, metadataProvider: nil) }
        logger.logLevel = level
        return logger
    }
}

@Suite struct JournalLogHandlerTests {
    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func eachLevelHasItsSyslogPriority(_ level: Logger.Level, _ priority: Int) {
        #expect(JournalLogHandler.priority(of: level) == priority)
        #expect(JournalLogHandler.line(level: level, message: "m", metadata: [:]) == "<\(priority)>m\n")
    }

    @Test func linesCarryThePriorityTheMessageAndTheMetadataButNoTimestamp() throws {
        let file = try LogFile()
        let logger = file.logger()
        logger.trace("t")
        logger.debug("d")
        logger.info("ready", metadata: ["socket": "/run/ledger/ledger.sock", "events": "24"])
        logger.notice("n")
        logger.warning("w")
        logger.error("e")
        logger.critical("c")
        #expect(file.lines == [
            "<7>t", "<7>d", "<6>ready events=24 socket=/run/ledger/ledger.sock", "<5>n", "<4>w", "<3>e", "<2>c",
        ])
    }

    @Test func belowTheLevelNothingIsWritten() throws {
        let file = try LogFile()
        let logger = file.logger(level: .notice)
        logger.info("quiet")
        logger.notice("loud")
        #expect(file.lines == ["<5>loud"])
    }

    @Test func newlinesAndOtherControlCharactersAreEscapedSoOneCallIsOneLine() throws {
        let file = try LogFile()
        file.logger().error("two\nlines\r\n\tand a bell \u{7}", metadata: [
            "error": "first\nsecond", "path": #"C:\dir"#, "key\nsplit": "v", "quote": #"say "hi""#,
        ])
        #expect(file.lines == [
            #"<3>two\nlines\r\n\tand a bell \u{7} error=first\nsecond key\nsplit=v path=C:\\dir quote="say \"hi\"""#,
        ])
    }

    @Test func emptyValuesAndValuesWithSpacesOrQuotesAreQuotedOthersAreNot() {
        let line = JournalLogHandler.line(level: .info, message: "starting", metadata: [
            "socket": "handed over by systemd", "empty": "", "pair": "a=b", "pid": "42", "list": .array(["a", "b"]),
        ])
        #expect(line == #"<6>starting empty="" list="[\"a\", \"b\"]" pair=a=b pid=42 socket="handed over by systemd""# + "\n")
    }

    @Test func handlerMetadataProviderAndCallMetadataAreMergedTheCallWinning() throws {
        let file = try LogFile()
        let provider = Logger.MetadataProvider { ["request": "7", "connection": "provided"] }
        var logger = Logger(label: "ledgerd") { _ in JournalLogHandler(descriptor: file.descriptor, metadataProvider: provider) }
        logger[metadataKey: "connection"] = "handler"
        logger[metadataKey: "peer"] = "uid=1000"
        logger.info("served", metadata: ["request": "8"])
        #expect(file.lines == ["<6>served connection=provided peer=uid=1000 request=8"])
    }
}

@Suite struct StandardErrorLogTests {
    @Test func journalStreamNamingTheDescriptorsFileIsTheJournal() throws {
        let file = try LogFile()
        #expect(StandardErrorLog.isJournal(journalStream: file.journalStream, descriptor: file.descriptor))
    }

    @Test func journalStreamNamingAnotherFileIsNot() throws {
        let file = try LogFile()
        let other = try LogFile()
        #expect(!StandardErrorLog.isJournal(journalStream: other.journalStream, descriptor: file.descriptor))
        // The same inode number on another device is another file.
        var status = stat()
        fstat(file.descriptor, &status)
        #expect(!StandardErrorLog.isJournal(journalStream: "\(status.st_dev + 1):\(status.st_ino)", descriptor: file.descriptor))
        #expect(!StandardErrorLog.isJournal(journalStream: "\(status.st_dev):\(status.st_ino + 1)", descriptor: file.descriptor))
    }

    @Test func absentOrMalformedJournalStreamIsNot() throws {
        let file = try LogFile()
        let matching = file.journalStream
        let (device, inode) = (matching.split(separator: ":")[0], matching.split(separator: ":")[1])
        #expect(!StandardErrorLog.isJournal(journalStream: nil, descriptor: file.descriptor))
        for value in ["", ":", "\(device)", "\(device):", ":\(inode)", "\(device):\(inode):0", "+\(device):\(inode)",
                      " \(device):\(inode)", "\(device):\(inode)\n", "0x\(device):\(inode)", "\(device)-\(inode)"] {
            #expect(!StandardErrorLog.isJournal(journalStream: value, descriptor: file.descriptor), "\(value)")
        }
    }

    @Test func aClosedDescriptorIsNot() throws {
        let file = try LogFile()
        let descriptor = dup(file.descriptor)
        let stream = file.journalStream
        close(descriptor)
        #expect(!StandardErrorLog.isJournal(journalStream: stream, descriptor: descriptor))
    }

    @Test func theFactoryGivesJournalOrStreamHandlersAtTheLevel() {
        let journal = StandardErrorLog.handlerFactory(level: .debug, journal: true)("ledgerd")
        #expect(journal is JournalLogHandler)
        #expect(journal.logLevel == .debug)
        let human = StandardErrorLog.handlerFactory(level: .warning, journal: false)("ledgerd")
        #expect(human is StreamLogHandler)
        #expect(human.logLevel == .warning)
    }
}
