import Foundation
import SQLKit
import Testing
import VigilCore

@testable import VigilStore

/// On SQLite a page's reads run on reader connections outside the write gate (``SQLiteConnections``): they read the
/// last commit while a write transaction is open, never wait for it, and cannot write; at most
/// ``SQLiteConnections/maximumReaders`` are open at once; the small writes of a page view go ahead of queued
/// submissions, but not for ever.
@Suite("SQLite reads beside the writer")
struct SQLiteReadTests {
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
            // Should the read wait for the writer (the defect this guards against), the writer is let go after 20 s,
            // so the test fails instead of hanging.
            let letGo = Flag()
            let safety = Task {
                try await Task.sleep(for: .seconds(20))
                await letGo.set()
                releaseContinuation.yield()
            }
            let seen = try await store.summaries(scope: .nation, at: Scenario.start).map(\.organisation.code)
            #expect(await !letGo.isSet, "the read waited for the write transaction")
            #expect(seen == [first.code])
            safety.cancel()
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

    @Test("reads beyond the most readers open wait for one to be given back, then complete")
    func readersAreCapped() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            // One stream per holder: an AsyncStream has one consumer.
            let releases = (0..<SQLiteConnections.maximumReaders).map { _ in AsyncStream<Void>.makeStream() }
            let started = Counter()
            let holders = releases.map { release in
                Task {
                    try await store.snapshot { _ in
                        await started.increment()
                        for await _ in release.stream { break }
                    }
                }
            }
            while await started.value < SQLiteConnections.maximumReaders { await Task.yield() }
            let finished = Flag()
            let extra = Task {
                let codes = try await store.organisations().map(\.code)
                await finished.set()
                return codes
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(await !finished.isSet, "a read past the cap opened a connection of its own")
            releases[0].continuation.yield()
            #expect(try await extra.value == [organisation.code])
            for release in releases { release.continuation.finish() }
            for holder in holders { try await holder.value }
            // Every reader was given back: as many reads again complete.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<(SQLiteConnections.maximumReaders * 2) {
                    group.addTask { _ = try await store.organisations() }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("an urgent waiter goes ahead of normal ones; normal ones keep their order")
    func urgentFirst() async throws {
        #expect(
            await Self.order([("first", false), ("second", false), ("page", true)]) == ["page", "first", "second"])
    }

    @Test("urgent waiters go ahead at most eight in a row while a normal one waits")
    func urgentDoesNotStarve() async throws {
        let names = await Self.order([("submission", false)] + (1...10).map { ("page \($0)", true) })
        #expect(names.firstIndex(of: "submission") == AsyncGate.urgentRun)
        #expect(names.filter { $0 != "submission" } == (1...10).map { "page \($0)" })
    }

    /// The order in which waiters named in `queue` (each urgent or not, queued one after another while the gate is
    /// held) get through once it is released.
    static func order(_ queue: [(name: String, urgent: Bool)]) async -> [String] {
        let gate = AsyncGate()
        let order = OrderLog()
        await gate.acquire()
        var waiters: [Task<Void, Never>] = []
        for (name, urgent) in queue {
            waiters.append(
                Task {
                    await gate.acquire(urgent: urgent)
                    await order.append(name)
                    gate.release()
                })
            // Each waiter queued before the next starts.
            while gate.waiters < waiters.count { await Task.yield() }
        }
        gate.release()
        for waiter in waiters { await waiter.value }
        return await order.names
    }
}

/// Names in the order they were appended.
actor OrderLog {
    private(set) var names: [String] = []
    func append(_ name: String) { names.append(name) }
}

/// A flag set once.
actor Flag {
    private(set) var isSet = false
    func set() { isSet = true }
}

/// A count shared by tasks.
actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}
