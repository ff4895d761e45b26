import LedgerClient

#if canImport(Glibc)
import Glibc
#endif

/// The receiving end of `NOTIFY_SOCKET`: a Unix datagram socket on which `ledgerd` says READY=1
/// once its store is open and its socket listening, as it tells systemd.
struct ReadinessListener: ~Copyable {
    private let descriptor: Int32
    /// The socket's path, for `NOTIFY_SOCKET`.
    let path: String

    /// Binds a datagram socket at `path`, replacing a stale one.
    init(path: String) throws(ClientError) {
        self.path = path
        unlink(path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .broken("cannot make a datagram socket") }
        let bound: Int32
        do {
            bound = try UnixSocketAddress.with(path: path) { address, length in bind(descriptor, address, length) }
        } catch {
            close(descriptor)
            throw error
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .broken("cannot bind \(path): \(reason)")
        }
        // Short waits, so the caller can notice a daemon that died instead of getting ready.
        var limit = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Waits up to 50 ms for a datagram; true when one carrying READY=1 arrived.
    func receivedReady() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress, raw.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            if message.split(separator: "\n").contains("READY=1") { return true }
        }
    }
}
