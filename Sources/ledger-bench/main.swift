import LedgerCore
import LedgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// ledger-bench: loads a generated workload into a scratch store and measures ingest, `at`
// latency, reopening and bytes per event. Figures are medians over --runs repetitions.

let options = BenchOptions.parse(CommandLine.arguments.dropFirst())
let directory = options.directory ?? makeScratchDirectory()
print("ledger-bench: \(options.events) events, seed \(options.seed), \(options.runs) runs, store in \(directory)")

var workload = Workload(seed: options.seed)
var log = try EventLog(path: directory)
let now = SystemClock.now()
var appended = 0
let ingestSeconds = try measure {
    var remaining = options.events
    while remaining > 0 {
        let batch = workload.next(min(options.batch, remaining))
        remaining -= batch.count
        appended += try log.append(batch, now: now).appended
    }
}

let lastDay = CivilDate(year: 2025, month: 12, day: 31) ?? CivilDate(daysSinceEpoch: 20453)
var random = SplitMix64(seed: options.seed ^ 0xA5A5)
let dates = (0..<options.queries).map { _ in CivilDate(daysSinceEpoch: 18262 + random.below(lastDay.daysSinceEpoch - 18262 + 1)) }

func latencies(_ query: (CivilDate) throws -> AtResult) throws -> [Double] {
    try dates.map { date in try measure { _ = try query(date) } }
}

var wholeRuns: [[Double]] = []
var departmentRuns: [[Double]] = []
var knownAtRuns: [[Double]] = []
let knownAt = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch)
for _ in 0..<options.runs {
    wholeRuns.append(try latencies { try log.at($0) })
    departmentRuns.append(try latencies { try log.at($0, department: "department-1") })
    knownAtRuns.append(try latencies { try log.at($0, department: "department-1", knownAt: knownAt, knownAtText: "now") })
}

// The timeline answer and the fold over the raw events must agree, or the figures mean nothing.
for date in dates.prefix(10) {
    let fast = try log.at(date, department: "department-1")
    let folded = try log.at(date, department: "department-1", knownAt: knownAt, knownAtText: nil)
    guard fast.pledged == folded.pledged, fast.funded == folded.funded, fast.allLines.count == folded.allLines.count else {
        print("ledger-bench: the persisted projection and the fold disagree at \(date)")
        exit(1)
    }
}

var reopenTimes: [Double] = []
for _ in 0..<options.runs {
    reopenTimes.append(try measure {
        log = try EventLog(path: directory)
        _ = try log.head()
    })
}
let storeBytes = try log.storeBytes()
let verifySeconds = try measure { _ = try log.verify() }

print("")
print("| measure | value |")
print("| --- | --- |")
print("| events appended | \(appended) in batches of \(options.batch) |")
print("| ingest (one process, embedded) | \(Int(Double(appended) / ingestSeconds)) events/s |")
print("| at, whole ledger: p50 / p99 | \(milliseconds(median(wholeRuns.map { percentile($0, 50) }))) / \(milliseconds(median(wholeRuns.map { percentile($0, 99) }))) |")
print("| at, one department: p50 / p99 | \(milliseconds(median(departmentRuns.map { percentile($0, 50) }))) / \(milliseconds(median(departmentRuns.map { percentile($0, 99) }))) |")
print("| at --known-at, one department: p50 / p99 | \(milliseconds(median(knownAtRuns.map { percentile($0, 50) }))) / \(milliseconds(median(knownAtRuns.map { percentile($0, 99) }))) |")
print("| at --known-at vs at (fold vs projection), one department | \(ratio(median(knownAtRuns.map { percentile($0, 50) }), median(departmentRuns.map { percentile($0, 50) }))) |")
print("| reopen store and read head | \(milliseconds(median(reopenTimes))) |")
print("| verify the whole chain | \(milliseconds(verifySeconds)) |")
print("| store bytes per event | \(storeBytes / max(appended, 1)) (\(storeBytes >> 20) MiB in use) |")

if options.directory == nil { removeTree(directory) }

if options.socket {
    let socketEvents = min(options.events, 100_000)
    let bench = SocketBenchmark(
        events: socketEvents, singles: options.singles, connections: 16, seed: options.seed, runs: options.runs, dates: dates
    )
    let figures = try bench.run()
    func p(_ runs: [[Double]], _ percent: Int) -> String { milliseconds(median(runs.map { percentile($0, percent) })) }
    print("")
    print("| through the daemon's socket | value |")
    print("| --- | --- |")
    print("| append, batches of 1000 (\(socketEvents) events) | \(Int(figures.batchedPerSecond)) events/s |")
    print("| append, single events from 16 connections (\(options.singles) events) | \(Int(figures.singlesPerSecond)) events/s |")
    print("| at, whole ledger: p50 / p99 | \(p(figures.wholeLatencies, 50)) / \(p(figures.wholeLatencies, 99)) |")
    print("| at, one department: p50 / p99 | \(p(figures.departmentLatencies, 50)) / \(p(figures.departmentLatencies, 99)) |")
}
