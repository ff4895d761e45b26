import LMDB

/// The named databases of a ledger's LMDB environment (docs/storage.md).
struct StoreLayout: Sendable {
    /// `seq` → 32-byte chain hash, then the event's canonical bytes.
    let events: Database
    /// `id` → `seq` and 16 bytes of the content digest: finds re-sends and retraction targets.
    let ids: Database
    /// Each line's index, its keys starting `line 0x00`: `line 0x00 0x00 day seq` → a
    /// `LineEventRecord` (the line's events in fold order, with when each was recorded and
    /// retracted and what a `funded` one adds), then `line 0x00 0x01 ~day` → the line's state at
    /// the end of that day (newest first). A line's newest events and newest state share a page,
    /// so an append to a line rewrites one page of it rather than one in each of two trees.
    let lineIndex: Database
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

    static let names = ["events", "ids", "line_index", "lines", "department_lines", "retractions", "meta", "late_funding"]

    /// Databases of earlier formats that this one no longer has: `line_events` and `timeline`,
    /// whose entries `line_index` now holds (formats `ledger-1` to `ledger-5`).
    static let retiredNames = ["line_events", "timeline"]

    init(_ databases: [Database]) {
        events = databases[0]
        ids = databases[1]
        lineIndex = databases[2]
        lines = databases[3]
        departmentLines = databases[4]
        retractions = databases[5]
        meta = databases[6]
        lateFunding = databases[7]
    }
}
