import Foundation
import Synchronization
import LedgerClient
import LedgerCore

/// Measures the daemon end to end: a real `ledgerd` (beside this binary) on a scratch socket,
/// fed through the protocol as clients feed it.
struct SocketBenchmark {
    let events: Int
    let singles: Int
    let connections: Int
    let seed: UInt64
    let runs: Int
    let dates: [CivilDate]

    struct Figures {
        var batchedPerSecond: Double = 0
        var singlesPerSecond: Double = 0
        var wholeLatencies: [[Double]] = []
        var departmentLatencies: [[Double]] = []
    }

    func run() throws -> Figures {
        let directory = makeScratchDirectory()
        defer { removeTree(directory + "/state"); unlink(directory + "/ledger.sock"); rmdir(directory) }
        let socket = directory + "/ledger.sock"
        let daemon = Process()
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ledgerd")
        daemon.executableURL = executable
        daemon.arguments = ["--state-dir", directory + "/state", "--socket", socket, "--log-level", "warning", "--max-connections", "1024"]
        try daemon.run()
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        var connection: LedgerConnection?
        for _ in 0..<500 where connection == nil {
            connection = try? LedgerConnection(path: socket)
            if connection == nil { usleep(20_000) }
        }
        guard let client = connection else { throw ClientError.broken("ledgerd did not start") }

        var figures = Figures()
        var workload = Workload(seed: seed)
        var remaining = events
        let batchedSeconds = try measure {
            while remaining > 0 {
                let batch = workload.next(min(1000, remaining))
                remaining -= batch.count
                _ = try client.request(.object(JSONObject([("op", .string("append")), ("events", .array(batch))])))
            }
        }
        figures.batchedPerSecond = Double(events) / batchedSeconds

        // Single-event appends from many connections at once: group commit shares the fsyncs.
        let perConnection = max(1, singles / connections)
        let singleEvents = (0..<connections).map { writer in
            (0..<perConnection).map { number in
                JSONValue.object(JSONObject([
                    ("id", .string("single-\(writer)-\(number)")), ("type", .string("funded")), ("line", .string("line-1")),
                    ("effective", .string("2025-12-31")), ("amount_pence", .integer(1)),
                    ("source", .object(JSONObject([("title", .string("Generated workload"))]))),
                ]))
            }
        }
        let failures = FailureCount()
        let singlesSeconds = measure {
            let group = DispatchGroup()
            for writer in 0..<connections {
                group.enter()
                let thread = Thread {
                    defer { group.leave() }
                    guard let client = try? LedgerConnection(path: socket) else { failures.increment(); return }
                    for event in singleEvents[writer] {
                        let request = JSONValue.object(JSONObject([("op", .string("append")), ("events", .array([event]))]))
                        if (try? client.request(request)) == nil { failures.increment() }
                    }
                }
                thread.start()
            }
            group.wait()
        }
        if failures.value > 0 { throw ClientError.broken("\(failures.value) single appends failed") }
        figures.singlesPerSecond = Double(perConnection * connections) / singlesSeconds

        for _ in 0..<runs {
            figures.wholeLatencies.append(try dates.map { date in
                try measure { _ = try client.request(.object(JSONObject([("op", .string("at")), ("date", .string(date.description))]))) }
            })
            figures.departmentLatencies.append(try dates.map { date in
                try measure {
                    _ = try client.request(.object(JSONObject([
                        ("op", .string("at")), ("date", .string(date.description)), ("department", .string("department-1")),
                    ])))
                }
            })
        }
        return figures
    }
}

/// How many appends failed, counted from the writer threads.
final class FailureCount: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func increment() { count.withLock { $0 += 1 } }
}
