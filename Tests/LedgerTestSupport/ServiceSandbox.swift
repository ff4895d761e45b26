import Foundation

/// What a systemd service unit asks of the process it starts, as far as the `service-sandbox`
/// helper applies it without systemd as PID 1: the `SystemCallFilter=` allow list (groups expanded
/// by `systemd-analyze syscall-filter`, from the same tables systemd uses), its
/// `SystemCallErrorNumber=`, and the `LimitNICE=` resource limit.
public struct ServiceSandbox: Sendable {
    /// The system calls the unit allows.
    public var allowedSystemCalls: Set<String>
    /// The error a filtered call fails with.
    public var errorNumber: Int32
    /// `RLIMIT_NICE` as the unit sets it, raw (0–40, the lowest nice value allowed being 20 minus
    /// it); 0, systemd's default, when the unit has no `LimitNICE=`.
    public var niceLimit: Int

    /// The sandbox of the unit file at `path`, leaving out the lines for which `omit` holds.
    public init(unit path: String, omitting omit: (String) -> Bool = { _ in false }) async throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix(";") && !omit($0) }
        let groups = try await Self.systemCallGroups()
        var allowed: Set<String>?
        errorNumber = 0
        niceLimit = 0
        for line in lines {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals]
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "SystemCallFilter":
                guard !value.isEmpty else { allowed = nil; continue }
                let inverted = value.hasPrefix("~")
                let names = try value.dropFirst(inverted ? 1 : 0).split(separator: " ").flatMap { item in
                    try Self.expand(String(item.split(separator: ":")[0]), groups)
                }
                if var list = allowed {
                    if inverted { list.subtract(names) } else { list.formUnion(names) }
                    allowed = list
                } else if inverted {
                    throw DaemonFailure(message: "\(path): a SystemCallFilter= deny list is not supported here")
                } else {
                    // An allow list always allows @default, as systemd adds it.
                    allowed = Set(try Self.expand("@default", groups)).union(names)
                }
            case "SystemCallErrorNumber":
                let known: [String: Int32] = ["EPERM": EPERM, "EACCES": EACCES, "ENOSYS": ENOSYS]
                guard let number = known[value] ?? Int32(value) else {
                    throw DaemonFailure(message: "\(path): SystemCallErrorNumber=\(value) is not supported here")
                }
                errorNumber = number
            case "LimitNICE":
                let soft = value.split(separator: ":")[0]
                guard let number = Int(soft) else { throw DaemonFailure(message: "\(path): bad LimitNICE=\(value)") }
                // "+N" and "-N" are nice values; a bare number is the raw limit.
                niceLimit = soft.hasPrefix("+") || soft.hasPrefix("-") ? 20 - number : number
            default:
                continue
            }
        }
        guard let allowed else { throw DaemonFailure(message: "\(path): no SystemCallFilter= allow list") }
        guard errorNumber != 0 else { throw DaemonFailure(message: "\(path): no SystemCallErrorNumber=: filtered calls would kill") }
        allowedSystemCalls = allowed
    }

    /// The command that starts a program under this sandbox (the program and its arguments
    /// follow): as `user` when given, which needs root, else as this process's user with its
    /// capabilities; with the unit's nice limit when `niceLimit` is set, which needs
    /// `CAP_SYS_RESOURCE` beyond the current hard limit (``canSetNiceLimit(_:)``). The allow list
    /// is written to `directory`. Systemd's default soft limit of 1024 open files is set too.
    public func launcher(in directory: TemporaryDirectory, user: (uid: UInt32, gid: UInt32)?, niceLimit: Bool) throws -> [String] {
        let allowFile = directory.appending("allowed-system-calls")
        try (allowedSystemCalls.sorted().joined(separator: "\n") + "\n").write(toFile: allowFile, atomically: true, encoding: .utf8)
        var command = [Paths.products + "/service-sandbox", "--errno", "\(errorNumber)", "--nofile-soft", "1024", "--allow", allowFile]
        if niceLimit { command += ["--nice-limit", "\(self.niceLimit)"] }
        if let user { command += ["--user", "\(user.uid):\(user.gid)"] }
        return command + ["--"]
    }

    /// Whether this process may run the sandbox as another user (root) and `systemd-analyze` is
    /// here to expand the unit's system-call groups.
    public static var isAvailable: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")
    }

    /// Whether `RLIMIT_NICE` may be set to `limit` here: within the current hard limit, or
    /// beyond it with `CAP_SYS_RESOURCE`, which systemd has and a container's root may lack.
    public static func canSetNiceLimit(_ limit: Int) -> Bool {
        var current = rlimit()
        if getrlimit(Int32(__RLIMIT_NICE.rawValue), &current) == 0 && current.rlim_max >= rlim_t(limit) { return true }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let effective = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        let capSysResource: UInt64 = 24
        return effective & (1 << capSysResource) != 0
    }

    /// Every group `systemd-analyze syscall-filter` knows, with its entries (calls and groups).
    private static func systemCallGroups() async throws -> [String: [String]] {
        let result = try await CommandRunner.run("/usr/bin/systemd-analyze", ["syscall-filter", "--no-pager"], absolute: true)
        guard result.status == 0 else { throw DaemonFailure(message: "systemd-analyze syscall-filter failed: \(result.errors)") }
        var groups: [String: [String]] = [:]
        var current: String?
        for line in result.output.split(separator: "\n") {
            if line.hasPrefix("@") {
                current = String(line)
                groups[String(line), default: []] = []
            } else if let current, line.hasPrefix(" ") {
                let entry = line.trimmingCharacters(in: .whitespaces)
                if !entry.isEmpty && !entry.hasPrefix("#") { groups[current, default: []].append(entry) }
            }
        }
        return groups
    }

    /// The system calls `name` stands for: itself, or a group's, recursively.
    private static func expand(_ name: String, _ groups: [String: [String]]) throws -> [String] {
        guard name.hasPrefix("@") else { return [name] }
        guard let entries = groups[name] else { throw DaemonFailure(message: "systemd-analyze knows no group \(name)") }
        return try entries.flatMap { try expand($0, groups) }
    }
}
