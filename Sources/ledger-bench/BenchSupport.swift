#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The benchmark's command-line options.
struct BenchOptions {
    var events = 100_000
    var runs = 5
    var seed: UInt64 = 42
    var batch = 1000
    var queries = 100
    var directory: String?
    var socket = false
    var singles = 8000

    static func parse(_ arguments: ArraySlice<String>) -> BenchOptions {
        var options = BenchOptions()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--socket" {
                options.socket = true
                continue
            }
            let value = iterator.next() ?? ""
            switch argument {
            case "--singles": options.singles = max(16, Int(value) ?? options.singles)
            case "--events": options.events = Int(value) ?? options.events
            case "--runs": options.runs = max(1, Int(value) ?? options.runs)
            case "--seed": options.seed = UInt64(value) ?? options.seed
            case "--batch": options.batch = max(1, Int(value) ?? options.batch)
            case "--queries": options.queries = max(1, Int(value) ?? options.queries)
            case "--db": options.directory = value
            default:
                print("usage: ledger-bench [--events N] [--runs N] [--seed N] [--batch N] [--queries N] [--db DIR] [--socket [--singles N]]")
                exit(argument == "--help" ? 0 : 64)
            }
        }
        return options
    }
}

/// Seconds taken by `body`, by the monotonic clock.
func measure(_ body: () throws -> Void) rethrows -> Double {
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    try body()
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &end)
    return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
}

func percentile(_ values: [Double], _ percent: Int) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, (sorted.count * percent) / 100)]
}

func median(_ values: [Double]) -> Double { percentile(values, 50) }

func milliseconds(_ seconds: Double) -> String {
    let tenths = Int((seconds * 10_000).rounded())
    return "\(tenths / 10).\(tenths % 10) ms"
}

func ratio(_ value: Double, _ baseline: Double) -> String {
    guard baseline > 0 else { return "–" }
    let hundredths = Int((value / baseline * 100).rounded())
    return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)×"
}

func makeScratchDirectory() -> String {
    var template = Array("/tmp/ledger-bench-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { return "/tmp/ledger-bench" }
    return String(cString: made)
}

func removeTree(_ path: String) {
    for name in ["data.mdb", "lock.mdb"] { unlink(path + "/" + name) }
    rmdir(path)
}
