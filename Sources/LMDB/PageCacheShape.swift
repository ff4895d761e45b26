import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the page cache of the data file in single-page units, so that a commit which changes one
/// 4 KiB page makes the kernel write back 4 KiB and no more.
///
/// Linux (ext4 from 6.x and others) caches a file in folios as large as the write or readahead
/// that brought them in. LMDB writes a run of new pages at the end of the file with one `writev`,
/// which lands in large folios; later commits change single pages inside them, and a dirty folio
/// is written back whole. Measured on ext4 with Linux 6.18, a 4 KiB `pwrite` into a page cached
/// from a large write caused 16 times its size in `write_bytes`, and the ledger's batched appends
/// wrote about five times the pages LMDB handed the kernel.
///
/// Two things keep every cached page of the file a single page: the environment is opened with
/// `MDB_NORDAHEAD` (a page read in through the map comes alone), and before each write
/// transaction the file is extended ahead of LMDB's last page and each new page is read in alone,
/// so the pages LMDB writes next are already cached singly. The extension allocates the space
/// (`posix_fallocate`, so LMDB's later write there cannot find the disk full) without writing
/// it, and the file is read without readahead (`POSIX_FADV_RANDOM`), so each one-page `pread`
/// caches one page of zeros and nothing goes to the disk until LMDB writes the page. (Writing
/// the zeros instead, one `pwrite` a page, cached the pages as singly but wrote every new page
/// of the file twice.) The first time, it also reads in what an earlier run extended the file
/// by, which may have left the cache since (after a reboot, say).
///
/// The extension happens inside the write transaction, while LMDB's writer lock is held: no
/// other writer, in this process or another, can be placing pages beyond the last committed one.
/// Pages beyond the last committed page are unused by every reader, and the file may be longer
/// than LMDB's pages (LMDB sizes the map from its meta page, not from the file). On tmpfs, which
/// has no write-back, nothing is done.
struct PageCacheShape {
    /// Extend when fewer than this many bytes lie beyond the last page...
    static let keepAhead = 2 << 20
    /// ...to this many beyond it.
    static let extendTo = 4 << 20

    private var fileSize = 0
    private var skip: Bool?
    /// Whether the pages an earlier run left beyond LMDB's have been read in.
    private var adopted = false

    /// Extends `descriptor`'s file so at least `keepAhead` bytes lie beyond `usedBytes`, never
    /// past `mapSize`, reading each new page in alone. Failures (a full disk) are left for LMDB's
    /// own writes to report.
    mutating func extend(descriptor: Int32, usedBytes: Int, pageSize: Int, mapSize: Int) {
        if skip == nil {
            skip = Self.isMemoryBacked(descriptor)
            // Reads through this file bring in the pages asked for and no more.
            if skip == false { _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_RANDOM) }
        }
        guard skip == false, pageSize > 0 else { return }
        if fileSize < usedBytes + Self.keepAhead || !adopted {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { return }
            fileSize = Int(status.st_size)
        }
        if !adopted {
            // What an earlier run extended the file by may have left the cache (after a reboot,
            // say): read it in again, a page at a time, before LMDB writes there in runs.
            adopted = true
            readIn(from: usedBytes, to: min(fileSize, usedBytes + Self.extendTo), descriptor: descriptor, pageSize: pageSize)
        }
        guard fileSize < usedBytes + Self.keepAhead else { return }
        let target = min(usedBytes + Self.extendTo, mapSize)
        let start = max(fileSize, usedBytes)
        guard start < target, posix_fallocate(descriptor, off_t(start), off_t(target - start)) == 0 else { return }
        fileSize = max(fileSize, target)
        readIn(from: start, to: target, descriptor: descriptor, pageSize: pageSize)
    }

    /// Reads the pages from `start` to `end` one `pread` each: each is cached as a page of its own.
    private func readIn(from start: Int, to end: Int, descriptor: Int32, pageSize: Int) {
        var offset = start
        var page = [UInt8](repeating: 0, count: pageSize)
        page.withUnsafeMutableBytes { buffer in
            while offset + pageSize <= end, pread(descriptor, buffer.baseAddress, pageSize, off_t(offset)) == pageSize {
                offset += pageSize
            }
        }
    }

    private static func isMemoryBacked(_ descriptor: Int32) -> Bool {
        #if os(Linux)
        var info = statfs()
        guard fstatfs(descriptor, &info) == 0 else { return false }
        let tmpfsMagic: Int = 0x0102_1994
        let ramfsMagic: Int = 0x8584_58F6
        return Int(info.f_type) == tmpfsMagic || Int(info.f_type) == ramfsMagic
        #else
        return true
        #endif
    }
}
