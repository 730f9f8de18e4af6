import Synchronization

/// A first-come, first-served lock for async code: at most one holder, the rest wait without blocking a thread; an
/// urgent waiter goes ahead of normal ones, but never more than ``urgentRun`` times in a row while a normal one waits,
/// so steady page traffic cannot hold submissions back for ever. Releasing is synchronous, so a holder can hand the
/// gate on at the moment it starts waiting for something else (``SQLiteCommitGroup``).
final class AsyncGate: Sendable {
    private struct State {
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var urgent: [CheckedContinuation<Void, Never>] = []
        /// Urgent waiters let in since a normal one was.
        var urgentInARow = 0
    }

    private let state = Mutex(State())

    /// The most urgent waiters let in one after another while a normal one waits.
    static let urgentRun = 8

    /// How many wait for the gate.
    var waiters: Int { state.withLock { $0.waiting.count + $0.urgent.count } }

    /// Waits until the gate is free, then holds it.
    func acquire(urgent isUrgent: Bool = false) async {
        let free = state.withLock { state in
            guard !state.held else { return false }
            state.held = true
            return true
        }
        guard !free else { return }
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state in
                // Freed meanwhile: taken here, as no release saw this waiter.
                guard state.held else {
                    state.held = true
                    return true
                }
                if isUrgent { state.urgent.append(continuation) } else { state.waiting.append(continuation) }
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the gate to the next waiter (urgent ones first, within ``urgentRun``), or frees it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if !state.urgent.isEmpty, state.waiting.isEmpty || state.urgentInARow < Self.urgentRun {
                state.urgentInARow += 1
                return state.urgent.removeFirst()
            }
            if !state.waiting.isEmpty {
                state.urgentInARow = 0
                return state.waiting.removeFirst()
            }
            state.held = false
            return nil
        }
        next?.resume()
    }
}
