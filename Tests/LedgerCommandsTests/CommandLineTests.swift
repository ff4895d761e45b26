import Foundation
import LedgerCore
import LedgerTestSupport
import Testing

/// The `ledger` command line as a built binary, run as a user would, on the bundled example.
@Suite struct CommandLineTests {
    /// A scratch ledger loaded with the example data.
    final class ExampleLedger: Sendable {
        let directory: TemporaryDirectory
        let db: String

        init() async throws {
            directory = try TemporaryDirectory("ledger-cli")
            db = directory.appending("db")
            let result = try await CommandRunner.run("ledger", ["append", Paths.exampleLedger, "--db", db])
            guard result.status == 0 else { throw CommandFailure(message: result.errors) }
        }

        func run(_ arguments: [String], input: String? = nil) async throws -> CommandResult {
            try await CommandRunner.run("ledger", arguments + ["--db", db], input: input)
        }
    }

    @Test func appendReportsWhatItDid() async throws {
        let directory = try TemporaryDirectory("ledger-cli")
        let db = directory.appending("db")
        let first = try await CommandRunner.run("ledger", ["append", Paths.exampleLedger, "--db", db])
        #expect(first.status == 0)
        #expect(first.output == "appended 24, duplicates 0, seq 1–24\n")
        let again = try await CommandRunner.run("ledger", ["append", Paths.exampleLedger, "--db", db])
        #expect(again.output == "appended 0, duplicates 24\n")
    }

    @Test func theExampleShowsTheCardsFiveAmountsAndThePlansChildren() async throws {
        let ledger = try await ExampleLedger()
        let table = try await ledger.run(["at", "2025-04-15"])
        #expect(table.status == 0)
        #expect(table.output.hasPrefix("Commitments at the end of 15 April 2025 (Europe/London), as known now\n"))
        for amount in ["£10m", "£2.5m", "£5m", "£11m", "£6.5m"] {
            #expect(table.output.contains(amount), "\(amount) missing")
        }
        let json = try await ledger.run(["at", "2025-04-15", "--format", "json"])
        let result = try AtResultDecoder.decode(JSONParser.parse(json.output.trimmingCharacters(in: .newlines)))
        let pledges = Dictionary(uniqueKeysWithValues: result.allLines.map { ($0.state.line, $0.state.pledged.value) })
        #expect(pledges["grooming-gangs-action-plan"] == 1_000_000_000)
        #expect(pledges["police-reinvestigation"] == 250_000_000)
        #expect(pledges["local-inquiries"] == 500_000_000)
        #expect(pledges["national-audit-and-victims-panel"] == 250_000_000)
        #expect(pledges["undercover-online-network"] == 1_100_000_000)
        #expect(pledges["child-abuse-image-database"] == 500_000_000)
        #expect(pledges["tackling-organised-exploitation"] == 650_000_000)
        #expect(pledges["cse-taskforce-funding"] == 200_000_000)
        let children = result.allLines.filter { $0.state.parent == "grooming-gangs-action-plan" }
        #expect(children.map(\.state.pledged.value).reduce(0, +) == 1_000_000_000)
        #expect(result.line("grooming-gangs-action-plan")?.childrenPledged == Pence(1_000_000_000))
        // The children are inside the £10m: £10m + £11m + £5m + £6.5m + £2m.
        #expect(result.departments.first { $0.department == "home-office" }?.pledged == Pence(3_450_000_000))
        // Hillsborough Law is due on 15 April: not overdue at its end, overdue the day after.
        #expect(result.line("hillsborough-law")?.overdue == false)
        let dayAfter = try await ledger.run(["at", "2025-04-16", "--format", "json"]).output
        let after = try AtResultDecoder.decode(JSONParser.parse(dayAfter.trimmingCharacters(in: .newlines)))
        #expect(after.line("hillsborough-law")?.overdue == true)
    }

    @Test func theTableDrawsChildrenUnderTheirParent() async throws {
        let ledger = try await ExampleLedger()
        let lines = try await ledger.run(["at", "2025-04-15"]).output.split(separator: "\n").map(String.init)
        let parent = try #require(lines.firstIndex { $0.contains("grooming-gangs-action-plan") })
        #expect(lines[parent + 1].contains("├─ local-inquiries"))
        #expect(lines[parent + 3].contains("└─ police-reinvestigation"))
    }

    @Test func beforeAnythingWasAnnouncedTheLedgerSaysSo() async throws {
        let ledger = try await ExampleLedger()
        let result = try await ledger.run(["at", "2010-01-01"])
        #expect(result.output.contains("No commitment had been announced by then."))
    }

    @Test func kindListsOnlyThoseLinesAndTheirPlansInTheTable() async throws {
        let ledger = try await ExampleLedger()
        let table = try await ledger.run(["at", "2025-04-15", "--kind", "legislation"])
        #expect(table.status == 0, "\(table.errors)")
        #expect(table.output.hasPrefix("Commitments at the end of 15 April 2025 (Europe/London), as known now: legislation lines only (the figures count every line)"))
        let rows = table.output.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("  Pledged") && !$0.hasPrefix("  LINE") }
        #expect(rows.map { $0.split(separator: " ").first.map(String.init) ?? "" } == [
            "grooming-aggravating-factor", "hillsborough-law", "mandatory-reporting-duty",
        ], "\(table.output)")
        // The department's figures are still those of every line; a department with none of the kind is left out.
        #expect(table.output.contains("Pledged £34.5m, funded £0. 23 lines"))
        #expect(!table.output.contains("Telford"))
        let json = try await ledger.run(["at", "2025-04-15", "--kind", "funding", "--format", "json"])
        #expect(json.status == 64)
        #expect(json.errors.contains("--kind lists some lines of the table only"))
    }

    @Test func departmentAndCSV() async throws {
        let ledger = try await ExampleLedger()
        let csv = try await ledger.run(["at", "2025-04-15", "--department", "telford-and-wrekin-council", "--format", "csv"])
        let rows = csv.output.split(separator: "\r\n").map(String.init)
        #expect(rows.first == "at,known_at,department,department_name,line,parent,title,kind,status,overdue,pledged_pence,funded_pence,children_pledged_pence,due,slips,slipped_days,stage,bill,house,replaced_by,delivered_on,late_days,response,made_by,money,last_activity")
        #expect(rows.count == 2)
        #expect(rows[1].hasPrefix("2025-04-15,,telford-and-wrekin-council,Telford & Wrekin Council,telford-cse-scrutiny-recommendations,"))
    }

    @Test func knownAtBeforeTheLoadShowsNothing() async throws {
        let ledger = try await ExampleLedger()
        let result = try await ledger.run(["at", "2025-04-15", "--known-at", "2020-01-01T00:00:00Z", "--format", "json"])
        #expect(result.output.hasPrefix(#"{"at":"2025-04-15","known_at":"2020-01-01T00:00:00Z","totals":{"pledged_pence":0,"funded_pence":0,"reannounced_pence":0},"departments":[]}"#))
    }

    @Test func aRefusedFileNamesTheLineFieldAndRuleAndAppendsNothing() async throws {
        let ledger = try await ExampleLedger()
        let before = try await ledger.run(["export"]).output
        let bad = [
            Events.event("funded", "grooming-gangs-action-plan", on: "2025-02-01", #""amount_pence":250000000"#),
            "",
            Events.event("slipped", "hillsborough-law", on: "2025-03-01", #""due":"2025-03","reason":"earlier""#),
        ].joined(separator: "\n")
        let result = try await ledger.run(["append", "-"], input: bad)
        #expect(result.status == 1)
        #expect(result.errors.contains("standard input, line 3 (field due): slip_not_later:"), "\(result.errors)")
        #expect(result.errors.contains("nothing was appended"))
        #expect(try await ledger.run(["export"]).output == before)
    }

    @Test func invalidJSONIsRefusedWithItsLine() async throws {
        let ledger = try await ExampleLedger()
        let result = try await ledger.run(["append", "-"], input: "{\"type\":\"funded\"\n")
        #expect(result.status == 1)
        #expect(result.errors.contains("standard input, line 1: invalid_json:"), "\(result.errors)")
    }

    @Test func historyShowsEachEventWithItsSource() async throws {
        let ledger = try await ExampleLedger()
        let result = try await ledger.run(["history", "undercover-online-network"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("undercover-online-network: £11m investment in an undercover online network of police officers\n"))
        #expect(result.output.contains("2025-01-16  announced  funding by Home Office, pledged £11m"))
        #expect(result.output.contains("source: "))
        #expect(result.output.contains("“"))
        let missing = try await ledger.run(["history", "no-such-line"])
        #expect(missing.status == 1)
    }

    @Test func diffListsWhatChangedBetweenTwoDates() async throws {
        let ledger = try await ExampleLedger()
        let text = try await ledger.run(["diff", "2025-01-15", "2025-03-01"])
        #expect(text.status == 0)
        #expect(text.output.contains("cse-taskforce-funding: announced: £2m additional funding"))
        #expect(text.output.contains("Pledged £0 → £34.5m, funded £0 → £0."))
        #expect(text.output.contains("iicsa-inter-ministerial-group: fell overdue (due 2025-02)"))
        let json = try await ledger.run(["diff", "2025-01-15", "2025-03-01", "--format", "json"])
        guard case .object(let object) = try JSONParser.parse(json.output.trimmingCharacters(in: .newlines)),
              case .array(let changes)? = object["changes"] else {
            Issue.record("diff json has no changes")
            return
        }
        #expect(!changes.isEmpty)
        let backwards = try await ledger.run(["diff", "2025-02-28", "2025-01-15"])
        #expect(backwards.status != 0)
    }

    @Test func exportVerifyAndBackup() async throws {
        let ledger = try await ExampleLedger()
        let export = try await ledger.run(["export"]).output.split(separator: "\n")
        #expect(export.count == 24)
        #expect(export.allSatisfy { $0.contains(#""hash":""#) && $0.contains(#""recorded":""#) })
        #expect(try await ledger.run(["export", "--from-seq", "20"]).output.split(separator: "\n").count == 5)
        let verify = try await ledger.run(["verify"])
        #expect(verify.status == 0)
        #expect(verify.output.hasPrefix("ok: 24 events, chain intact, head "))
        let copy = ledger.directory.appending("copy")
        let backup = try await ledger.run(["backup", copy])
        #expect(backup.output == "backed up 24 events to \(copy)\n")
        let copied = try await CommandRunner.run("ledger", ["export", "--db", copy])
        #expect(copied.output.split(separator: "\n") == export)
        let again = try await ledger.run(["backup", copy])
        #expect(again.status == 1)
        #expect(again.errors.contains("not empty"))
    }

    @Test func rebuildDerivesTheSameAnswersFromTheEventsAlone() async throws {
        let ledger = try await ExampleLedger()
        let dates = ["2025-01-20", "2025-04-15", "2026-01-01"]
        var before: [String] = []
        for date in dates { before.append(try await ledger.run(["at", date, "--format", "json"]).output) }
        let rebuild = try await ledger.run(["rebuild"])
        #expect(rebuild.status == 0, "\(rebuild.errors)")
        #expect(rebuild.output == "rebuilt the projections of 24 lines from 24 events\n")
        var after: [String] = []
        for date in dates { after.append(try await ledger.run(["at", date, "--format", "json"]).output) }
        #expect(after == before)
        #expect(try await ledger.run(["verify"]).status == 0)
        let withoutStore = try await CommandRunner.run("ledger", ["rebuild", "--socket", ledger.directory.appending("none.sock")])
        #expect(withoutStore.status == 1)
        #expect(withoutStore.errors.contains("give the ledger's state directory with --db DIR"))
        let nowhere = try await CommandRunner.run("ledger", ["rebuild", "--db", ledger.directory.appending("nowhere")])
        #expect(nowhere.status == 1)
        #expect(nowhere.errors.contains("no ledger at"))
        #expect(!FileManager.default.fileExists(atPath: ledger.directory.appending("nowhere")))
    }

    /// A store restored as its `data.mdb` alone, without the lock file LMDB keeps beside it, is
    /// rebuilt like any other: the rebuild opens it for writing, as it writes.
    @Test func rebuildTakesAStoreRestoredWithoutItsLockFile() async throws {
        let ledger = try await ExampleLedger()
        let before = try await ledger.run(["at", "2025-04-15", "--format", "json"]).output
        try FileManager.default.removeItem(atPath: ledger.db + "/lock.mdb")
        let rebuild = try await ledger.run(["rebuild"])
        #expect(rebuild.status == 0, "\(rebuild.errors)")
        #expect(rebuild.output == "rebuilt the projections of 24 lines from 24 events\n")
        #expect(try await ledger.run(["at", "2025-04-15", "--format", "json"]).output == before)
    }

    @Test func moneyConvertsWhatPeopleWrite() async throws {
        let result = try await CommandRunner.run("ledger", ["money", "£2.5m"])
        #expect(result.output == "250000000 pence (£2.5m)\n")
        #expect(try await CommandRunner.run("ledger", ["money", "£1.2.3"]).status != 0)
    }

    @Test func withoutADatabaseItSaysHowToGiveOne() async throws {
        let result = try await CommandRunner.run("ledger", ["at", "2025-04-15"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--db DIR"))
        let missing = try await CommandRunner.run("ledger", ["at", "2025-04-15", "--db", "/nonexistent/ledger"])
        #expect(missing.errors.contains("no ledger at /nonexistent/ledger"))
    }

    @Test func aBadDateIsRefusedClearly() async throws {
        let ledger = try await ExampleLedger()
        let result = try await ledger.run(["at", "15/04/2025"])
        #expect(result.status != 0)
        #expect(result.errors.contains(#"DATE "15/04/2025" is not a date written YYYY-MM-DD"#))
    }
}


struct CommandFailure: Error {
    let message: String
}

/// The benchmark at a tiny scale, so it cannot rot: it runs through the real daemon and SQLite,
/// and the two give the same `at` answers. No figure is asserted: times belong to the benchmark.
@Suite struct BenchmarkSmokeTests {
    static let tiny = ["--events", "3000", "--runs", "1", "--queries", "4", "--singles", "32", "--line-events", "2500"]

    @Test func theMarkdownTableHasEveryFigureAndTheAnswersAgree() async throws {
        let result = try await CommandRunner.run("ledger-bench", Self.tiny)
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("3064 events stored (3000 generated, seed 42, then 2 × 1 × 32 single appends, on the newest day and backdated to their line's start)"))
        for label in [
            "| append through the socket, batches of 1000 |", "| append single events, 16 connections at once |",
            "| `at`, whole ledger, p50 |", "| `at`, one department, p99 |", "| `at --known-at`, one department, p50 |",
            "| daemon start to READY=1 |", "| rebuild every projection (SQLite: REINDEX) |", "| `ping` round trip, p50 (the socket's floor) |",
            "| peak RSS of ledgerd (VmHWM, with the store's mapped pages) |", "| peak anonymous RSS of ledgerd (heap, sampled) |",
            "| store bytes per event |", "| append single events backdated to their line's start, 16 connections on 16 lines |",
            "| bytes written to storage per event, batches of 1000 (/proc io write_bytes) |",
            "| the same batches, 8 requests in flight on one connection (SQLite: the same batches) |",
            "| bytes written to storage per event, 8 batches in flight (SQLite: the same batches) |",
            "| bytes written to storage per event, single backdated events |",
            "| one line's funding events, batches of 1000, oldest first |",
            "| one line's funding events, batches of 1000, newest first (each dated before the last) |",
            "| bytes written to storage per event, one line newest first |",
        ] {
            #expect(result.output.contains(label), "missing \(label)")
        }
        // 4 dates × (whole ledger, one department, known-at), the pipelined load at 2 dates, and
        // the long line's two orders at 2 dates each, each compared department by department.
        #expect(result.output.contains("answers agree: 18 `at` answers"))
    }

    @Test func jsonCarriesTheSameFiguresForMachines() async throws {
        let result = try await CommandRunner.run("ledger-bench", Self.tiny + ["--seed", "7", "--json"])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        let report = try #require(try JSONParser.parse(Array(result.output.utf8)).objectValue)
        #expect(report["stored_events"]?.integerValue == 3064)
        let agreement = try #require(report["agreement"]?.objectValue)
        #expect(agreement["agree"]?.boolValue == true)
        #expect(agreement["compared"]?.integerValue == 18)
        let figures = try #require(report["figures"]?.arrayValue).compactMap(\.objectValue)
        let measures = figures.compactMap { $0["measure"]?.stringValue }
        #expect(measures == [
            "ingest_batched", "written_per_event_batched", "ingest_pipelined", "written_per_event_pipelined", "ingest_singles",
            "written_per_event_singles", "ingest_singles_backdated", "written_per_event_singles_backdated", "at_whole_p50",
            "at_whole_p99", "at_department_p50", "at_department_p99",
            "at_known_at_p50", "at_known_at_p99", "ping_p50", "peak_rss", "peak_anonymous_rss", "start_to_ready", "rebuild",
            "bytes_per_event", "ingest_line_oldest_first", "written_per_event_line_oldest_first", "ingest_line_newest_first",
            "written_per_event_line_newest_first",
        ])
        let ingest = try #require(figures.first)
        #expect((ingest["ledger"]?.integerValue ?? 0) > 0 && (ingest["sqlite"]?.integerValue ?? 0) > 0)
    }

    @Test func theGrowthScriptPutsEverySizeInOneTable() async throws {
        let result = try await CommandRunner.run(
            "/bin/bash",
            [Paths.packageRoot + "/Tests/Performance/growth.sh", "--sizes", "2000,3000", "--runs", "1", "--bin", Paths.products, "--"]
                + Self.tiny.dropFirst(4),
            absolute: true
        )
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.hasPrefix("| measure | 2,000 events | 3,000 events |\n"))
        #expect(result.output.contains("| append through the socket, batches of 1000 | "))
        #expect(result.output.contains("| bytes written to storage per event, single backdated events | "))
        #expect(result.output.hasSuffix("answers agree at every size\n"))
    }

    @Test func aBadOptionIsNamed() async throws {
        let result = try await CommandRunner.run("ledger-bench", ["--events", "many"])
        #expect(result.status == 64)
        #expect(result.errors.contains("--events takes a positive whole number, not many"))
    }
}
