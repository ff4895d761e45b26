import Foundation
import LedgerTestSupport

/// A small tmpfs mounted on a directory, so a test can fill the disk under the store for real.
///
/// Mounting needs root (or CAP_SYS_ADMIN); `isAvailable` tries it once, and the tests that need
/// it run only where it works.
final class SmallFilesystem {
    /// The mount point.
    let path: String
    private var mounted = true

    /// Mounts a tmpfs of `mebibytes` MiB on `path` (an existing, empty directory).
    init(at path: String, mebibytes: Int) throws {
        self.path = path
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(mebibytes)m,mode=0755") == 0 else {
            throw DaemonFailure(message: "cannot mount a tmpfs on \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Changes its size in place, keeping what it holds (shrinking below what it holds fails).
    func resize(mebibytes: Int) throws {
        guard mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT), "size=\(mebibytes)m") == 0 else {
            throw DaemonFailure(message: "cannot resize the tmpfs on \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Bytes free on it.
    var freeBytes: Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return -1 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// Unmounts it; lazily, so a process still holding a file there cannot keep it mounted.
    func unmount() {
        guard mounted else { return }
        mounted = false
        umount2(path, Int32(MNT_DETACH))
    }

    deinit {
        unmount()
    }

    /// Whether this process may mount a tmpfs here (root, or CAP_SYS_ADMIN in its namespace).
    static let isAvailable: Bool = {
        guard let probe = try? TemporaryDirectory("ledger-mount-probe") else { return false }
        guard let filesystem = try? SmallFilesystem(at: probe.path, mebibytes: 1) else { return false }
        filesystem.unmount()
        return true
    }()
}
