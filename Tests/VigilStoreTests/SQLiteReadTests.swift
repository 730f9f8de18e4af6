import Foundation
import SQLKit
import Testing
import VigilCore

@testable import VigilStore

/// On SQLite a page's reads run on reader connections outside the write gate (``SQLiteConnections``): they read the
/// last commit while a write transaction is open, never wait for it, and cannot write; the small writes of a page view
/// go ahead of queued submissions.
@Suite("SQLite reads beside the writer")
struct SQLiteReadTests {
    /// Fails instead of hanging when `work` waits for something that never comes.
    static func within<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                Issue.record("waited more than \(seconds) s")
                throw CancellationError()
            }
            return result
        }
    }

    @Test("a read completes while a write transaction is open, and sees only what was committed")
    func readsDuringWrite() async throws {
        try await Backend.sqlite.withStore { store in
            let first = try await Scenario.organisation(in: store)
            let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
            let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
            let writer = Task {
                try await store.transaction { database in
                    try await database.raw(
                        """
                        INSERT INTO organisations (ods_code, name, kind, path, created_at)
                        VALUES ('UNCOMMITTED1', 'Not yet', 'acute-trust', 'Y56/UNCOMMITTED1', 0)
                        """
                    ).run()
                    enteredContinuation.yield()
                    for await _ in release { break }
                }
            }
            for await _ in entered { break }
            // The writer holds the gate and an open transaction with a new row in it.
            let seen = try await Self.within(seconds: 20) {
                try await store.summaries(scope: .nation, at: Scenario.start).map(\.organisation.code)
            }
            #expect(seen == [first.code])
            releaseContinuation.yield()
            try await writer.value
            let after = try await store.organisations().map(\.code)
            #expect(Set(after) == [first.code, "UNCOMMITTED1"])
        }
    }

    @Test("a reader refuses to write, and the store goes on reading after the failure")
    func readersAreReadOnly() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            await #expect(throws: (any Error).self) {
                try await store.snapshot { database in
                    try await database.raw("DELETE FROM organisations").run()
                }
            }
            #expect(try await store.organisations().map(\.code) == [organisation.code])
        }
    }

    @Test("an urgent waiter goes ahead of normal ones; normal ones keep their order")
    func urgentFirst() async throws {
        let gate = AsyncGate()
        let order = OrderLog()
        await gate.acquire()
        var waiters: [Task<Void, Never>] = []
        for (name, urgent) in [("first", false), ("second", false), ("page", true)] {
            waiters.append(
                Task {
                    await gate.acquire(urgent: urgent)
                    await order.append(name)
                    await gate.release()
                })
            // Each waiter queued before the next starts.
            while await gate.waiters < waiters.count { await Task.yield() }
        }
        await gate.release()
        for waiter in waiters { await waiter.value }
        #expect(await order.names == ["page", "first", "second"])
    }
}

/// Names in the order they were appended.
actor OrderLog {
    private(set) var names: [String] = []
    func append(_ name: String) { names.append(name) }
}
