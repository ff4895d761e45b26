import Foundation
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// The data file is extended ahead of LMDB's last page, its new pages allocated and read into the
/// cache one at a time without being written (so a later one-page change is written back as one
/// page), except on a memory-backed file system, and a store whose file runs past its pages
/// opens, reads and verifies as any other.
@Suite struct PageCacheShapeTests {
    static func fileSystemType(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/stat")
        process.arguments = ["-f", "-c", "%T", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A temporary directory, required to be on a file system that writes back (not tmpfs).
    static func directoryOnDisk() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("page-cache-shape")
        let type = try fileSystemType(directory.path)
        try #require(type != "tmpfs" && type != "ramfs", "the temporary directory is on \(type)")
        return directory
    }

    static func fileSize(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    static func load(_ log: EventLog) throws {
        let now = Timestamp(millisecondsSinceEpoch: 1_751_284_800_000)
        _ = try log.append(Events.batch([Events.announced("action-plan", amount: 1_000_000_000)]), now: now)
        _ = try log.append(Events.batch(StorageTests.fundingBatch(0..<300)), now: now)
    }

    @Test func onADiskTheFileRunsAheadOfItsPagesAndTheStoreReadsAsAnyOther() throws {
        let directory = try Self.directoryOnDisk()
        do {
            let log = try EventLog(path: directory.path)
            try Self.load(log)
            let used = try log.storeBytes()
            #expect(try Self.fileSize(directory.appending("data.mdb")) >= used + (2 << 20))
        }
        var readOnly = EventLog.Options()
        readOnly.readOnly = true
        let reopened = try EventLog(path: directory.path, options: readOnly)
        #expect(try reopened.eventCount() == 301)
        #expect(try reopened.verify() == .intact(count: 301, head: try reopened.head().hash))
        // 1 + 2 + … + 300 pence.
        let date = try #require(CivilDate(iso: "2025-03-01"))
        #expect(try reopened.at(date).line("action-plan")?.state.funded == Pence(45_150))
    }

    @Test func theMebibytesAheadAreAllocatedWithoutBeingWritten() throws {
        let directory = try Self.directoryOnDisk()
        let before = try #require(ProcessStatus.writtenBytesOfThisThread())
        // Opening the store and the first append each run a write transaction on this thread.
        let log = try EventLog(path: directory.path)
        let now = Timestamp(millisecondsSinceEpoch: 1_751_284_800_000)
        _ = try log.append(Events.batch([Events.announced("action-plan", amount: 1_000_000_000)]), now: now)
        let written = try #require(ProcessStatus.writtenBytesOfThisThread()) - before
        let path = directory.appending("data.mdb")
        let size = try Self.fileSize(path)
        let used = try log.storeBytes()
        #expect(size >= used + (2 << 20))
        var status = stat()
        try #require(stat(path, &status) == 0)
        #expect(Int(status.st_blocks) * 512 >= size, "\(status.st_blocks) blocks of 512 bytes for \(size) bytes")
        // LMDB's own pages of two small commits, not the mebibytes ahead of them.
        #expect(written < 1 << 20, "\(written) bytes written for a store of \(used) bytes in a file of \(size)")
    }

    /// Which of the first `bytes` of the file at `path` are in the page cache, page by page
    /// (`mincore` over a mapping of it, which brings nothing in).
    static func residentPages(_ path: String, bytes: Int) throws -> [Bool] {
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let map = try #require(mmap(nil, bytes, PROT_READ, MAP_SHARED, descriptor, 0))
        try #require(map != MAP_FAILED)
        defer { munmap(map, bytes) }
        var vector = [UInt8](repeating: 0, count: (bytes + Self.pageSize - 1) / Self.pageSize)
        try #require(mincore(map, bytes, &vector) == 0)
        return vector.map { $0 & 1 == 1 }
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    @Test func thePagesAnEarlierRunLeftAheadAreReadInAgain() throws {
        let directory = try Self.directoryOnDisk()
        try Self.load(try EventLog(path: directory.path))
        let path = directory.appending("data.mdb")
        // Out of the cache, as after a reboot: the store is closed and its pages are clean.
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        close(descriptor)
        let size = try Self.fileSize(path)
        let evicted = try Self.residentPages(path, bytes: size).filter { !$0 }.count
        try #require(evicted > 0, "no page of the store left the cache")
        // Opening the store runs a write transaction.
        let log = try EventLog(path: directory.path)
        let used = try log.storeBytes()
        let ahead = try Self.residentPages(path, bytes: size)[(used / Self.pageSize)...]
        #expect(ahead.allSatisfy { $0 }, "\(ahead.filter { !$0 }.count) of the \(ahead.count) pages ahead are not cached")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/shm"), "needs /dev/shm"))
    func onTmpfsNothingIsWrittenAhead() throws {
        let path = "/dev/shm/ledger-page-cache-shape-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #require(try Self.fileSystemType("/dev/shm") == "tmpfs")
        let log = try EventLog(path: path)
        try Self.load(log)
        #expect(try Self.fileSize(path + "/data.mdb") == (try log.storeBytes()))
    }
}
