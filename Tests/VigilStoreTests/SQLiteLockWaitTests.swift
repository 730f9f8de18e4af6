import Foundation
import SQLKit
import Testing
import VigilCore

@testable import VigilStore

/// Several stores on one SQLite file (servers sharing a file, a `vigil admin` command beside a server) wait for each
/// other's write lock without holding a thread: each store's statements run on the caller's thread
/// (``DirectSQLite``), and a statement that finds the file locked waits as a suspended task and tries again. Were it
/// to sleep on its thread as SQLite's own busy handler does, more waiting writers than the machine has cores would
/// hold every thread the tasks share, the transaction holding the lock could never resume to commit, and the waits
/// would end in "database is locked".
@Suite("SQLite: waiting for another store's write lock holds no thread")
struct SQLiteLockWaitTests {
    @Test("more stores than threads wait for one holding the lock across a suspension, and every write lands")
    func waitersHoldNoThread() async throws {
        try await SQLiteFile.withMigratedStore { path, holder in try await Self.waitersHoldNoThread(path, holder) }
    }

    static func waitersHoldNoThread(_ path: String, _ holder: SQLNationalStore) async throws {
        let waiters = try (0..<(2 * ProcessInfo.processInfo.activeProcessorCount + 2)).map { _ in
            try SQLNationalStore(address: path)
        }

        let (locked, lockTaken) = AsyncStream.makeStream(of: Void.self)
        let holding = Task {
            try await holder.transaction { database in
                _ = try await database.raw("INSERT INTO audit_log (at, action, address) VALUES (0, 'hold', 'test')")
                    .run()
                lockTaken.yield()
                // Suspended while holding the write lock: resuming needs a thread the waiters must not hold.
                try await Task.sleep(for: .milliseconds(300))
                _ = try await database.raw("INSERT INTO audit_log (at, action, address) VALUES (0, 'held', 'test')")
                    .run()
            }
        }
        for await _ in locked { break }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in waiters.enumerated() {
                group.addTask {
                    _ = try await store.createOrganisation(
                        NewOrganisation(code: "W\(index)", name: "Waiter \(index)", kind: .gpPractice))
                }
            }
            try await group.waitForAll()
        }
        try await holding.value
        #expect(try await SQLiteFile.count("organisations", in: holder) == waiters.count)
        #expect(try await SQLiteFile.count("audit_log WHERE action IN ('hold', 'held')", in: holder) == 2)
    }
}

/// The write-ahead log is checkpointed beside the writer (``SQLiteCheckpointer``), not inside its commits.
@Suite("SQLite: the log checkpointed beside the writer")
struct SQLiteCheckpointerTests {
    @Test("after a few dozen commits a checkpoint beside the writer has copied log frames, and the data reads back")
    func checkpointsInTheBackground() async throws {
        try await SQLiteFile.withMigratedStore { path, store in try await Self.checkpointsInTheBackground(path, store) }
    }

    static func checkpointsInTheBackground(_ path: String, _ store: SQLNationalStore) async throws {
        guard case .sqlite(let connections) = store.backend else {
            Issue.record("not a SQLite store")
            return
        }
        try await store.withRunning {
            for index in 0..<(2 * SQLiteCheckpointer.writesPerCheckpoint) {
                _ = try await store.createOrganisation(
                    NewOrganisation(code: "C\(index)", name: "Checkpointed \(index)", kind: .gpPractice))
            }
            // The checkpoint runs on its own: wait for it (bounded). Its frames copied are SQLite's own count, so a
            // checkpoint that ran and copied nothing does not pass.
            for _ in 0..<500 where await connections.checkpointer.lastCheckpointed == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(await connections.checkpointer.lastCheckpointed > 0)
        let reopened = try SQLNationalStore(address: path)
        let organisations = try await reopened.withRunning { try await SQLiteFile.count("organisations", in: reopened) }
        #expect(organisations == 2 * SQLiteCheckpointer.writesPerCheckpoint)
    }
}

/// A SQLite store of its own for a test, on a temporary file.
enum SQLiteFile {
    /// Runs `body` with the file's path and a migrated store on it.
    static func withMigratedStore(_ body: @Sendable (String, SQLNationalStore) async throws -> Void) async throws {
        try await Backend.sqlite.withAddress { path in
            let store = try SQLNationalStore(address: path)
            try await store.migrate()
            try await body(path, store)
        }
    }

    /// The rows of `table` (with any condition after its name), read in one snapshot.
    static func count(_ table: String, in store: SQLNationalStore) async throws -> Int {
        let rows = try await store.snapshot { database in
            try await database.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(
                column: "n", as: Int64.self)
        }
        return Int(rows ?? -1)
    }
}
