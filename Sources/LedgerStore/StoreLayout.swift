import LMDB

/// The named databases of a ledger's LMDB environment (docs/storage.md).
struct StoreLayout: Sendable {
    /// `seq` → 32-byte chain hash, then the event's canonical bytes.
    let events: Database
    /// `id` → `seq` and 16 bytes of the content digest: finds re-sends and retraction targets.
    let ids: Database
    /// Each line's index, its keys starting `line 0x00`: `line 0x00 0x00 level bucket` → the
    /// sums of the `funded` amounts appended after later-dated events of the line, per day bucket
    /// (`LateFunding`); then `line 0x00 0x01 day seq` → a `LineEventRecord` (the line's events in
    /// fold order, with when each was recorded and retracted and what a `funded` one adds); then
    /// `line 0x00 0x02 ~day` → the line's state at the end of that day (newest first). A line's
    /// newest events and newest state share a page, and so do its oldest events and its late
    /// sums: an append to a line rewrites one page of it rather than one in each of three trees.
    let lineIndex: Database
    /// `line` → department and announcement date of each announced, unretracted line.
    let lines: Database
    /// `department 0x00 line`: every line ever announced in a department.
    let departmentLines: Database
    /// retracted `seq` → the correction's `seq` and recorded time.
    let retractions: Database
    /// `head` and `format`.
    let meta: Database

    static let names = ["events", "ids", "line_index", "lines", "department_lines", "retractions", "meta"]

    /// Databases of earlier formats that this one no longer has, whose entries `line_index` now
    /// holds: `line_events` and `timeline` (formats `ledger-1` to `ledger-5`) and `late_funding`
    /// (`ledger-4` to `ledger-6`).
    static let retiredNames = ["line_events", "timeline", "late_funding"]

    init(_ databases: [Database]) {
        events = databases[0]
        ids = databases[1]
        lineIndex = databases[2]
        lines = databases[3]
        departmentLines = databases[4]
        retractions = databases[5]
        meta = databases[6]
    }
}
