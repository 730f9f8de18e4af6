import Synchronization

/// Opens once `count` parties have arrived; until then `wait()` suspends. PostgreSQL's pools start running in tasks
/// of their own (``SQLNationalStore/run()``, ``SQLNationalStore/withRunning(_:)``, a service group), and a query sent
/// before a pool's `run()` had begun made postgres-nio log a warning on every command and server start ("Trying to
/// lease connection … but run() hasn't been called yet"): the store's queries wait here until both pools have begun.
final class StartLatch: Sendable {
    private struct State {
        var remaining: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(remaining: count))
    }

    /// One party has arrived; the last one releases every waiter.
    func arrive() {
        let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.remaining > 0 else { return [] }
            state.remaining -= 1
            guard state.remaining == 0 else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in released { waiter.resume() }
    }

    /// Returns at once when open; otherwise when the last party arrives.
    func wait() async {
        if state.withLock({ $0.remaining == 0 }) { return }
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                guard state.remaining > 0 else { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
}
