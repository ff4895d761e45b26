import Foundation
import LedgerClient
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The benchmark's command-line options.
struct BenchOptions {
    var events = 1_000_000
    var runs = 5
    var seed: UInt64 = 42
    var queries = 100
    var singles = 4000
    var lineEvents = 100_000
    var connections = 16
    var json = false
    var keep: String?

    static let usage = """
        usage: ledger-bench [--events N] [--runs N] [--queries N] [--singles N] [--line-events N] [--seed N] [--keep DIR] [--json]

        Loads a generated ledger of N events (default 1,000,000) into ledgerd through its socket and into
        SQLite, and prints each figure beside SQLite's. Every figure is the median of --runs runs (at least 5
        for quotable figures). --queries random dates per `at` run (default 100); --singles single-event
        appends from 16 connections per run (default 4000); --line-events the funding events of the one line
        appended oldest first and newest first, each order into fresh stores (default 100,000); --keep DIR
        keeps both stores in DIR.
        """

    static func parse(_ arguments: ArraySlice<String>) -> BenchOptions {
        var options = BenchOptions()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--json" {
                options.json = true
                continue
            }
            if argument == "--help" || argument == "-h" {
                print(usage)
                exit(0)
            }
            guard let value = iterator.next() else { fail("\(argument) needs a value") }
            switch argument {
            case "--events": options.events = positive(value, argument)
            case "--runs": options.runs = positive(value, argument)
            case "--queries": options.queries = positive(value, argument)
            case "--singles": options.singles = max(options.connections, positive(value, argument))
            case "--line-events": options.lineEvents = positive(value, argument)
            case "--seed": options.seed = UInt64(value) ?? UInt64(positive(value, argument))
            case "--keep": options.keep = value
            default: fail("unknown option \(argument)")
            }
        }
        return options
    }

    private static func positive(_ text: String, _ option: String) -> Int {
        guard let number = Int(text.filter { $0 != "_" && $0 != "," }), number > 0 else {
            fail("\(option) takes a positive whole number, not \(text)")
        }
        return number
    }

    static func fail(_ message: String) -> Never {
        printError("ledger-bench: \(message)\n\(usage)\n")
        exit(64)
    }
}

/// Writes `text` to standard error.
func printError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { raw in write(2, raw.baseAddress, raw.count) }
}

/// Seconds on the monotonic clock, for intervals.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Seconds taken by `body`, by the monotonic clock.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = monotonicSeconds()
    try body()
    return monotonicSeconds() - start
}

/// The `percent`th percentile of `values` by the nearest-rank method.
func percentile(_ values: [Double], _ percent: Int) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let rank = max(1, (sorted.count * percent + 99) / 100)
    return sorted[min(sorted.count, rank) - 1]
}

/// The median of `values`.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Latencies of several runs of the same queries, summarised as the medians over runs of each run's p50 and p99.
struct LatencyRuns {
    var runs: [[Double]] = []

    var p50: Double { median(runs.map { percentile($0, 50) }) }
    var p99: Double { median(runs.map { percentile($0, 99) }) }
}

/// A fresh directory under /tmp.
func makeScratchDirectory() -> String {
    var template = Array("/tmp/ledger-bench-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { BenchOptions.fail("cannot make a scratch directory in /tmp") }
    return String(cString: made)
}

/// Removes a directory tree made by the benchmark (files one level deep in subdirectories).
func removeTree(_ path: String) {
    guard let directory = opendir(path) else {
        unlink(path)
        return
    }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    closedir(directory)
    for name in names {
        let child = path + "/" + name
        if unlink(child) != 0 { removeTree(child) }
    }
    rmdir(path)
}

/// Bytes of the files directly in `directory`.
func directoryBytes(_ directory: String, names: [String]) -> Int {
    names.reduce(0) { total, name in
        var info = stat()
        return stat(directory + "/" + name, &info) == 0 ? total + Int(info.st_size) : total
    }
}

/// Runs `count` workers on threads of their own, all at once: each thread first runs `prepare`
/// (untimed: connecting, say), then all start together. Returns the seconds from the start to the
/// end of the last worker, or the first failure.
func timeConcurrently(
    _ count: Int, _ prepare: @escaping @Sendable (Int) throws -> () throws -> Void
) throws -> Double {
    let ready = DispatchSemaphore(value: 0)
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    let failures = Mutex<[String]>([])
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            defer { done.leave() }
            let work: (() throws -> Void)?
            do {
                work = try prepare(index)
            } catch {
                failures.withLock { $0.append("\(error)") }
                work = nil
            }
            ready.signal()
            start.wait()
            do {
                try work?()
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        thread.start()
    }
    for _ in 0..<count { ready.wait() }
    let began = monotonicSeconds()
    for _ in 0..<count { start.signal() }
    done.wait()
    let seconds = monotonicSeconds() - began
    if let failure = failures.withLock({ $0.first }) { throw ClientError.broken("a concurrent writer failed: \(failure)") }
    return seconds
}
