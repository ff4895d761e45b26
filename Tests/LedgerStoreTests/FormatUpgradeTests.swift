import Foundation
import LedgerCore
import LedgerStore
import LedgerTestSupport
import Testing

/// A store written by the previous release (format `ledger-2`, loaded with `mdb_load` from the
/// dump of one that release's `ledgerd` wrote) opens, is upgraded to `ledger-3`, and keeps every
/// event byte for byte; its projections then carry the second release's fields.
@Suite struct FormatUpgradeTests {
    static let resources = Paths.packageRoot + "/Tests/LedgerStoreTests/Resources"

    /// The previous release's store, loaded into a fresh directory.
    static func previousReleaseStore() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("ledger-2-store")
        let load = Process()
        load.executableURL = URL(fileURLWithPath: "/usr/bin/mdb_load")
        load.arguments = ["-f", resources + "/ledger-2-store.dump", directory.path]
        load.standardError = FileHandle.nullDevice
        try load.run()
        load.waitUntilExit()
        guard load.terminationStatus == 0 else { throw DaemonFailure(message: "mdb_load exited \(load.terminationStatus)") }
        return directory
    }

    static func exportLines(_ log: EventLog) throws -> [String] {
        var lines: [String] = []
        try log.export { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/mdb_load"), "needs mdb_load (lmdb-utils)"))
    func aStoreOfThePreviousReleaseIsUpgradedKeepingEveryEvent() throws {
        let directory = try Self.previousReleaseStore()
        var readOnly = EventLog.Options()
        readOnly.readOnly = true
        #expect {
            try EventLog(path: directory.path, options: readOnly)
        } throws: { error in
            (error as? StoreError)?.code == .unsupportedFormat && "\(error)".contains("earlier format ledger-2")
        }

        let log = try EventLog(path: directory.path)
        let expected = try String(contentsOfFile: Self.resources + "/ledger-2-export.ndjson", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(expected.count == 30)
        #expect(try Self.exportLines(log) == expected)
        #expect(try log.verify() == .intact(count: 30, head: try log.head().hash))

        let endOf2025 = try #require(CivilDate(iso: "2025-12-31"))
        let state = try #require(try log.at(endOf2025).line("hillsborough-law")?.state)
        #expect(state.status == .delivered)
        #expect(state.deliveredOn == CivilDate(iso: "2025-10-01"))
        // Due 2025-09 after its slip: delivered a day after that month ended.
        #expect(state.lateDays == 1)
        #expect(state.lastActivity == CivilDate(iso: "2025-10-01"))
        #expect(state.house == nil)
        let caid = try #require(try log.at(endOf2025).line("child-abuse-image-database")?.state)
        // The retracted funding no longer counts, and neither its date nor the correction's is activity.
        #expect(caid.funded == .zero)
        #expect(caid.lastActivity == CivilDate(iso: "2025-01-16"))

        // Upgraded once: it now opens read-only, and a rebuild derives the same projections.
        let answer = try log.at(endOf2025)
        #expect(try EventLog(path: directory.path, options: readOnly).at(endOf2025) == answer)
        _ = try log.rebuildProjections()
        #expect(try log.at(endOf2025) == answer)
        #expect(try Self.exportLines(log) == expected)
    }
}
