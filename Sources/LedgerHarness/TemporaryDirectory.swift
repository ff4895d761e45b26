import Foundation

/// A fresh directory under the system's temporary directory, removed when it goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    // @unchecked: `path` is immutable after init; removal happens once, in deinit.

    /// Its path.
    public let path: String

    /// Creates the directory.
    public init(_ prefix: String = "ledger-test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// A path inside it.
    public func appending(_ name: String) -> String { path + "/" + name }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
