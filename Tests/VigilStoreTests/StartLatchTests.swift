import Testing

@testable import VigilStore

/// PostgreSQL's queries wait until both pools are starting (``StartLatch``): a waiter returns only after the last
/// arrival, at once afterwards, and a cancelled waiter throws instead of hanging.
@Suite("the pools' start latch")
struct StartLatchTests {
    @Test("waiters return only once every party has arrived, and at once after")
    func opens() async throws {
        let latch = StartLatch(count: 2)
        let released = Counter()
        let waiters = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await latch.wait()
                        await released.add()
                    }
                }
                try await group.waitForAll()
            }
        }
        latch.arrive()
        try await Task.sleep(for: .milliseconds(50))
        #expect(await released.value == 0, "one of two parties is not enough")
        latch.arrive()
        try await waiters.value
        #expect(await released.value == 3)
        try await latch.wait()
    }

    @Test("a cancelled waiter throws CancellationError")
    func cancelled() async throws {
        let latch = StartLatch(count: 1)
        let waiter = Task { try await latch.wait() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await latch.wait()
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        latch.arrive()
        try await latch.wait()
    }

    actor Counter {
        var value = 0
        func add() { value += 1 }
    }
}
