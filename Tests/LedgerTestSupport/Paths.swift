import Foundation
import LedgerHarness

/// Where the package's files and built products are, seen from a running test.
public enum Paths {
    /// The package's root directory.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the built executables (beside the test bundle).
    public static var products: String { Products.directory }

    /// The bundled example ledger.
    public static var exampleLedger: String { packageRoot + "/deploy/examples/home-office-2025.ndjson" }

    /// Every file of the bundled record, in the order `deploy/demo.sh` loads them.
    public static var bundledRecord: [String] {
        ["home-office-2025", "later-2025-2026", "recommendations-casey-2025", "recommendations-iicsa-2022"]
            .map { packageRoot + "/deploy/examples/\($0).ndjson" }
    }
}
