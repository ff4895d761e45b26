import LedgerServer
import LedgerSystemd
import Logging
import ServiceLifecycle

/// Pings systemd's watchdog once the daemon is serving, each time only after the writer has
/// gone round its loop: a stuck writer stops the pings and systemd restarts the daemon.
struct Watchdog: Service {
    let notifier: SystemdNotifier
    let daemon: LedgerDaemon
    let interval: Duration
    let logger: Logger

    func run() async throws {
        logger.info("watchdog", metadata: ["interval_ms": "\(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)"])
        // The first ping follows READY=1: until then systemd waits on the start timeout.
        while !daemon.isServing && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await daemon.writer.heartbeat()
            try? notifier.watchdog()
            // Woken by a graceful shutdown: a stop must not wait out the interval (up to half
            // of WatchdogSec=, 15 s under the shipped unit).
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
