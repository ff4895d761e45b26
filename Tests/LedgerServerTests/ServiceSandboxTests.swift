import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// The real `ledgerd` under `deploy/ledgerd.service`'s system-call filter and nice limit, applied
/// by `service-sandbox` as systemd applies them, without systemd as PID 1.
///
/// libdispatch (the Swift runtime's thread pool) sets each worker thread's nice value with
/// setpriority(2) and, when that fails, logs "Failed to set thread priority for worker thread:
/// pqc=… errno=N". Under systemd that goes to syslog; here `LIBDISPATCH_LOG=stderr` sends it to
/// the daemon's log, beside the daemon's own lines (in the journal form: `JOURNAL_STREAM` names
/// the log file, as systemd names its stream).
@Suite(
    .serialized,
    .enabled(if: ServiceSandbox.isAvailable, "needs root, to run the daemon as another user, and systemd-analyze")
)
struct ServiceSandboxTests {
    static let unit = Paths.packageRoot + "/deploy/ledgerd.service"
    static let message = "Failed to set thread priority for worker thread"
    static let nobody: (uid: UInt32, gid: UInt32) = (65534, 65534)

    /// Runs the daemon under `sandbox`, as `user`, until it has answered a ping; returns its log
    /// and the nice value of each of its threads while it served.
    private func run(_ sandbox: ServiceSandbox, user: (uid: UInt32, gid: UInt32)?, niceLimit: Bool) throws -> (log: String, nices: [Int]) {
        let directory = try TemporaryDirectory("ledgerd-sandbox")
        if let user { #expect(chown(directory.path, user.uid, user.gid) == 0) }
        let logFile = directory.appending("ledgerd.log")
        #expect(FileManager.default.createFile(atPath: logFile, contents: nil))
        var status = stat()
        #expect(stat(logFile, &status) == 0)
        // An abstract notification socket: any user may send to it.
        let notify = try DatagramReceiver(abstractName: "ledger-sandbox-\(UInt64.random(in: 0...UInt64.max))")
        // Run as another user, the daemon must be a file that user can reach: the package may sit
        // in a directory only root may enter (a fresh clone in a private temporary directory).
        var executable = Paths.products + "/ledgerd"
        if user != nil {
            let copy = directory.appending("ledgerd")
            try FileManager.default.copyItem(atPath: executable, toPath: copy)
            #expect(chmod(copy, 0o755) == 0)
            executable = copy
        }
        let daemon = DaemonProcess(
            executable: executable, stateDirectory: directory.appending("state"), directory: directory.path,
            logFile: logFile,
            environment: [
                "JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)", "LIBDISPATCH_LOG": "stderr", "NOTIFY_SOCKET": notify.notifyPath,
            ],
            wrapper: try sandbox.launcher(in: directory, user: user, niceLimit: niceLimit),
            keeping: directory
        )
        try daemon.start()
        #expect(notify.receive()?.hasPrefix("READY=1") == true)
        try daemon.connect().ping()
        let nices = Self.threadNices(daemon.pid)
        #expect(daemon.stop() == 0, "\(daemon.log)")
        return (daemon.log, nices)
    }

    /// The nice value of each thread of `pid` (field 19 of /proc/PID/task/TID/stat).
    private static func threadNices(_ pid: Int32) -> [Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { task in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                  let end = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            return fields.count > 16 ? Int(fields[16]) : nil
        }
    }

    /// The daemon's own lines, which start with a priority, and every other line.
    private static func lines(_ log: String) -> (priorities: [Int], others: [Substring]) {
        var priorities: [Int] = []
        var others: [Substring] = []
        for line in log.split(separator: "\n") {
            if let match = line.prefixMatch(of: /<([0-7])>/), let priority = Int(match.output.1) {
                priorities.append(priority)
            } else {
                others.append(line)
            }
        }
        return (priorities, others)
    }

    @Test(.enabled(if: ServiceSandbox.canSetNiceLimit(24), "needs CAP_SYS_RESOURCE to set LimitNICE= as systemd does"))
    func aCleanStartUnderTheShippedUnitLogsNothingAboveNotice() async throws {
        let sandbox = try await ServiceSandbox(unit: Self.unit)
        #expect(sandbox.niceLimit == 24)
        let (log, _) = try run(sandbox, user: Self.nobody, niceLimit: true)
        let (priorities, others) = Self.lines(log)
        #expect(others.isEmpty, "lines from outside the daemon's logger: \(log)")
        #expect(priorities.contains(6), "\(log)")
        #expect(priorities.allSatisfy { $0 >= 5 }, "warning or worse on a clean start: \(log)")
        #expect(!log.contains(Self.message), "\(log)")
    }

    @Test func theShippedFilterLetsTheRuntimeSetThreadPrioritiesAndItAsksForNoneBelowTheNiceLimit() async throws {
        let sandbox = try await ServiceSandbox(unit: Self.unit)
        #expect(sandbox.allowedSystemCalls.contains("setpriority"))
        #expect(!sandbox.allowedSystemCalls.contains("setrlimit") && !sandbox.allowedSystemCalls.contains("sched_setscheduler"))
        // As root, with its capabilities, every setpriority the filter lets through succeeds: the
        // threads' nice values are what the runtime asks for.
        let (log, nices) = try run(sandbox, user: nil, niceLimit: false)
        #expect(!log.contains(Self.message), "\(log)")
        let (priorities, _) = Self.lines(log)
        #expect(priorities.allSatisfy { $0 >= 5 }, "warning or worse on a clean start: \(log)")
        #expect(nices.min() == 20 - sandbox.niceLimit, "thread nice values \(nices): the lowest must be what LimitNICE= allows")
    }

    @Test func withoutTheNiceLimitTheManagerThreadStillFailsWithEACCES() async throws {
        let sandbox = try await ServiceSandbox(unit: Self.unit) { $0.hasPrefix("LimitNICE=") }
        #expect(sandbox.niceLimit == 0)
        let (log, _) = try run(sandbox, user: Self.nobody, niceLimit: true)
        let failures = log.split(separator: "\n").filter { $0.contains(Self.message) }
        #expect(!failures.isEmpty && failures.allSatisfy { $0.hasSuffix("errno=13") }, "\(log)")
    }

    @Test func theUnitBeforeTheFixMakesEveryWorkerThreadFailWithEPERM() async throws {
        let sandbox = try await ServiceSandbox(unit: Self.unit) { $0 == "SystemCallFilter=setpriority" || $0.hasPrefix("LimitNICE=") }
        #expect(!sandbox.allowedSystemCalls.contains("setpriority"))
        let (log, _) = try run(sandbox, user: Self.nobody, niceLimit: true)
        let failures = log.split(separator: "\n").filter { $0.contains(Self.message) }
        #expect(failures.count >= 2 && failures.allSatisfy { $0.hasSuffix("errno=1") }, "\(log)")
    }
}
