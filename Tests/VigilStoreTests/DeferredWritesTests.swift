import Logging
import NIOCore
import SQLKit
import Synchronization
import Testing

@testable import VigilStore

/// Writes kept to the end of a transaction (``DeferredWrites``) make every change they would make one by one, in one
/// statement on PostgreSQL and in their order on SQLite, and fail together. (Through ingest, the day's row, the score,
/// the alert matches and the audit entry they carry are checked by the conformance suites.)
@Suite("writes kept to the end of a transaction")
struct DeferredWritesTests {
    @Test("every write's effect; one statement on PostgreSQL, one each on SQLite", arguments: Backend.available)
    func together(_ backend: Backend) async throws {
        let table = Self.table()
        try await backend.withStore { store in
            let rows = try await store.transaction { database -> [String] in
                try await database.raw("CREATE TABLE \(unsafeRaw: table) (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
                    .run()
                try await database.raw("INSERT INTO \(unsafeRaw: table) (id, n) VALUES (1, 10), (2, 20)").run()
                var writes = DeferredWrites()
                writes.add("INSERT INTO \(unsafeRaw: table) (id, n) VALUES (\(bind: Int64(3)), \(bind: Int64(30)))")
                writes.add(
                    """
                    INSERT INTO \(unsafeRaw: table) (id, n) VALUES (\(bind: Int64(1)), \(bind: Int64(11)))
                    ON CONFLICT (id) DO UPDATE SET n = \(unsafeRaw: table).n + excluded.n
                    """)
                writes.add("UPDATE \(unsafeRaw: table) SET n = n * \(bind: Int64(2)) WHERE id = \(bind: Int64(2))")
                writes.add("DELETE FROM \(unsafeRaw: table) WHERE id = \(bind: Int64(4))")
                let counted = CountingDatabase(base: database)
                try await writes.run(on: counted)
                #expect(writes.isEmpty)
                #expect(counted.statements == (backend == .postgres ? 1 : 4))
                // Nothing kept: no statement at all.
                try await writes.run(on: counted)
                #expect(counted.statements == (backend == .postgres ? 1 : 4))
                return try await database.raw("SELECT id, n FROM \(unsafeRaw: table) ORDER BY id").all().map {
                    "\(try $0.decode(column: "id", as: Int64.self))=\(try $0.decode(column: "n", as: Int64.self))"
                }
            }
            #expect(rows == ["1=21", "2=40", "3=30"])
            try await store.transaction { try await $0.raw("DROP TABLE \(unsafeRaw: table)").run() }
        }
    }

    @Test("a write that fails fails the transaction: none of the others stays", arguments: Backend.available)
    func failing(_ backend: Backend) async throws {
        let table = Self.table()
        try await backend.withStore { store in
            try await store.transaction { database in
                try await database.raw("CREATE TABLE \(unsafeRaw: table) (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
                    .run()
            }
            await #expect(throws: (any Error).self) {
                try await store.transaction { database in
                    var writes = DeferredWrites()
                    writes.add("INSERT INTO \(unsafeRaw: table) (id, n) VALUES (\(bind: Int64(1)), \(bind: Int64(1)))")
                    writes.add("INSERT INTO \(unsafeRaw: table) (id, n) VALUES (\(bind: Int64(2)), NULL)")
                    try await writes.run(on: database)
                }
            }
            let count = try await store.transaction { database in
                try await database.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?
                    .decode(column: "n", as: Int64.self)
            }
            #expect(count == 0)
            try await store.transaction { try await $0.raw("DROP TABLE \(unsafeRaw: table)").run() }
        }
    }

    /// A table name no other test uses: the suite's PostgreSQL database is shared by tests running side by side.
    static func table() -> String { "deferred_probe_" + String(UInt32.random(in: 0 ... .max), radix: 16) }
}

/// A real database whose statements are counted as they are sent.
struct CountingDatabase: SQLDatabase {
    let base: any SQLDatabase
    private let counter = Counter()

    init(base: any SQLDatabase) { self.base = base }

    /// Statements sent so far.
    var statements: Int { counter.value.withLock { $0 } }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var dialect: any SQLDialect { base.dialect }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        counter.value.withLock { $0 += 1 }
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        counter.value.withLock { $0 += 1 }
        try await base.execute(sql: query, onRow)
    }

    private final class Counter: Sendable {
        let value = Mutex(0)
    }
}
