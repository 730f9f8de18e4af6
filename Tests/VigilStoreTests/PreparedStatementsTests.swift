import Foundation
import PostgresNIO
import SQLKit
import Testing

@testable import VigilStore

/// The statements ``PostgresSQLDatabase`` prepares (``PreparedStatements``): one prepared statement per text and kinds
/// of values, made on the second execution, answering as the unnamed statement does, on a real server.
@Suite("PostgreSQL statements run again are prepared once per connection")
struct PreparedStatementsTests {
    @Test("every number has a type of its own that reads back as that number")
    func numberedTypes() {
        var names: Set<String> = []
        for number in 1...2_000 {
            let slot = PreparedSlots.slot(number)
            #expect(slot.number == number)
            names.insert(Self.name(slot))
        }
        #expect(names.count == 2_000)
    }

    static func name<Slot: PreparedSlot>(_: Slot.Type) -> String { NumberedStatement<Slot>.name }

    @Test("a statement is prepared on its second execution, one per text and kinds of values, texts run once forgotten")
    func catalogue() throws {
        let catalogue = PreparedStatements()
        let key = PreparedStatements.Key(sql: "SELECT $1", kinds: "i")
        let null = PreparedStatements.Key(sql: "SELECT $1", kinds: "n")
        #expect(catalogue.statement(for: key) == nil)
        let first = catalogue.statement(for: key)
        #expect(first != nil)
        #expect(catalogue.statement(for: key)?.number == first?.number)
        let number = try #require(first?.number)
        #expect(PreparedStatements.text(number) == "SELECT $1")
        #expect(catalogue.statement(for: null) == nil)
        let second = try #require(catalogue.statement(for: null)?.number)
        #expect(second != number)
        // Retired, a statement is counted afresh and numbered anew; its old number keeps its text. A late retirement
        // of the old number leaves the new one be.
        catalogue.retire(key, number: number)
        #expect(catalogue.statement(for: key) == nil)
        let renumbered = try #require(catalogue.statement(for: key)?.number)
        #expect(renumbered != number && renumbered != second)
        #expect(PreparedStatements.text(number) == "SELECT $1")
        catalogue.retire(key, number: number)
        #expect(catalogue.statement(for: key)?.number == renumbered)
        // Once as many texts as are remembered have run once, they are forgotten together.
        let waiting = PreparedStatements.Key(sql: "SELECT 'waiting'", kinds: "")
        #expect(catalogue.statement(for: waiting) == nil)
        for index in 1..<PreparedStatements.waiting {
            #expect(catalogue.statement(for: PreparedStatements.Key(sql: "SELECT \(index)", kinds: "")) == nil)
        }
        // A text longer than the longest prepared is never counted, so never prepared.
        let long = PreparedStatements.Key(
            sql: "SELECT '" + String(repeating: "x", count: PreparedStatements.longest) + "'", kinds: "")
        for _ in 0..<3 { #expect(catalogue.statement(for: long) == nil) }
        let later = PreparedStatements.Key(sql: "SELECT 'later'", kinds: "")
        #expect(catalogue.statement(for: later) == nil)
        #expect(catalogue.statement(for: later) != nil)
        #expect(catalogue.statement(for: waiting) == nil)
    }

    /// A marker of one test's statements, unique to the run: the server's prepared statements are the connection's,
    /// and a connection may have served another test.
    static func marker() -> String { "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }

    /// How many statements this connection has prepared whose text holds `marker`.
    static func prepared(_ marker: String, on database: any SQLDatabase) async throws -> Int64 {
        let row = try #require(
            try await database.raw(
                "SELECT COUNT(*) AS n FROM pg_prepared_statements WHERE strpos(statement, \(bind: marker)) > 0"
            ).first())
        return try row.decode(column: "n", as: Int64.self)
    }

    @Test(
        "a statement run again is prepared once on its connection and answers as the first run did",
        .enabled(if: Backend.postgresURL != nil))
    func preparedOnce() async throws {
        let marker = Self.marker()
        try await PostgresSQLDatabaseTests.withDatabases(statements: PreparedStatements()) { database, _ in
            for value in Int64(1)...6 {
                let query: SQLQueryString =
                    "SELECT \(bind: value)::bigint * 2 AS n, \(bind: "a\(value)") AS t -- \(unsafeRaw: marker)"
                let row = try #require(try await database.raw(query).first())
                #expect(try row.decode(column: "n", as: Int64.self) == value * 2)
                #expect(try row.decode(column: "t", as: String.self) == "a\(value)")
                #expect(try await Self.prepared(marker, on: database) == (value == 1 ? 0 : 1))
            }
        }
    }

    @Test(
        "a NULL and a value in one place make two statements, each answering rightly",
        .enabled(if: Backend.postgresURL != nil))
    func nullsAndValues() async throws {
        let marker = Self.marker()
        try await PostgresSQLDatabaseTests.withDatabases(statements: PreparedStatements()) { database, _ in
            for round in 0..<8 {
                let value: Int64? = round.isMultiple(of: 2) ? nil : Int64(round)
                let query: SQLQueryString = "SELECT COALESCE(\(bind: value), -1) AS n -- \(unsafeRaw: marker)"
                let row = try #require(try await database.raw(query).first())
                #expect(try row.decode(column: "n", as: Int64.self) == (value ?? -1))
            }
            #expect(try await Self.prepared(marker, on: database) == 2)
        }
    }

    @Test(
        "a statement first prepared in a failed transaction is prepared afresh once the transaction ends",
        .enabled(if: Backend.postgresURL != nil))
    func failedPreparation() async throws {
        let marker = Self.marker()
        try await PostgresSQLDatabaseTests.withDatabases(statements: PreparedStatements()) { database, _ in
            let query: SQLQueryString = "SELECT \(bind: Int64(20))::bigint + 1 AS n -- \(unsafeRaw: marker)"
            #expect(try await database.raw(query).first()?.decode(column: "n", as: Int64.self) == 21)
            try await database.raw("BEGIN").run()
            await #expect(throws: (any Error).self) { try await database.raw("SELECT 1 / 0 AS n").run() }
            // Its second run would prepare it, which the failed transaction refuses.
            await #expect(throws: (any Error).self) { try await database.raw(query).run() }
            try await database.raw("ROLLBACK").run()
            for _ in 0..<3 {
                #expect(try await database.raw(query).first()?.decode(column: "n", as: Int64.self) == 21)
            }
            #expect(try await Self.prepared(marker, on: database) == 1)
        }
    }

    @Test(
        "a statement whose preparation failed (its table not there yet) is prepared afresh once it can be",
        .enabled(if: Backend.postgresURL != nil))
    func preparedAfterMissingTable() async throws {
        let marker = Self.marker()
        try await PostgresSQLDatabaseTests.withDatabases(statements: PreparedStatements()) { database, _ in
            let query: SQLQueryString = "SELECT n + \(bind: Int64(1)) AS n FROM \(unsafeRaw: marker)"
            for _ in 0..<2 {
                await #expect(throws: (any Error).self) { try await database.raw(query).run() }
            }
            try await database.raw("CREATE TEMPORARY TABLE \(unsafeRaw: marker) (n bigint)").run()
            try await database.raw("INSERT INTO \(unsafeRaw: marker) VALUES (41)").run()
            for _ in 0..<3 {
                #expect(try await database.raw(query).first()?.decode(column: "n", as: Int64.self) == 42)
            }
            #expect(try await Self.prepared(marker, on: database) == 1)
        }
    }
}
