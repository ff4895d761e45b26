import LedgerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// ledger-bench: loads one generated workload into a real `ledgerd` through its socket and into
// SQLite, measures both the same way in the same run, checks that both give the same `at`
// answers, and prints every figure beside SQLite's with the ratio.

let options = BenchOptions.parse(CommandLine.arguments.dropFirst())
let scratch = options.keep ?? makeScratchDirectory()
mkdir(scratch, 0o755)
let workloadDescription = "\(options.events) events (seed \(options.seed)), 20 departments, medians of \(options.runs) runs"
if !options.json {
    print("ledger-bench: \(workloadDescription); stores in \(scratch)")
}

do {
    let benchmark = try Benchmark(options: options, scratch: scratch)
    let report = try benchmark.run()
    print(options.json ? report.json() : report.markdown())
    if options.keep == nil { removeTree(scratch) }
    if !report.agrees { exit(1) }
} catch {
    printError("ledger-bench: \(error)\n")
    if options.keep == nil { removeTree(scratch) }
    exit(1)
}
