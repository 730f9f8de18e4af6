import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import VaporCSQLite

/// A ``DirectSQLite`` connection as SQLKit's database: statements serialised in SQLite's dialect, values bound and
/// read with SQLiteKit's own encoder and decoder (so a value reads back exactly as it did through SQLiteNIO), and each
/// statement run on the caller's thread.
struct DirectSQLiteDatabase: AsyncSQLDatabase {
    let connection: DirectSQLite

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { SQLiteDialect() }

    /// Runs the statement; while another connection holds the lock it needs (SQLite's `SQLITE_BUSY`: another
    /// store's writer on the same file, another process), waits without blocking a thread and tries again, for up to
    /// ``busyTimeout``. SQLite's own busy handler would sleep on the calling thread, one of the few threads every
    /// task shares, and with both asleep the transaction holding the lock could never reach its commit.
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        let values = try binds.map { try encoder.encode($0) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Self.busyTimeout)
        var pause = Duration.milliseconds(1)
        while true {
            do {
                try connection.run(sql, binds: values) { onRow($0) }
                // A statement runs without suspending, so a task running many would keep its thread from every other
                // task (page views, the HTTP server's work): it yields once a millisecond.
                if connection.shouldYield() { await Task.yield() }
                return
            } catch let failure as SQLiteFailure where failure.isBusy && clock.now < deadline {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            }
        }
    }

    /// How long a statement waits for a lock another connection holds.
    static let busyTimeout = Duration.seconds(30)
}

/// One row read by ``DirectSQLite``: its values, and the statement's column names shared by every row.
struct DirectSQLiteRow: SQLRow {
    /// A statement's column names and where each is.
    final class Columns: Sendable {
        let names: [String]
        let positions: [String: Int]

        init(_ statement: OpaquePointer) throws {
            let count = Int(sqlite_nio_sqlite3_column_count(statement))
            var names: [String] = []
            names.reserveCapacity(count)
            for column in 0..<Int32(clamping: count) {
                guard let name = sqlite_nio_sqlite3_column_name(statement, column) else {
                    throw SQLiteFailure(code: SQLITE_NOMEM, message: "a column has no name")
                }
                names.append(String(cString: name))
            }
            self.names = names
            // The first of two columns of one name wins, as with SQLiteNIO.
            positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }

        var count: Int { names.count }
    }

    let columns: Columns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let position = columns.positions[column] else { return true }
        return values[position] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = columns.positions[column] else {
            throw SQLiteFailure(code: SQLITE_RANGE, message: "no column \(column) in the row")
        }
        let value = values[position]
        // The store's own column types read without the decoder's search for a conformance (a dynamic cast per
        // cell), with the very conversions sqlite-kit's decoder applies to them.
        if D.self == Int64.self, let integer = Int64(sqliteData: value) { return unsafeBitCast(integer, to: D.self) }
        if D.self == String.self, let text = String(sqliteData: value) { return unsafeBitCast(text, to: D.self) }
        if D.self == Int64?.self {
            if value == .null { return unsafeBitCast(Int64?.none, to: D.self) }
            if let integer = Int64(sqliteData: value) { return unsafeBitCast(Int64?.some(integer), to: D.self) }
        }
        if D.self == String?.self {
            if value == .null { return unsafeBitCast(String?.none, to: D.self) }
            if let text = String(sqliteData: value) { return unsafeBitCast(String?.some(text), to: D.self) }
        }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }
}
