#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open descriptors, which must leave room for every connection the daemon
/// serves: past it the daemon cannot even accept a connection to refuse it, and new clients wait
/// unanswered. systemd starts services with a soft limit of 1024 and a much higher hard one.
public enum OpenFileLimit {
    /// Descriptors the daemon holds besides its connections (the store, the event loops' own, the
    /// listening socket, standard streams), with room to spare.
    public static let reserve = 256

    /// Raises the soft limit, as far as the hard limit allows, to serve `maximumConnections` at once
    /// plus the reserve; returns the soft limit now in force and whether it is enough.
    public static func raise(toServe maximumConnections: Int) -> (soft: Int, enough: Bool) {
        let needed = rlim_t(maximumConnections + reserve)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (0, false) }
        if limit.rlim_cur < needed {
            var raised = limit
            raised.rlim_cur = min(needed, limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return (Int(clamping: limit.rlim_cur), limit.rlim_cur >= needed)
    }
}
