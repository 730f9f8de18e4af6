import Foundation
import Logging
import SQLKit
import SQLiteKit
import Testing

@testable import VigilStore

/// The store's SQLite connection (``DirectSQLite``): values bound and read back as sqlite-kit's encoder and decoder
/// would (the store read through SQLiteNIO before), kept statements reused with new values, errors thrown and the
/// connection still usable after them.
@Suite("SQLite on the caller's thread: values, kept statements, errors")
struct DirectSQLiteTests {
    static func withDatabase(_ body: (DirectSQLite, any SQLDatabase) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-direct-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let connection = try DirectSQLite.open(
            path: folder.appending(path: "direct.sqlite").path, logger: Logger(label: "test"))
        defer { connection.close() }
        try await body(connection, connection.sql())
    }

    /// Whether `row` reads `column` as `T` as sqlite-kit's decoder reads `data`: the same value, or both throw.
    static func same<T: Decodable & Equatable>(_ row: any SQLRow, _ column: String, _ data: SQLiteData, as type: T.Type)
        -> Bool
    {
        let read = Result { try row.decode(column: column, as: T.self) }
        let expected = Result { try SQLiteDataDecoder().decode(T.self, from: data) }
        switch (read, expected) {
        case (.success(let value), .success(let other)): return value == other
        case (.failure, .failure): return true
        default: return false
        }
    }

    @Test("every kind of cell read as each type the store reads, exactly as sqlite-kit's decoder reads it")
    func decodesAsSQLiteKit() async throws {
        try await Self.withDatabase { _, database in
            let row = try #require(
                try await database.raw(
                    """
                    SELECT 42 AS integer, -9223372036854775808 AS smallest, 'text' AS text, '17' AS digits,
                    NULL AS missing, 2.5 AS fraction, 3.0 AS whole, x'00ff' AS blob, '' AS empty
                    """
                ).first())
            let cells: [(String, SQLiteData)] = [
                ("integer", .integer(42)), ("smallest", .integer(.min)), ("text", .text("text")),
                ("digits", .text("17")), ("missing", .null), ("fraction", .float(2.5)), ("whole", .float(3)),
                ("blob", .blob(ByteBuffer(bytes: [0, 255]))), ("empty", .text("")),
            ]
            for (column, data) in cells {
                #expect(Self.same(row, column, data, as: Int64.self), "\(column)")
                #expect(Self.same(row, column, data, as: String.self), "\(column)")
                #expect(Self.same(row, column, data, as: Int64?.self), "\(column)")
                #expect(Self.same(row, column, data, as: String?.self), "\(column)")
                #expect(Self.same(row, column, data, as: Double.self), "\(column)")
                #expect(Self.same(row, column, data, as: Bool.self), "\(column)")
                #expect(Self.same(row, column, data, as: Data?.self), "\(column)")
                #expect(try row.decodeNil(column: column) == (data == .null), "\(column)")
            }
            #expect(row.allColumns.count == cells.count)
            #expect(!row.contains(column: "absent"))
            #expect(throws: (any Error).self) { try row.decode(column: "absent", as: Int64.self) }
        }
    }

    @Test("values of every kind bound and read back; a kept statement runs again with new values")
    func bindsAndKeptStatements() async throws {
        try await Self.withDatabase { _, database in
            try await database.raw("CREATE TABLE t (i BIGINT, s TEXT, b BLOB, d REAL, n TEXT)").run()
            let text = "caf\u{E9} \u{1F600} with a \0 inside"
            for round in 0..<3 {
                try await database.raw(
                    """
                    INSERT INTO t (i, s, b, d, n) VALUES (\(bind: Int64(round) - 5), \(bind: text + "\(round)"),
                    \(bind: Data([0, UInt8(round), 255])), \(bind: Double(round) / 4), \(bind: String?.none))
                    """
                ).run()
            }
            let rows = try await database.raw("SELECT i, s, b, d, n FROM t ORDER BY i").all()
            #expect(try rows.map { try $0.decode(column: "i", as: Int64.self) } == [-5, -4, -3])
            #expect(try rows.map { try $0.decode(column: "s", as: String.self) } == (0..<3).map { text + "\($0)" })
            #expect(
                try rows.map { try $0.decode(column: "b", as: Data.self) } == (0..<3).map { Data([0, UInt8($0), 255]) })
            #expect(try rows.map { try $0.decode(column: "d", as: Double.self) } == [0, 0.25, 0.5])
            #expect(try rows.map { try $0.decode(column: "n", as: String?.self) } == [nil, nil, nil])
        }
    }

    @Test("an error is thrown with SQLite's message and leaves the connection usable; past the kept statements too")
    func errorsAndManyStatements() async throws {
        try await Self.withDatabase { connection, database in
            await #expect(throws: SQLiteFailure.self) { try await database.raw("SELECT FROM nowhere").run() }
            try await database.raw("CREATE TABLE u (k BIGINT PRIMARY KEY)").run()
            try await database.raw("INSERT INTO u (k) VALUES (\(bind: Int64(1)))").run()
            await #expect(throws: SQLiteFailure.self) {
                try await database.raw("INSERT INTO u (k) VALUES (\(bind: Int64(1)))").run()
            }
            // The kept statement that failed runs again with other values.
            try await database.raw("INSERT INTO u (k) VALUES (\(bind: Int64(2)))").run()
            let keys = try await database.raw("SELECT k FROM u ORDER BY k").all().map {
                try $0.decode(column: "k", as: Int64.self)
            }
            #expect(keys == [1, 2])
            // More distinct statements than a connection keeps: the cache empties and every one still runs.
            for value in 0..<(DirectSQLite.keptStatements + 20) {
                let row = try await database.raw("SELECT \(unsafeRaw: String(value)) + \(bind: Int64(1)) AS v").first()
                #expect(try row?.decode(column: "v", as: Int64.self) == Int64(value + 1))
            }
            #expect(!connection.isClosed)
            connection.close()
            #expect(connection.isClosed)
            await #expect(throws: SQLiteFailure.self) { try await database.raw("SELECT 1").run() }
        }
    }
}
