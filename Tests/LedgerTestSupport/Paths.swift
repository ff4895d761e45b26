import Foundation

/// Where the package's files and built products are, seen from a running test.
public enum Paths {
    /// The package's root directory.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the built executables (beside the test bundle).
    public static let products: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("ledger").path) { return url.path }
        }
        return packageRoot + "/.build/debug"
    }()

    /// The bundled example ledger.
    public static var exampleLedger: String { packageRoot + "/deploy/examples/home-office-2025.ndjson" }
}
