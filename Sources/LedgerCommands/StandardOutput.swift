#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes of raw bytes to standard output.
struct StandardOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ bytes: [UInt8]) {
        buffer += bytes
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let base = raw.baseAddress else { return }
                let written = Glibc.write(STDOUT_FILENO, base + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Makes sure a backup goes into a new or empty directory.
enum BackupDirectory {
    static func prepare(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        guard errno == EEXIST, let directory = opendir(path) else {
            throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." {
                throw CommandFailure("\(path) is not empty: a backup needs an empty directory")
            }
        }
    }
}

/// Unbuffered text to standard error, for progress on a terminal.
enum StandardError {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            _ = Glibc.write(STDERR_FILENO, base, raw.count)
        }
    }
}
