import Synchronization

/// The SQLite writer's transaction shared by consecutive writes: group commit. SQLite has one writer, and a commit
/// costs the same whether it writes one submission's pages or several: the `fsync` of the log, the pages every
/// write touches (the database's header, the ends of the append-only tables and their indexes) and the statement's
/// own work. So a write that finishes while others wait for the writer leaves its transaction open and waits, and
/// the last write of the group — the first to find none waiting, or the ``limit``th — commits for all of them. Each
/// write runs in a savepoint of its own, so one that fails undoes only itself (and answers once the group's fate is
/// known, as its error may rest on rows of the group); a write that ends the transaction fails every write waiting
/// for it with ``StoreError/Code/undone``, since what they did is gone (none of them was acknowledged).
///
/// Only the holder of the store's write gate (``AsyncGate``) uses it.
final class SQLiteCommitGroup: Sendable {
    private struct State {
        /// Whether the writer's transaction is open.
        var open = false
        /// The writes done and waiting for the commit.
        var waiting: [CheckedContinuation<Void, any Error>] = []
        /// Commits made, for the tests.
        var commits = 0
    }

    private let state = Mutex(State())

    /// The most writes one commit holds: a page view's small write waits for at most this many.
    static let limit = 16

    /// Whether the writer's transaction is open.
    var isOpen: Bool { state.withLock { $0.open } }

    /// Commits made since the store opened.
    var commits: Int { state.withLock { $0.commits } }

    /// Whether a write that has just finished should leave the commit to a write waiting for the gate: it is not
    /// urgent (a page view's write commits at once), others wait, and the group is not full.
    func defers(urgent: Bool, waiters: Int) -> Bool {
        !urgent && waiters > 0 && state.withLock { $0.waiting.count + 1 < Self.limit }
    }

    /// The writer's transaction has begun.
    func began() {
        state.withLock { $0.open = true }
    }

    /// Waits for the group's commit, `handOn` (which releases the gate) called once this write is counted in.
    func waitForCommit(handOn: () -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.withLock { $0.waiting.append(continuation) }
            handOn()
        }
    }

    /// The transaction committed: every waiting write returns. Returns how many writes it held, the committing one
    /// included.
    func committed() -> Int {
        let waiting = state.withLock { state in
            state.open = false
            state.commits += 1
            defer { state.waiting = [] }
            return state.waiting
        }
        for write in waiting { write.resume() }
        return waiting.count + 1
    }

    /// The transaction is gone with everything in it: every waiting write fails with `error`
    /// (``SQLNationalStore/undone(cause:)``).
    func lost(_ error: any Error) {
        let waiting = state.withLock { state in
            state.open = false
            defer { state.waiting = [] }
            return state.waiting
        }
        for write in waiting { write.resume(throwing: error) }
    }
}
