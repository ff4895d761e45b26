import Foundation

/// Where the package's built programs are: beside the running program (`ledger-bench`,
/// `ledger-stress`, or the test bundle, which is built into the same directory).
public enum Products {
    /// The nearest directory, from the running program's up, that holds `ledgerd`; the running
    /// program's own directory if none does.
    public static let directory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let own = URL(fileURLWithPath: executable).deletingLastPathComponent()
        var url = own
        while url.pathComponents.count > 1 {
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("ledgerd").path) { return url.path }
            url.deleteLastPathComponent()
        }
        return own.path
    }()

    /// The path of the built program `name`.
    public static func path(_ name: String) -> String {
        directory + "/" + name
    }
}

/// What /proc says about a process.
public enum ProcessStatus {
    /// A field of /proc/PID/status in bytes (`VmRSS`, `VmHWM`, `RssAnon`), or nil where /proc has none.
    public static func bytes(_ field: String, of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
        }
        return nil
    }

    /// The bytes the process has caused to be sent to storage (`write_bytes` of /proc/PID/io), or
    /// nil where /proc has none or will not say.
    public static func writtenBytes(of pid: Int32) -> Int? {
        writtenBytes(ioFile: "/proc/\(pid)/io")
    }

    /// The bytes the calling thread has caused to be sent to storage (`write_bytes` of
    /// /proc/thread-self/io): the kernel counts them as the thread dirties pages, so the other
    /// threads of the process do not count. Nil where /proc has none.
    public static func writtenBytesOfThisThread() -> Int? {
        writtenBytes(ioFile: "/proc/thread-self/io")
    }

    private static func writtenBytes(ioFile path: String) -> Int? {
        guard let io = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in io.split(separator: "\n") where line.hasPrefix("write_bytes:") {
            return Int(line.dropFirst("write_bytes:".count).trimmingPrefix(" "))
        }
        return nil
    }

    /// How many descriptors the process holds open, or nil where /proc has none.
    public static func openDescriptors(of pid: Int32) -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }
}
