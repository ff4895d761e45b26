import Foundation

/// The checks of a stress run as they are printed: each passes or fails with the figure behind it;
/// a figure shown for information only neither passes nor fails.
struct CheckList {
    private(set) var failed: [String] = []

    /// Prints `label: detail` as passed when `passed`, else as failed.
    mutating func check(_ passed: Bool, _ label: String, _ detail: String) {
        print("\(passed ? "PASS" : "FAIL") \(label): \(detail)")
        if !passed { failed.append(label) }
    }

    /// Prints a figure that is not judged.
    func note(_ label: String, _ detail: String) {
        print("INFO \(label): \(detail)")
    }
}

/// `12.3 MiB`.
func mebibytes(_ bytes: Int) -> String {
    String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}

/// `1.23 ms`.
func milliseconds(_ value: Double) -> String {
    String(format: "%.2f ms", value)
}
