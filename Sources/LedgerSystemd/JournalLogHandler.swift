#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// A log handler for a standard error that journald reads: each line starts with its syslog
/// priority in the sd-daemon convention (`<6>ready events=24 socket=/run/ledger/ledger.sock`) and
/// carries no timestamp, since journald stamps every line itself.
///
/// One call, one line: a newline (or any other control character) in the message or in a
/// metadata key or value is escaped, so journald never splits an entry. Metadata follows the
/// message as `key=value`, sorted by key; a value that is empty or holds a space or a quote is
/// quoted. The label and the source module are left out: journald records who wrote the line.
public struct JournalLogHandler: LogHandler {
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    /// Metadata gathered at each call (the task's, for instance).
    public var metadataProvider: Logger.MetadataProvider?
    private let descriptor: Int32

    /// A handler writing to `descriptor` (standard error unless told otherwise).
    public init(descriptor: Int32 = STDERR_FILENO, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.descriptor = descriptor
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            all.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            all.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error {
            all["error.message"] = "\(error)"
            all["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        Self.write(Self.line(level: event.level, message: "\(event.message)", metadata: all), to: descriptor)
    }

    /// The syslog priority of `level`: 7 (debug) for trace and debug, down to 2 (crit) for critical.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One whole line as written, ending in a newline: `<priority>message key=value …`.
    public static func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line = "<\(priority(of: level))>"
        line += escaped(message)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " " + escaped(key) + "=" + rendered("\(value)")
        }
        return line + "\n"
    }

    /// A metadata value: as it is when it reads unambiguously up to the next space, else in quotes.
    private static func rendered(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0 == " " || $0 == "\"" }
        guard needsQuotes else { return escaped(value) }
        return "\"" + escaped(value, quote: true) + "\""
    }

    /// `text` with backslashes, control characters and line separators escaped, Swift-style
    /// (`\\`, `\n`, `\r`, `\t`, `\u{1B}`), and double quotes too when `quote` is set.
    static func escaped(_ text: String, quote: Bool = false) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\"" where quote: result += "\\\""
            case "\u{0}"..."\u{1F}", "\u{7F}", "\u{85}", "\u{2028}", "\u{2029}":
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Serialises writes from every handler of the process, so lines never interleave.
    private static let writing = Mutex(())

    /// Writes all of `line`, retrying after interruptions and short writes.
    private static func write(_ line: String, to descriptor: Int32) {
        let bytes = Array(line.utf8)
        writing.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
