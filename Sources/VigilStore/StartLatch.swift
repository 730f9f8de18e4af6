import Synchronization

/// Opens once `count` parties have arrived; until then `wait()` suspends. PostgreSQL's pools start running in tasks
/// of their own (``SQLNationalStore/run()``, ``SQLNationalStore/withRunning(_:)``, a service group), and a query sent
/// before a pool's `run()` had begun made postgres-nio log a warning on every command and server start ("Trying to
/// lease connection … but run() hasn't been called yet"): the store's queries wait here until both pools are starting.
/// (A party arrives just before its pool's `run()`, whose first step marks the pool running, so a query released by
/// the last arrival can in rare interleavings still meet the warning; it is a warning, never a failure.)
final class StartLatch: Sendable {
    private struct State {
        var remaining: Int
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var cancelled: Set<Int> = []
        var nextWaiter = 0
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(remaining: count))
    }

    /// One party has arrived; the last one releases every waiter.
    func arrive() {
        let released = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard state.remaining > 0 else { return [] }
            state.remaining -= 1
            guard state.remaining == 0 else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in released { waiter.resume() }
    }

    /// Returns at once when open; otherwise when the last party arrives, or throws `CancellationError` when the
    /// waiting task is cancelled first.
    func wait() async throws {
        let id = state.withLock { state -> Int? in
            guard state.remaining > 0 else { return nil }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    let cancelled = state.cancelled.remove(id) != nil
                    if state.remaining == 0 { return .success(()) }
                    if cancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                if state.remaining > 0 { state.cancelled.insert(id) }
                return nil
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
