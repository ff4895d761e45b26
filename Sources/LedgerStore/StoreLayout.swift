import LMDB

/// The named databases of a ledger's LMDB environment (docs/storage.md).
struct StoreLayout: Sendable {
    /// `seq` → 32-byte chain hash, then the event's canonical bytes.
    let events: Database
    /// `id` → `seq`, content digest, type, line: finds re-sends and retraction targets.
    let ids: Database
    /// `line 0x00 day seq` → a `LineEventRecord`: one line's events in fold order, with when each was
    /// recorded and retracted and what a `funded` one adds.
    let lineEvents: Database
    /// `line 0x00 day` → the line's state at the end of that day (empty when absent).
    let timeline: Database
    /// `line` → department and announcement date of each announced, unretracted line.
    let lines: Database
    /// `department 0x00 line`: every line ever announced in a department.
    let departmentLines: Database
    /// retracted `seq` → the correction's `seq` and recorded time.
    let retractions: Database
    /// `head` and `format`.
    let meta: Database
    /// `line 0x00 level bucket` → the sum of the `funded` amounts appended after later-dated
    /// events of their line, per day bucket (`LateFunding`).
    let lateFunding: Database

    static let names = ["events", "ids", "line_events", "timeline", "lines", "department_lines", "retractions", "meta", "late_funding"]

    init(_ databases: [Database]) {
        events = databases[0]
        ids = databases[1]
        lineEvents = databases[2]
        timeline = databases[3]
        lines = databases[4]
        departmentLines = databases[5]
        retractions = databases[6]
        meta = databases[7]
        lateFunding = databases[8]
    }
}
