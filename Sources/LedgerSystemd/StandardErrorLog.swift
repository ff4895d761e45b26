#if canImport(Glibc)
import Glibc
#endif
import Logging

/// The daemon's log on standard error: journal lines (``JournalLogHandler``) when standard error
/// is journald's stream, else swift-log's `StreamLogHandler`, timestamped, for a person.
///
/// systemd sets `JOURNAL_STREAM` to the device and inode of the stream it connects a service's
/// standard output and error to. The variable is inherited, so it alone proves nothing: the
/// journal form is used only when it names the file actually open as standard error.
public enum StandardErrorLog {
    /// Whether `journalStream`, a value of `JOURNAL_STREAM` (`DEVICE:INODE`, both decimal), names
    /// the file open on `descriptor`, as `fstat` sees it.
    public static func isJournal(journalStream: String?, descriptor: Int32 = STDERR_FILENO) -> Bool {
        guard let journalStream else { return false }
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
              let device = UInt64(parts[0]), let inode = UInt64(parts[1])
        else { return false }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// A factory for `LoggingSystem.bootstrap` giving handlers at `level`, in the journal form
    /// when `journal` is set.
    public static func handlerFactory(level: Logger.Level, journal: Bool) -> @Sendable (String) -> any LogHandler {
        if journal {
            return { _ in
                var handler = JournalLogHandler()
                handler.logLevel = level
                return handler
            }
        }
        return { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Bootstraps this process's logging at `level`, in the form `JOURNAL_STREAM` and standard
    /// error call for. Call it once, before the first log line.
    public static func bootstrap(level: Logger.Level) {
        let journalStream = getenv("JOURNAL_STREAM").map { String(cString: $0) }
        LoggingSystem.bootstrap(handlerFactory(level: level, journal: isJournal(journalStream: journalStream)))
    }
}
