import Foundation

/// What the machine running the tests offers; a test that needs more says so and is skipped.
public enum Host {
    /// Whether the tests run as root (to switch users, mount a file system).
    public static let isRoot = geteuid() == 0

    /// Whether there is an executable program at `path`.
    public static func has(_ path: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: path)
    }

    /// Whether a program named `name` is on the PATH.
    public static func hasOnPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { has("\($0)/\(name)") }
    }

    /// Whether the user and the group exist (`nobody`, `nogroup`, …).
    public static func hasUser(_ user: String, group: String) -> Bool {
        getpwnam(user) != nil && getgrnam(group) != nil
    }

    /// Whether a program can be run in a network namespace of its own, as `PrivateNetwork=yes`
    /// runs a service: `unshare --net` works (root, or user namespaces allowed).
    public static let canUnshareNetwork: Bool = {
        guard has("/usr/bin/unshare") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--net", "--map-root-user", "/bin/true"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Whether this process may run a program as another user: root, with `setpriv`.
    public static let canSwitchUser = isRoot && has("/usr/bin/setpriv") && hasUser("nobody", group: "nogroup")
}
