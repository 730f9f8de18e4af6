import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import Testing

@testable import VigilStore

/// The store's PostgreSQL database (``PostgresSQLDatabase``): every value bound and read back as postgres-kit's own
/// database binds and reads it, on a real server (`VIGIL_POSTGRES_URL`), the statements with other types handed to
/// postgres-kit whole.
@Suite("PostgreSQL through PostgresNIO's codecs: values as postgres-kit reads and binds them")
struct PostgresSQLDatabaseTests {
    /// `body` with one connection of the suite's server, as the store's database (preparing `statements`) and as
    /// postgres-kit's.
    static func withDatabases(
        statements: PreparedStatements = .shared,
        _ body: @Sendable (any SQLDatabase, any SQLDatabase) async throws -> Void
    ) async throws {
        let url = try #require(Backend.postgresURL)
        let client = PostgresClient(
            configuration: try SQLNationalStore.postgresConfiguration(url), backgroundLogger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.withConnection { connection in
                try await body(
                    PostgresSQLDatabase(connection: connection, statements: statements),
                    connection.sql(queryLogLevel: nil))
            }
        }
    }

    /// Whether `row` reads `column` as `T` as postgres-kit's `expected` row does: the same value, or both throw.
    static func same<T: Decodable & Equatable>(_ row: any SQLRow, _ expected: any SQLRow, _ column: String, as: T.Type)
        -> Bool
    {
        let read = Result { try row.decode(column: column, as: T.self) }
        let reference = Result { try expected.decode(column: column, as: T.self) }
        switch (read, reference) {
        case (.success(let value), .success(let other)): return value == other
        case (.failure, .failure): return true
        default: return false
        }
    }

    static let cells = """
        SELECT 42::bigint AS big, 7::integer AS int, 3::smallint AS small, '-9223372036854775808'::bigint AS smallest,
        'text'::text AS text, 'name'::varchar AS chars, '17' AS digits, NULL::text AS missing, NULL::bigint AS nothing,
        2.5::float8 AS fraction, 1.25::numeric AS decimal, true AS yes, '\\x00ff'::bytea AS bytes, '' AS empty,
        '{1,2}'::bigint[] AS ids, 'b1b3c2a0-3f3e-4c3a-9d5e-2b8f1e0c7a11'::uuid AS uuid
        """

    @Test(
        "every kind of cell read as each type the store reads, exactly as postgres-kit reads it",
        .enabled(if: Backend.postgresURL != nil))
    func decodesAsPostgresKit() async throws {
        try await Self.withDatabases { database, reference in
            let row = try #require(try await database.raw(SQLQueryString(Self.cells)).first())
            let expected = try #require(try await reference.raw(SQLQueryString(Self.cells)).first())
            #expect(row.allColumns == expected.allColumns)
            for column in expected.allColumns {
                #expect(Self.same(row, expected, column, as: String.self), "\(column)")
                #expect(Self.same(row, expected, column, as: String?.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Int64.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Int64?.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Int.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Int?.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Bool.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Double.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Double?.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Data.self), "\(column)")
                #expect(Self.same(row, expected, column, as: Data?.self), "\(column)")
                // Types read through postgres-kit's row.
                #expect(Self.same(row, expected, column, as: [Int64].self), "\(column)")
                #expect(Self.same(row, expected, column, as: UUID.self), "\(column)")
                #expect(try row.decodeNil(column: column) == expected.decodeNil(column: column), "\(column)")
            }
            // The values themselves, not only their agreement.
            #expect(try row.decode(column: "big", as: Int64.self) == 42)
            #expect(try row.decode(column: "smallest", as: Int64.self) == .min)
            #expect(try row.decode(column: "missing", as: String?.self) == nil)
            #expect(try row.decode(column: "bytes", as: Data.self) == Data([0, 255]))
            #expect(try row.decode(column: "decimal", as: Double.self) == 1.25)
            #expect(!row.contains(column: "absent"))
            #expect(try row.decodeNil(column: "absent"))
            #expect(throws: (any Error).self) { try row.decode(column: "absent", as: Int64.self) }
        }
    }

    @Test(
        "of two columns of one name the last is read, as postgres-kit reads it",
        .enabled(if: Backend.postgresURL != nil))
    func duplicateNames() async throws {
        try await Self.withDatabases { database, reference in
            let row = try #require(try await database.raw("SELECT 1::bigint AS a, 2::bigint AS a").first())
            let expected = try #require(try await reference.raw("SELECT 1::bigint AS a, 2::bigint AS a").first())
            #expect(try row.decode(column: "a", as: Int64.self) == expected.decode(column: "a", as: Int64.self))
            #expect(try row.decode(column: "a", as: Int64.self) == 2)
        }
    }

    @Test(
        "values of every kind bound and read back; a statement binding another type runs through postgres-kit",
        .enabled(if: Backend.postgresURL != nil))
    func binds() async throws {
        try await Self.withDatabases { database, reference in
            let text = "caf\u{E9} \u{1F600}"
            let ids: [Int64] = [3, -1, .max]
            let row = try #require(
                try await database.raw(
                    """
                    SELECT \(bind: Int64.min) AS big, \(bind: 7) AS int, \(bind: text) AS text,
                    \(bind: 0.25) AS fraction,
                    \(bind: true) AS yes, \(bind: Data([0, 1, 255])) AS bytes, \(bind: ids) AS ids,
                    \(bind: ["a", "", text]) AS names, cardinality(\(bind: [Int64]())) AS none,
                    pg_typeof(\(bind: [String]()))::text AS no_names, pg_typeof(\(bind: [Int64]()))::text AS no_ids,
                    pg_typeof(\(bind: Int64?.some(5)))::text AS some
                    """
                ).first())
            #expect(try row.decode(column: "big", as: Int64.self) == .min)
            #expect(try row.decode(column: "int", as: Int.self) == 7)
            #expect(try row.decode(column: "text", as: String.self) == text)
            #expect(try row.decode(column: "fraction", as: Double.self) == 0.25)
            #expect(try row.decode(column: "yes", as: Bool.self))
            #expect(try row.decode(column: "bytes", as: Data.self) == Data([0, 1, 255]))
            #expect(try row.decode(column: "ids", as: [Int64].self) == ids)
            #expect(try row.decode(column: "names", as: [String].self) == ["a", "", text])
            #expect(try row.decode(column: "none", as: Int64.self) == 0)
            // An empty array keeps its element type (a cast alone would bind an empty [String] as bigint[]).
            #expect(try row.decode(column: "no_names", as: String.self) == "text[]")
            #expect(try row.decode(column: "no_ids", as: String.self) == "bigint[]")
            #expect(try row.decode(column: "some", as: String.self) == "bigint")
            // Absent values bound as NULL, present ones as themselves, as postgres-kit binds them.
            let optionals: SQLQueryString = """
                SELECT \(bind: String?.none)::text AS no_text, \(bind: String?.some("x")) AS text,
                \(bind: Int64?.none)::bigint AS no_id, \(bind: Int64?.some(-2)) AS id
                """
            let bound = try #require(try await database.raw(optionals).first())
            let expectedBound = try #require(try await reference.raw(optionals).first())
            for column in ["no_text", "text", "no_id", "id"] {
                #expect(Self.same(bound, expectedBound, column, as: String?.self), "\(column)")
                #expect(Self.same(bound, expectedBound, column, as: Int64?.self), "\(column)")
            }
            #expect(try bound.decode(column: "text", as: String.self) == "x")
            #expect(try bound.decode(column: "id", as: Int64.self) == -2)
            #expect(try bound.decodeNil(column: "no_text"))
            // Arrays of bytes (coverage sets) bound as bytea[], as postgres-kit binds them.
            let blobs = [Data([1]), Data([2, 3]), Data()]
            #expect(try PostgresSQLDatabase.bindings([blobs])?.kinds == "X")
            let bytes: SQLQueryString = """
                SELECT pg_typeof(\(bind: blobs))::text AS type, cardinality(\(bind: blobs)) AS count,
                encode((\(bind: blobs))[2], 'hex') AS second, length((\(bind: blobs))[3]) AS empty,
                pg_typeof(\(bind: [Data]()))::text AS no_blobs
                """
            let boundBytes = try #require(try await database.raw(bytes).first())
            let expectedBytes = try #require(try await reference.raw(bytes).first())
            for column in ["type", "second", "no_blobs"] {
                #expect(Self.same(boundBytes, expectedBytes, column, as: String?.self), "\(column)")
            }
            #expect(try boundBytes.decode(column: "type", as: String.self) == "bytea[]")
            #expect(try boundBytes.decode(column: "second", as: String.self) == "0203")
            #expect(try boundBytes.decode(column: "count", as: Int64.self) == 3)
            #expect(try boundBytes.decode(column: "empty", as: Int64.self) == 0)
            // Any other type is left to postgres-kit: the statement still runs, with the same values.
            let fractions = [0.5, 1.5]
            #expect(try PostgresSQLDatabase.bindings([fractions]) == nil)
            let query: SQLQueryString = "SELECT cardinality(\(bind: fractions)) AS fractions"
            let fallback = try #require(try await database.raw(query).first())
            let expected = try #require(try await reference.raw(query).first())
            #expect(try fallback.decode(column: "fractions", as: Int64.self) == 2)
            #expect(try expected.decode(column: "fractions", as: Int64.self) == 2)
        }
    }
}
