import SQLKit

/// Writes of one transaction that return nothing and that nothing later in it reads, kept until its end and sent
/// together: on PostgreSQL as one statement, each write but the last a data-modifying common table expression; on
/// SQLite, where a statement costs no round trip, one after another in the order they were added.
///
/// Why: an ingest on PostgreSQL made eighteen round trips, each a statement the server sends and reads the answer of
/// and PostgreSQL wakes for (docs/benchmarks.md). The day's row, the stored score, the alert matches and the audit
/// entry were five of them.
///
/// The writes of one statement share one snapshot and cannot see each other's effects, so two of them must never
/// change the same row, and none may begin with its own `WITH`. On PostgreSQL a statement trigger fires once for all
/// the writes of one kind to one table, its transition table holding all their rows: the store's triggers count an
/// organisation's revision, which moves either way (migration 12).
struct DeferredWrites: Sendable {
    private(set) var statements: [SQLQueryString] = []

    var isEmpty: Bool { statements.isEmpty }

    /// Keeps `statement` (an INSERT, UPDATE or DELETE without RETURNING) for ``run(on:)``.
    mutating func add(_ statement: SQLQueryString) {
        statements.append(statement)
    }

    mutating func add(contentsOf statements: [SQLQueryString]) {
        self.statements += statements
    }

    /// Sends the writes kept, then forgets them.
    mutating func run(on database: any SQLDatabase) async throws {
        defer { statements = [] }
        guard let last = statements.last else { return }
        guard SQLNationalStore.isPostgres(database) else {
            for statement in statements { try await database.raw(statement).run() }
            return
        }
        try await database.raw(Self.combined(statements.dropLast(), last: last)).run()
    }

    /// `WITH w0 AS (first), w1 AS (second) … last`: one statement that makes every write.
    static func combined(_ leading: ArraySlice<SQLQueryString>, last: SQLQueryString) -> SQLQueryString {
        guard !leading.isEmpty else { return last }
        let parts = leading.enumerated().map { index, statement -> SQLQueryString in
            "w\(unsafeRaw: String(index)) AS (\(statement))"
        }
        return "WITH \(parts.joined(separator: ", ")) \(last)"
    }
}
