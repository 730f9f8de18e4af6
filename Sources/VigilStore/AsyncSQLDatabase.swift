import Logging
import NIOCore
import SQLKit

/// A database of the store's own whose statements run as async functions (``DirectSQLiteDatabase``,
/// ``PostgresSQLDatabase``): SQLKit's future-returning `execute` runs the async one, and no statement is logged (a
/// statement's values may be an organisation's data). A conforming type implements the async `execute` itself:
/// SQLKit's default for it runs the future-returning one, which here runs the async one.
protocol AsyncSQLDatabase: SQLDatabase {}

extension AsyncSQLDatabase {
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        eventLoop.makeFutureWithTask { try await execute(sql: query, onRow) }
    }
}
