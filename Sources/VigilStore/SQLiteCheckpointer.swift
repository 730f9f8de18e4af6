import Logging
import NIOPosix

/// Copies the write-ahead log's committed pages into the SQLite database file beside the writer, not in it.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the log past a thousand pages: the writer — and
/// behind it every submission waiting for the one write lock — waits while it copies those pages and `fsync`s the
/// database file: 4.6 % of ingest's CPU in a profile (`perf`, bench/ingest-cpu.sh), spent while holding the lock.
/// Here, every ``writesPerCheckpoint`` writes committed, a connection of its own runs a PASSIVE checkpoint on NIO's
/// thread pool: it copies what no reader still needs and never waits for the writer, which goes on appending. Writes,
/// not commits: a commit holds a group of writes (``SQLiteCommitGroup``), and the log grows by what they wrote. The
/// writer's own automatic checkpoint stays, at ``backstopPages``, for a log this one falls behind on.
actor SQLiteCheckpointer {
    /// The database file.
    let path: String
    let logger: Logger
    private var connection: DirectSQLite?
    private var writes = 0
    /// The checkpoint started and not yet finished, if any.
    private var running: Task<Void, Never>?
    /// Log frames the last checkpoint found copied into the database file (for tests).
    private(set) var lastCheckpointed: Int64 = 0

    /// Writes committed between checkpoints.
    static let writesPerCheckpoint = 16
    /// The writer's automatic checkpoint, in pages of log: SQLite's default is 1,000.
    static let backstopPages = 10_000

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// A commit of `writes` writes: every ``writesPerCheckpoint`` writes a checkpoint starts, unless one is running.
    func committed(writes committed: Int) {
        writes += committed
        guard writes >= Self.writesPerCheckpoint, running == nil else { return }
        writes = 0
        running = Task { await self.checkpoint() }
    }

    private func checkpoint() async {
        defer { running = nil }
        do {
            // Never creates the file: a store whose file is gone has nothing to checkpoint.
            let connection = try self.connection ?? DirectSQLite.open(path: path, logger: logger, create: false)
            self.connection = connection
            let frames = try await NIOThreadPool.singleton.runIfActive {
                var frames: Int64 = 0
                try connection.run("PRAGMA wal_checkpoint(PASSIVE)", binds: []) { row in
                    frames = (try? row.decode(column: "checkpointed", as: Int64.self)) ?? 0
                }
                return frames
            }
            lastCheckpointed = frames
        } catch {
            // The next commits try again, and the writer's backstop bounds the log meanwhile.
            logger.debug("a background checkpoint failed", metadata: ["error": "\(error)"])
            connection?.close()
            connection = nil
        }
    }

    /// Waits for a checkpoint under way and closes the checkpoint's connection (at shutdown); a later commit opens
    /// it again.
    func close() async {
        await running?.value
        connection?.close()
        connection = nil
    }
}
