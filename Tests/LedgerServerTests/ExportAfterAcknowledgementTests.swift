import LedgerClient
import LedgerCore
import LedgerTestSupport
import Testing

/// An acknowledged append is visible at once: an export asked for right after the answer,
/// from another connection, holds the events the answer numbered.
@Suite struct ExportAfterAcknowledgementTests {
    /// Appends one event on `writer`, then exports from its seq on `reader`: the events found.
    static func appendThenExport(_ writer: LedgerConnection, _ reader: LedgerConnection, line: String, id: String) throws -> (seq: Int64, found: Int) {
        let report = try writer.append([Events.event("funded", line, on: "2025-02-03", #""amount_pence":1"#, id: id)])
        let seq = report.lastSeq ?? 0
        return (Int64(seq), try reader.exportedEvents(from: seq).count)
    }

    @Test func everyAcknowledgedEventIsInAnExportAskedForRightAfter() async throws {
        let daemon = try DaemonProcess()
        let clients = 6
        let rounds = 150
        let setup = try daemon.connect()
        let lines = (0..<clients).map { "line-\($0)" }
        #expect(try setup.append(lines.map { Events.announced($0) }).appended == clients)
        // Every client on a thread of its own, so the others' appends land between its append and its export.
        let run = try await Threads.run(clients) { client in
            let writer = try daemon.connect()
            let reader = try daemon.connect()
            var missed: [Int64] = []
            for round in 0..<rounds {
                let (seq, found) = try Self.appendThenExport(writer, reader, line: lines[client], id: "c\(client)-r\(round)")
                if found == 0 { missed.append(seq) }
            }
            return missed
        }
        #expect(run.peak == clients)
        #expect(run.values.flatMap { $0 } == [], "acknowledged events missing from an export asked for after the answer")
    }
}
