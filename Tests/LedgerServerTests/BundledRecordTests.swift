import Foundation
import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// The bundled record: every file appends cleanly on its own in the order of its name, all of them
/// load through the daemon as the quick start loads them, and the figures are the ones the
/// README states.
@Suite struct BundledRecordTests {
    static let files: [String] = {
        let folder = Paths.packageRoot + "/deploy/examples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".ndjson") }.sorted().map { folder + "/" + $0 }
    }()

    @Test func everyFileAppendsCleanlyInTheOrderOfItsName() async throws {
        #expect(Self.files.map { URL(fileURLWithPath: $0).lastPathComponent } == [
            "home-office-2025.ndjson", "later-2025-2026.ndjson", "recommendations-casey-2025.ndjson", "recommendations-iicsa-2022.ndjson",
        ])
        let directory = try TemporaryDirectory("bundled-record")
        var appended: [String] = []
        for file in Self.files {
            let result = try await CommandRunner.run("ledger", ["append", file, "--db", directory.appending("db")])
            #expect(result.status == 0, "\(file): \(result.errors)")
            appended.append(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(appended == [
            "appended 24, duplicates 0, seq 1–24", "appended 103, duplicates 0, seq 25–127",
            "appended 38, duplicates 0, seq 128–165", "appended 63, duplicates 0, seq 166–228",
        ])
    }

    @Test func theWholeRecordLoadsThroughTheDaemonWithTheFiguresTheReadmeStates() async throws {
        let daemon = try DaemonProcess()
        for file in Self.files {
            let result = try await CommandRunner.run("ledger", ["append", file, "--socket", daemon.socket])
            #expect(result.status == 0, "\(file): \(result.errors)")
        }
        let client = try daemon.connect()
        #expect(try client.stats().events == 228)
        let before = try client.at(date: try .iso("2025-04-15"))
        #expect(before.pledged == Pence(4_760_000_000))
        #expect(before.funded == Pence(1_560_000_000))
        #expect(before.reannounced == Pence(1_100_000_000))
        let latest = try client.at(date: try .iso("2026-06-30"))
        #expect(latest.pledged == Pence(16_260_000_000))
        #expect(latest.funded == Pence(15_152_600_000))
        #expect(latest.reannounced == Pence(1_100_000_000))
        #expect(latest.departments.count == 6)
        #expect(latest.allLines.count == 64)
        let counts = latest.departments.reduce(into: LineCounts()) { total, department in
            for (name, value) in department.counts.named {
                switch name {
                case "delivered": total.delivered += value
                case "withdrawn": total.withdrawn += value
                case "recommendations": total.recommendations += value
                case "accepted": total.accepted += value
                case "rejected": total.rejected += value
                default: break
                }
            }
        }
        #expect(counts.recommendations == 32)
        #expect(counts.accepted == 28)
        #expect(counts.rejected == 3)
        #expect(counts.withdrawn == 2)
        // What the readers ask of it: the audit delivered on 16 June 2025, the local
        // inquiries replaced by the national inquiry, the duty through both Houses to Royal Assent.
        #expect(latest.line("national-audit")?.state.deliveredOn == CivilDate(iso: "2025-06-16"))
        #expect(latest.line("local-inquiries")?.state.replacedBy != nil)
        #expect(latest.line("mandatory-reporting-duty")?.state.stage == .royalAssent)
        #expect(try client.verify() == .intact(count: 228, head: try client.stats().headHash))
        #expect(daemon.stop() == 0)
    }
}
