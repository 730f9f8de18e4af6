import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// A PostgreSQL connection as SQLKit's database, binding and reading the values the store uses — text, integers,
/// floating point, booleans, bytes, arrays of ids, text and bytes, optional text and ids — through PostgresNIO's own
/// codecs.
///
/// postgres-kit's database reaches the same codecs through a general translation that, for every value, casts it to
/// an existential protocol, and for every cell read builds a coding path naming the column, looks the column up twice
/// and makes a random-access copy of the row: a tenth of the server's CPU in an ingest went there, reading the ~200
/// live tickets' three cells each (`perf`, bench/ingest-cpu.sh). A statement binding any other type is handed to
/// postgres-kit's database whole, and a cell of any other type (or one of the few its translation reinterprets: a
/// user-defined type read as text, `numeric` read as `Double`) is read through postgres-kit's row: the values read
/// and written are the same either way.
struct PostgresSQLDatabase: AsyncSQLDatabase {
    let connection: PostgresConnection
    /// The statements run as prepared ones (a test's own, or the process's).
    var statements: PreparedStatements = .shared

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { PostgresDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        guard let (bindings, kinds) = try Self.bindings(binds) else {
            try await connection.sql(queryLogLevel: nil).execute(sql: query, onRow)
            return
        }
        let key = PreparedStatements.Key(sql: sql, kinds: kinds)
        if let statement = statements.statement(for: key) {
            try await Self.forEach(try await runPrepared(statement, key: key, bindings: bindings), onRow)
        } else {
            try await Self.forEach(
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger), onRow)
        }
    }

    /// Hands each of `rows` to `onRow` as a ``PostgresSQLRow``, their column names read once.
    private static func forEach<Rows: AsyncSequence<PostgresRow, any Error>>(
        _ rows: Rows, _ onRow: @Sendable (any SQLRow) -> Void
    ) async throws {
        var columns: [String]?
        for try await row in rows {
            let names = columns ?? row.map(\.columnName)
            columns = names
            onRow(PostgresSQLRow(row: row, columns: names))
        }
    }

    /// Runs `statement` (``PreparedStatements``) with `bindings`, prepared first if this connection has not
    /// prepared it yet. A statement that fails in a way that may outlast the failure (``mayOutlast(_:)``) is retired,
    /// so no connection keeps answering its error.
    private func runPrepared(
        _ statement: PreparedStatements.Statement, key: PreparedStatements.Key, bindings: PostgresBindings
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> {
        do {
            return try await run(statement.slot, bindings: bindings)
        } catch let error as PSQLError where Self.mayOutlast(error) {
            statements.retire(key, number: statement.number)
            throw error
        }
    }

    /// Whether the server's `error` may have left the statement failing on this connection: PostgresNIO answers a
    /// failed preparation's error for as long as the connection lives (a preparation refused in a failed
    /// transaction, a table not there yet, a lock wait cancelled), and a plan whose result no longer matches its
    /// table fails every time. Any error but the ordinary failures of one execution — a value refused (class 22), a
    /// constraint (class 23), a serialization failure (40001) — which a statement prepared anew would meet just the
    /// same; an error of the connection itself ends it, statements and all.
    static func mayOutlast(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return !(state.hasPrefix("22") || state.hasPrefix("23") || state == "40001")
    }

    private func run<Slot: PreparedSlot>(_: Slot.Type, bindings: PostgresBindings) async throws
        -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>
    {
        try await connection.execute(NumberedStatement<Slot>(bindings: bindings), logger: logger)
    }

    /// `binds` bound by PostgresNIO's codecs, as postgres-kit binds them, with one character per value naming its
    /// kind (a prepared statement's key); nil when one is of a type left to postgres-kit. Each is matched by its
    /// exact type: a cast alone would take an empty `[String]` for an `[Int64]` (an empty array casts to any array
    /// type) and bind it as one, and unwrap an optional.
    static func bindings(_ binds: [any Encodable & Sendable]) throws -> (PostgresBindings, kinds: String)? {
        var bindings = PostgresBindings(capacity: binds.count)
        var kinds = ""
        kinds.reserveCapacity(binds.count)
        /// Binds one value with `bind` and records its kind.
        func add(_ kind: Character, _ bind: (inout PostgresBindings) throws -> Void) rethrows {
            try bind(&bindings)
            kinds.append(kind)
        }
        for bind in binds {
            let type = type(of: bind)
            switch bind {
            case let value as String where type == String.self: add("s") { $0.append(value) }
            case let value as Int64 where type == Int64.self: add("i") { $0.append(value) }
            case let value as Int where type == Int.self: add("i") { $0.append(value) }
            case let value as Double where type == Double.self: add("d") { $0.append(value) }
            case let value as Bool where type == Bool.self: add("b") { $0.append(value) }
            case let value as Data where type == Data.self: try add("x") { try $0.append(value) }
            case let value as [Int64] where type == [Int64].self: add("I") { $0.append(value) }
            case let value as [String] where type == [String].self: add("S") { $0.append(value) }
            // Byte strings (a submission's coverage sets) as bytea[], as postgres-kit binds them.
            case let value as [Data] where type == [Data].self:
                add("X") { $0.append(value.map { ByteBuffer(bytes: $0) }) }
            // An absent value as postgres-kit binds it: NULL of no type, for the statement to infer (kind "n").
            case let value as String? where type == String?.self:
                if let value { add("s") { $0.append(value) } } else { add("n") { $0.appendNull() } }
            case let value as Int64? where type == Int64?.self:
                if let value { add("i") { $0.append(value) } } else { add("n") { $0.appendNull() } }
            default: return nil
            }
        }
        return (bindings, kinds)
    }
}

/// A row read by ``PostgresSQLDatabase``. Its columns are found by name in the statement's column names, shared by
/// its rows: a handful of short names compared in turn, where a look-up in PostgresNIO's table hashed the name twice.
/// Of two columns of one name the last is read, as PostgresNIO's table does.
struct PostgresSQLRow: SQLRow {
    let row: PostgresRow
    let cells: PostgresRandomAccessRow
    /// The statement's column names, in order.
    let columns: [String]

    init(row: PostgresRow, columns: [String]) {
        self.row = row
        cells = row.makeRandomAccess()
        self.columns = columns
    }

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.lastIndex(of: column) else { return true }
        return cells[index].bytes == nil
    }

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        guard let index = columns.lastIndex(of: column) else {
            throw StoreError(.corrupt, "a statement returned no column '\(column)'")
        }
        let cell = cells[index]
        let text = !cell.dataType.isUserDefined
        let floating = cell.dataType != .numeric
        if T.self == String.self, text { return try Self.cast(cell.decode(String.self), column) }
        if T.self == String?.self, text { return try Self.cast(cell.decode(String?.self), column) }
        if T.self == Int64.self { return try Self.cast(cell.decode(Int64.self), column) }
        if T.self == Int64?.self { return try Self.cast(cell.decode(Int64?.self), column) }
        if T.self == Int.self { return try Self.cast(cell.decode(Int.self), column) }
        if T.self == Int?.self { return try Self.cast(cell.decode(Int?.self), column) }
        if T.self == Bool.self { return try Self.cast(cell.decode(Bool.self), column) }
        if T.self == Double.self, floating { return try Self.cast(cell.decode(Double.self), column) }
        if T.self == Double?.self, floating { return try Self.cast(cell.decode(Double?.self), column) }
        if T.self == Data.self { return try Self.cast(cell.decode(Data.self), column) }
        if T.self == Data?.self { return try Self.cast(cell.decode(Data?.self), column) }
        return try row.sql().decode(column: column, as: T.self)
    }

    /// `value` as `T`, which the caller found to be its type: a reinterpretation checked by the types' identity,
    /// where a dynamic cast searched the runtime's tables for every cell.
    private static func cast<Value, T>(_ value: Value, _ column: String) throws -> T {
        guard T.self == Value.self else { throw StoreError(.corrupt, "column '\(column)' did not read as \(T.self)") }
        return unsafeBitCast(value, to: T.self)
    }
}
