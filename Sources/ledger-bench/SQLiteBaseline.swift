import CSQLite
import LedgerCore
import Synchronization

/// A failure of the SQLite baseline: SQLite's result code and message, or an event it cannot store.
struct SQLiteError: Error, CustomStringConvertible {
    /// SQLite's extended result code; `SQLITE_MISMATCH` for an event lacking a field the table needs.
    let code: Int32
    /// SQLite's message, or what is wrong with the event.
    let message: String

    /// "sqlite error CODE: MESSAGE".
    var description: String { "sqlite error \(code): \(message)" }
}

/// "An events table in SQLite", as a competent engineer would write it: the baseline that
/// `ledger-bench` measures the ledger against. One connection, used from one thread.
final class SQLiteBaseline {
    private let connection: Connection
    private let inserter: EventInserter
    private let begin: Statement
    private let commit: Statement
    private let rollback: Statement
    private let wholeLedger: Statement
    private let oneDepartment: Statement
    private let pageCount: Statement
    private let pageSize: Statement

    /// Opens (creating when absent) the database at `path`, in WAL mode with full fsync, with its table and indexes.
    init(path: String) throws {
        let connection = try Connection(path: path)
        try connection.execute("PRAGMA journal_mode=WAL")
        try connection.execute(Self.schema)
        self.connection = connection
        inserter = try EventInserter(connection)
        begin = try connection.prepare("BEGIN IMMEDIATE")
        commit = try connection.prepare("COMMIT")
        rollback = try connection.prepare("ROLLBACK")
        wholeLedger = try connection.prepare(Self.atQuery(oneDepartment: false))
        oneDepartment = try connection.prepare(Self.atQuery(oneDepartment: true))
        pageCount = try connection.prepare("PRAGMA page_count")
        pageSize = try connection.prepare("PRAGMA page_size")
    }

    /// Inserts `events` in one transaction, each recorded at `recordedMillis` (UTC ms); all or none.
    func ingest(_ events: [JSONValue], recordedMillis: Int64) throws {
        try begin.run()
        do {
            for event in events {
                try inserter.insert(event, recordedMillis: recordedMillis)
            }
            try commit.run()
        } catch {
            // The first error is the one worth reporting; a failed rollback only repeats it.
            try? rollback.run()
            throw error
        }
    }

    /// The version of the SQLite library linked, such as `3.40.1`.
    static var version: String {
        String(cString: sqlite3_libversion())
    }

    /// The bytes the database holds: page_count × page_size. The -wal file is left out: it is a
    /// transient redo log (about 1000 pages before a checkpoint copies it back), and page_count
    /// already counts the pages whose newest copy is still only in it.
    func storeBytes() throws -> Int {
        guard let pages = try pageCount.single(), let size = try pageSize.single() else {
            throw SQLiteError(code: SQLITE_ERROR, message: "PRAGMA page_count or page_size returned no row")
        }
        return Int(pages * size)
    }

    /// Copies the write-ahead log back into the database file and empties it, so that every byte
    /// a load caused to be written has been written.
    func checkpoint() throws {
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Rebuilds every index from the table (SQLite's REINDEX), as after a bulk load.
    func reindex() throws {
        try connection.execute("REINDEX")
    }

    /// Per-department totals at the end of `date` (docs/at.md), optionally for one department and
    /// optionally from only what was recorded by `knownAtMillis` (UTC ms); by department slug.
    func at(_ date: CivilDate, department: String?, knownAtMillis: Int64?) throws -> [DepartmentTotals] {
        let query = department == nil ? wholeLedger : oneDepartment
        try query.bind(1, date.description)
        try query.bind(2, knownAtMillis ?? Int64.max)
        if let department { try query.bind(3, department) }
        defer { query.reset() }
        var result: [DepartmentTotals] = []
        while try query.step() {
            result.append(DepartmentTotals(
                department: query.text(0) ?? "", pledged: query.integer(1), funded: query.integer(2),
                lines: Int(query.integer(3)), active: Int(query.integer(4)), delivered: Int(query.integer(5)),
                withdrawn: Int(query.integer(6)), overdue: Int(query.integer(7)), slipped: Int(query.integer(8))
            ))
        }
        return result
    }

    /// The query plan SQLite chose for `at`, one line per step, for checking that the indexes are used.
    func atQueryPlan(oneDepartment: Bool) throws -> [String] {
        let explain = try connection.prepare("EXPLAIN QUERY PLAN " + Self.atQuery(oneDepartment: oneDepartment))
        var lines: [String] = []
        while try explain.step() {
            lines.append(explain.text(3) ?? "")
        }
        return lines
    }

    /// A connection of its own for writing single events, each in its own transaction; one writer per
    /// thread is the intended use, and a lock keeps a writer that is shared safe all the same.
    final class Writer: Sendable {
        private let inserter: Mutex<EventInserter>

        /// Opens the database at `path` (made by `SQLiteBaseline(path:)`), waiting up to 10 s for the write lock.
        init(path: String) throws {
            let inserter = try EventInserter(Connection(path: path))
            self.inserter = Mutex(inserter)
        }

        /// Inserts one event, recorded at `recordedMillis` (UTC ms), as a transaction of its own.
        func insert(_ event: JSONValue, recordedMillis: Int64) throws {
            try inserter.withLock { try $0.insert(event, recordedMillis: recordedMillis) }
        }
    }

    /// The table and its indexes; `department` and `parent` are set on `announced` events only. The line
    /// index carries, after (line, effective, seq), the small columns `at` reads of every event, so that
    /// scanning a line's events never reads the table rows, which hold the JSON bodies.
    private static let schema = """
        CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY,
            id TEXT UNIQUE NOT NULL,
            type TEXT NOT NULL,
            line TEXT NOT NULL,
            department TEXT,
            parent TEXT,
            effective TEXT NOT NULL,
            recorded INTEGER NOT NULL,
            amount INTEGER,
            due TEXT,
            due_end TEXT,
            retracts TEXT,
            body TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_by_line
            ON events (line, effective, seq, type, recorded, amount, due_end, id);
        CREATE INDEX IF NOT EXISTS events_by_department ON events (department, line) WHERE department IS NOT NULL;
        CREATE INDEX IF NOT EXISTS events_by_retracted ON events (retracts, recorded) WHERE retracts IS NOT NULL;
        """

    /// The `at` query. ?1 is the date (YYYY-MM-DD), ?2 the known-at cut-off in UTC ms, ?3 the department
    /// when `oneDepartment`. An event counts if dated by ?1, recorded by ?2 and not retracted by a
    /// correction recorded by ?2. The events that set a line's state (all but `funded`) are numbered in
    /// fold order, (effective, seq), and the latest pledge, due date and status are the values at the
    /// highest number that sets each; `funded` only adds up, so it is summed apart, without the window.
    private static func atQuery(oneDepartment: Bool) -> String {
        let departmentFilter = oneDepartment
            ? "AND e.line IN (SELECT a.line FROM events AS a WHERE a.department = ?3)"
            : ""
        return """
            WITH counted AS (
                SELECT e.type, e.line, e.department, e.parent, e.amount, e.due_end,
                    ROW_NUMBER() OVER (PARTITION BY e.line ORDER BY e.effective, e.seq) AS position
                FROM events AS e
                WHERE e.effective <= ?1 AND e.recorded <= ?2 AND e.type NOT IN ('corrected', 'funded')
                    \(departmentFilter)
                    AND NOT EXISTS (SELECT 1 FROM events AS c WHERE c.retracts = e.id AND c.recorded <= ?2)
            ),
            marked AS (
                SELECT counted.*,
                    MAX(CASE WHEN type = 'announced' OR (type = 'amended' AND amount IS NOT NULL)
                        THEN position END) OVER whole_line AS pledge_at,
                    MAX(CASE WHEN due_end IS NOT NULL THEN position END) OVER whole_line AS due_at,
                    MAX(CASE WHEN type IN ('delivered', 'withdrawn') THEN position END) OVER whole_line AS status_at
                FROM counted
                WINDOW whole_line AS (PARTITION BY line)
            ),
            states AS (
                SELECT line,
                    MAX(department) AS department,
                    MAX(parent) AS parent,
                    SUM(CASE WHEN position = pledge_at THEN COALESCE(amount, 0) ELSE 0 END) AS pledged,
                    MAX(CASE WHEN position = due_at THEN due_end END) AS due_end,
                    COALESCE(MAX(CASE WHEN position = status_at THEN type END), 'active') AS status,
                    MAX(type = 'slipped') AS slipped
                FROM marked
                GROUP BY line
                HAVING MAX(type = 'announced') = 1
            ),
            funding AS (
                SELECT e.line, SUM(e.amount) AS funded
                FROM events AS e
                WHERE e.effective <= ?1 AND e.recorded <= ?2 AND e.type = 'funded'
                    \(departmentFilter)
                    AND NOT EXISTS (SELECT 1 FROM events AS c WHERE c.retracts = e.id AND c.recorded <= ?2)
                GROUP BY e.line
            )
            SELECT s.department,
                SUM(CASE WHEN s.status <> 'withdrawn' AND (s.parent IS NULL OR s.parent NOT IN (SELECT line FROM states))
                    THEN s.pledged ELSE 0 END),
                SUM(CASE WHEN s.status <> 'withdrawn' THEN COALESCE(f.funded, 0) ELSE 0 END),
                COUNT(*),
                SUM(s.status = 'active'),
                SUM(s.status = 'delivered'),
                SUM(s.status = 'withdrawn'),
                SUM(s.status = 'active' AND s.due_end IS NOT NULL AND ?1 > s.due_end),
                SUM(s.slipped)
            FROM states AS s LEFT JOIN funding AS f ON f.line = s.line
            GROUP BY s.department
            ORDER BY s.department
            """
    }
}

/// Turns an event into a row of `events` and inserts it with one reused prepared statement.
private final class EventInserter {
    private let insert: Statement

    /// Prepares the insert on `connection`.
    init(_ connection: Connection) throws {
        insert = try connection.prepare("""
            INSERT INTO events (id, type, line, department, parent, effective, recorded, amount, due, due_end, retracts, body)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """)
    }

    /// Inserts `event` recorded at `recordedMillis`; an absent `id` is derived as the ledger derives it.
    func insert(_ event: JSONValue, recordedMillis: Int64) throws {
        guard let object = event.objectValue,
            let type = object["type"]?.stringValue,
            let line = object["line"]?.stringValue,
            let effective = object["effective"]?.stringValue
        else {
            throw SQLiteError(code: SQLITE_MISMATCH, message: "an event needs string fields type, line and effective")
        }
        let due = object["due"]?.stringValue
        var dueEnd: String?
        if let due {
            guard let parsed = DueDate(parsing: due) else {
                throw SQLiteError(code: SQLITE_MISMATCH, message: "due \"\(due)\" is not YYYY, YYYY-MM or YYYY-MM-DD")
            }
            dueEnd = parsed.lastDay.description
        }
        defer { insert.reset() }
        try insert.bind(1, object["id"]?.stringValue ?? EventDecoder.derivedID(of: event))
        try insert.bind(2, type)
        try insert.bind(3, line)
        try insert.bind(4, object["department"]?.stringValue)
        try insert.bind(5, object["parent"]?.stringValue)
        try insert.bind(6, effective)
        try insert.bind(7, recordedMillis)
        try insert.bind(8, object["amount_pence"]?.integerValue)
        try insert.bind(9, due)
        try insert.bind(10, dueEnd)
        try insert.bind(11, object["retracts"]?.stringValue)
        try insert.bind(12, CanonicalJSON.string(event, sortKeys: false))
        try insert.run()
    }
}

/// One open SQLite connection (multi-thread mode: one thread at a time), closed when released.
private final class Connection {
    let handle: OpaquePointer

    /// Opens or creates the database at `path`, with full fsync on commit and a 10 s busy timeout.
    init(path: String) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(opened)
            throw SQLiteError(code: status, message: "\(path): \(message)")
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 10_000)
        // synchronous is a setting of the connection, not of the file: every writer sets it.
        try execute("PRAGMA synchronous=FULL")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs `sql` (one or more statements with no parameters), discarding any rows.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard status == SQLITE_OK else {
            throw SQLiteError(code: status, message: message.map { String(cString: $0) } ?? lastMessage)
        }
    }

    /// Compiles `sql` once, for reuse.
    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteError(code: status, message: lastMessage)
        }
        return Statement(statement, connection: self)
    }

    /// SQLite's message for the last failed call on this connection.
    var lastMessage: String {
        String(cString: sqlite3_errmsg(handle))
    }
}

/// A prepared statement, reset after each use and finalised when released.
private final class Statement {
    private let handle: OpaquePointer
    private let connection: Connection

    /// Wraps a statement prepared on `connection`, keeping the connection open while it lives.
    init(_ handle: OpaquePointer, connection: Connection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds text, or NULL when nil, to parameter `index` (from 1); SQLite copies the bytes.
    func bind(_ index: Int32, _ text: String?) throws {
        guard let text else { return try check(sqlite3_bind_null(handle, index)) }
        let count = text.utf8.count
        try check(text.withCString { sqlite3_bind_text(handle, index, $0, Int32(count), Self.transient) })
    }

    /// Binds an integer, or NULL when nil, to parameter `index` (from 1).
    func bind(_ index: Int32, _ number: Int64?) throws {
        guard let number else { return try check(sqlite3_bind_null(handle, index)) }
        try check(sqlite3_bind_int64(handle, index, number))
    }

    /// Steps once: true with a row to read, false when done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let status: throw SQLiteError(code: status, message: connection.lastMessage)
        }
    }

    /// Runs a statement that returns no rows, then resets it.
    func run() throws {
        defer { reset() }
        while try step() {}
    }

    /// The first column of the first row as an integer, or nil with no row; then resets.
    func single() throws -> Int64? {
        defer { reset() }
        return try step() ? integer(0) : nil
    }

    /// Column `index` (from 0) of the current row as an integer (0 for NULL).
    func integer(_ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    /// Column `index` (from 0) of the current row as text, or nil for NULL.
    func text(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, index) else { return nil }
        return String(cString: bytes)
    }

    /// Makes the statement ready to run again; its bindings are kept until rebound.
    func reset() {
        sqlite3_reset(handle)
    }

    /// Throws SQLite's message unless `status` is `SQLITE_OK`.
    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw SQLiteError(code: status, message: connection.lastMessage) }
    }

    /// SQLITE_TRANSIENT, which C spells as a cast of -1 that Swift does not import: SQLite copies the value.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }
}
