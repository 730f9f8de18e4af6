import Logging
import NIOCore
import SQLKit
import SQLiteKit
import Synchronization
import VaporCSQLite

/// One SQLite connection of the national store, driven directly through SQLite's C interface (the copy SQLiteNIO
/// builds, so every connection to the file in the process shares one SQLite and its file locks) and run on the
/// calling task's thread, with its prepared statements kept.
///
/// SQLiteNIO runs each statement on a thread pool and resumes the caller on another thread, and prepares each
/// statement again every time: an ingest of some thirty statements spent more time in those hand-offs and in
/// preparing than in SQLite's own work, and on SQLite one writer applies one submission at a time, so that time was
/// the limit on submissions a second (`perf`, bench/ingest-cpu.sh). Here a statement is prepared once per
/// connection and text, and runs where its caller is: SQLite's work is mostly in memory, and the longest wait, a
/// commit's `fsync`, is a fraction of a millisecond.
///
/// A connection is used by one task at a time (the writer behind the store's write gate, a reader taken from
/// ``SQLiteConnections``); its lock only makes that safe to rely on.
final class DirectSQLite: Sendable {
    /// The handle and its prepared statements, by SQL text: touched only under the lock, so sendable.
    private struct State: ~Copyable, @unchecked Sendable {
        var handle: OpaquePointer?
        var statements: [String: OpaquePointer] = [:]
    }

    private let state: Mutex<State>
    /// When the task using the connection last let others run (``shouldYield()``).
    private let lastYield = Mutex(ContinuousClock.now)
    let logger: Logger

    /// How long statements run back to back before their task lets other tasks run.
    static let yieldInterval = Duration.milliseconds(1)

    /// Prepared statements kept per connection; past this many the cache is emptied (the store's SQLite statements
    /// with lists of bound values differ by the list's length).
    static let keptStatements = 512

    private init(handle: OpaquePointer, logger: Logger) {
        state = Mutex(State(handle: handle))
        self.logger = logger
    }

    /// Opens the database file at `path`, creating it unless `create` is false.
    static func open(path: String, logger: Logger, create: Bool = true) throws -> DirectSQLite {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let failure = SQLiteFailure(status: status, handle: handle)
            if let handle { sqlite_nio_sqlite3_close_v2(handle) }
            throw failure
        }
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        return DirectSQLite(handle: handle, logger: logger)
    }

    /// Whether more than ``yieldInterval`` has passed since this returned true.
    func shouldYield() -> Bool {
        lastYield.withLock { last in
            let now = ContinuousClock.now
            guard now - last > Self.yieldInterval else { return false }
            last = now
            return true
        }
    }

    /// Whether ``close()`` has run.
    var isClosed: Bool { state.withLock { $0.handle == nil } }

    /// Whether a transaction is open on the connection (SQLite's own answer, not the store's bookkeeping).
    var inTransaction: Bool {
        state.withLock { state in state.handle.map { sqlite_nio_sqlite3_get_autocommit($0) == 0 } ?? false }
    }

    /// Finalises the kept statements and closes the handle; later statements fail.
    func close() {
        state.withLock { state in
            for statement in state.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            state.statements = [:]
            if let handle = state.handle { sqlite_nio_sqlite3_close_v2(handle) }
            state.handle = nil
        }
    }

    /// The connection as SQLKit's database, with SQLite's dialect.
    func sql() -> any SQLDatabase { DirectSQLiteDatabase(connection: self) }

    /// Runs `sql` with `binds` (1-based, in order) and hands each row to `onRow`.
    func run(_ sql: String, binds: [SQLiteData], _ onRow: (DirectSQLiteRow) throws -> Void) throws {
        try state.withLock { state in
            guard let handle = state.handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "closed") }
            // Whether a failure can be tried again (SQLite's rules for SQLITE_BUSY): outside a transaction, or a
            // COMMIT whose transaction is still open, and before any row was handed on. Inside a transaction SQLite
            // may have rolled it back already, and the statement run again would run outside it.
            let outsideTransaction = sqlite_nio_sqlite3_get_autocommit(handle) != 0
            let statement: OpaquePointer
            do {
                statement = try Self.statement(sql, in: &state, handle: handle)
            } catch var failure as SQLiteFailure {
                failure.retryable = outsideTransaction
                throw failure
            }
            defer {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
            try Self.bind(binds, to: statement, handle: handle)
            var columns: DirectSQLiteRow.Columns?
            var delivered = false
            while true {
                let status = sqlite_nio_sqlite3_step(statement)
                if status == SQLITE_DONE { return }
                guard status == SQLITE_ROW else {
                    var failure = SQLiteFailure(status: status, handle: handle)
                    failure.retryable =
                        !delivered
                        && (outsideTransaction
                            || (Self.isCommit(sql) && sqlite_nio_sqlite3_get_autocommit(handle) == 0))
                    throw failure
                }
                let names = try columns ?? DirectSQLiteRow.Columns(statement)
                columns = names
                delivered = true
                try onRow(DirectSQLiteRow(columns: names, values: try Self.values(of: statement, count: names.count)))
            }
        }
    }

    /// Whether `sql` ends a transaction.
    static func isCommit(_ sql: String) -> Bool {
        let head = sql.prefix(8).uppercased()
        return head.hasPrefix("COMMIT") || head.hasPrefix("END")
    }

    /// The kept statement for `sql`, prepared now if it is not kept.
    private static func statement(_ sql: String, in state: inout State, handle: OpaquePointer) throws
        -> OpaquePointer
    {
        if let kept = state.statements[sql] { return kept }
        if state.statements.count >= keptStatements {
            for statement in state.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            state.statements = [:]
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(
            handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw SQLiteFailure(status: status, handle: handle) }
        state.statements[sql] = statement
        return statement
    }

    private static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, handle: OpaquePointer) throws {
        for (offset, value) in binds.enumerated() {
            let position = Int32(clamping: offset + 1)
            let status: Int32
            switch value {
            case .integer(let integer):
                status = sqlite_nio_sqlite3_bind_int64(statement, position, Int64(integer))
            case .float(let double):
                status = sqlite_nio_sqlite3_bind_double(statement, position, double)
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text64(
                    statement, position, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .blob(let buffer):
                status = buffer.withUnsafeReadableBytes { bytes in
                    sqlite_nio_sqlite3_bind_blob64(
                        statement, position, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(bytes.count),
                        transient)
                }
            case .null:
                status = sqlite_nio_sqlite3_bind_null(statement, position)
            }
            guard status == SQLITE_OK else { throw SQLiteFailure(status: status, handle: handle) }
        }
    }

    /// The current row's values, copied out of SQLite.
    private static func values(of statement: OpaquePointer, count: Int) throws -> [SQLiteData] {
        var values: [SQLiteData] = []
        values.reserveCapacity(count)
        for column in 0..<Int32(clamping: count) {
            switch sqlite_nio_sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                values.append(.integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column))))
            case SQLITE_FLOAT:
                values.append(.float(sqlite_nio_sqlite3_column_double(statement, column)))
            case SQLITE_TEXT:
                let text = sqlite_nio_sqlite3_column_text(statement, column)
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                values.append(
                    .text(
                        text.map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
                            ?? ""))
            case SQLITE_BLOB:
                let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                var buffer = ByteBufferAllocator().buffer(capacity: length)
                if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                    buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
                }
                values.append(.blob(buffer))
            default:
                values.append(.null)
            }
        }
        return values
    }

    deinit {
        close()
    }
}

/// SQLite's "copy the value now" destructor.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A failed SQLite call: its result code and SQLite's message (which names tables and columns, never values).
struct SQLiteFailure: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    /// Whether the statement may simply be run again once the lock it waited for is free (``DirectSQLite/run(_:binds:_:)``
    /// says when).
    var retryable = false

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(status: Int32, handle: OpaquePointer?) {
        code = status
        message =
            handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite_nio_sqlite3_errstr(status))
    }

    var description: String { "SQLite error \(code): \(message)" }

    /// Another connection holds a lock this statement needs, and trying it again may succeed: the failure is
    /// ``retryable``, and not a snapshot made stale by another writer, which only a new transaction mends.
    var isBusy: Bool { retryable && code & 0xFF == SQLITE_BUSY && code != Self.busySnapshot }

    /// `SQLITE_BUSY_SNAPSHOT`, a macro Swift does not import.
    static let busySnapshot: Int32 = SQLITE_BUSY | (2 << 8)
}
