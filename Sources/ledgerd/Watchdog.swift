import LedgerServer
import LedgerSystemd
import Logging
import ServiceLifecycle

/// Pings systemd's watchdog, but only after the writer has gone round its loop: a stuck
/// writer stops the pings and systemd restarts the daemon.
struct Watchdog: Service {
    let notifier: SystemdNotifier
    let writer: AppendWriter
    let interval: Duration
    let logger: Logger

    func run() async throws {
        logger.info("watchdog", metadata: ["interval_ms": "\(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await writer.heartbeat()
            try? notifier.watchdog()
            try? await Task.sleep(for: interval)
        }
    }
}
