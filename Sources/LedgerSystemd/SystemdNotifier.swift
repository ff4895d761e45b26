#if canImport(Glibc)
import Glibc
#endif

/// Tells the service manager how the daemon is doing, over the `sd_notify` datagram protocol.
///
/// Each message is one datagram of newline-separated `KEY=VALUE` lines sent to `$NOTIFY_SOCKET`.
public struct SystemdNotifier: Sendable {
    /// The socket path from `NOTIFY_SOCKET`, as given (`@` marks an abstract name).
    public let socketPath: String

    /// A notifier for the socket in `environment["NOTIFY_SOCKET"]`, or nil when it is unset or empty.
    public init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        socketPath = path
    }

    /// A notifier for this process's `NOTIFY_SOCKET`, or nil when the service manager set none.
    public static func fromProcessEnvironment() -> SystemdNotifier? {
        guard let value = getenv("NOTIFY_SOCKET") else { return nil }
        return SystemdNotifier(environment: ["NOTIFY_SOCKET": String(cString: value)])
    }

    /// Sends `state` (newline-separated `KEY=VALUE` lines) as one datagram.
    public func notify(_ state: String) throws(SystemdError) {
        var address = try NotifyAddress(path: socketPath)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw SystemdError(code: .notifyFailed, context: "cannot create a datagram socket for NOTIFY_SOCKET", errorNumber: errno)
        }
        defer { close(fd) }
        let payload = Array(state.utf8)
        var sent: Int
        repeat {
            sent = payload.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address.storage) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                        sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, address.length)
                    }
                }
            }
        } while sent < 0 && errno == EINTR
        guard sent >= 0 else {
            throw SystemdError(code: .notifyFailed, context: "cannot notify \(socketPath)", errorNumber: errno)
        }
        guard sent == payload.count else {
            throw SystemdError(code: .notifyFailed, message: "sent \(sent) of \(payload.count) bytes to \(socketPath)")
        }
    }

    /// Says start-up is complete (`READY=1`), with a status line in the same datagram when given.
    public func ready(status: String? = nil) throws(SystemdError) {
        if let status {
            try notify("READY=1\n" + Self.statusLine(status))
        } else {
            try notify("READY=1")
        }
    }

    /// Sets the one-line status `systemctl status` shows (`STATUS=…`).
    public func status(_ text: String) throws(SystemdError) {
        try notify(Self.statusLine(text))
    }

    /// Pings the watchdog (`WATCHDOG=1`); send it every ``watchdogInterval(environment:pid:)``.
    public func watchdog() throws(SystemdError) {
        try notify("WATCHDOG=1")
    }

    /// Says the daemon has begun shutting down (`STOPPING=1`).
    public func stopping() throws(SystemdError) {
        try notify("STOPPING=1")
    }

    /// Says the daemon is reloading its configuration (`RELOADING=1` with `MONOTONIC_USEC=`); send ``ready(status:)`` when done.
    public func reloading() throws(SystemdError) {
        // Type=notify-reload (systemd 253+) needs the reload's monotonic timestamp; older managers ignore it.
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        try notify("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// How often to ping the watchdog: half of `WATCHDOG_USEC`, or nil when the watchdog is off or meant for another process.
    ///
    /// The watchdog is on when `WATCHDOG_USEC` is a positive integer and `WATCHDOG_PID` is unset or equals `pid`.
    public static func watchdogInterval(environment: [String: String], pid: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else {
            return nil
        }
        if let owner = environment["WATCHDOG_PID"] {
            guard let ownerPID = Int32(owner), ownerPID == pid else { return nil }
        }
        // Half of n microseconds is n * 500 nanoseconds; split so no value of n overflows.
        return .seconds(Int64(microseconds / 2_000_000)) + .nanoseconds(Int64(microseconds % 2_000_000) * 500)
    }

    /// A `STATUS=` line; newlines would start new keys, so they become spaces.
    static func statusLine(_ text: String) -> String {
        "STATUS=" + String(text.map { $0.isNewline ? " " : $0 })
    }
}
