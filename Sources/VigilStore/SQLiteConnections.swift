import Foundation
import Logging
import SQLKit
import SQLiteKit

/// The SQLite connections of one store (``DirectSQLite``), kept open between transactions: one writer, used only by the holder of the
/// store's write gate, and readers, each a connection of its own. In WAL mode a reader's transaction reads a snapshot
/// while the writer writes, so a page view never waits for a submission being applied; and a connection kept open keeps
/// its parsed schema and its page cache, which a connection per transaction threw away every time (the overview read
/// most of its pages from the kernel again on every view: `perf`, bench/service.sh).
actor SQLiteConnections {
    /// The database file.
    let path: String
    let logger: Logger
    private var writer: DirectSQLite?
    private var idleReaders: [DirectSQLite] = []
    /// Readers open, idle or in use.
    private var openReaders = 0
    /// Reads waiting for a reader: each is handed a reader given back, or a free place to open one in.
    private var waiting: [CheckedContinuation<DirectSQLite?, Never>] = []

    /// Readers kept open when idle; a burst beyond them opens more and closes the extra ones after.
    static let keptReaders = min(4, maximumReaders)
    /// The most readers open at once; further reads wait for one (each may hold a page cache of ``cacheKibibytes``).
    /// A statement runs on the thread of the task that reads (``DirectSQLite``), and those threads are as many as the
    /// cores: more readers than cores would only let long reads hold every thread while page views wait.
    static let maximumReaders = min(8, max(2, ProcessInfo.processInfo.activeProcessorCount))
    /// Each connection's page cache, in KiB (SQLite's default is 2 MiB).
    static let cacheKibibytes = 32_768

    /// Checkpoints the log beside the writer.
    let checkpointer: SQLiteCheckpointer

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
        checkpointer = SQLiteCheckpointer(path: path, logger: logger)
    }

    /// The writer, opened on first use (or after ``discardWriter()``). Only the holder of the write gate calls this.
    func writerConnection() async throws -> DirectSQLite {
        if let writer, !writer.isClosed { return writer }
        let connection = try await open(readOnly: false)
        writer = connection
        return connection
    }

    /// Closes the writer after a failure that may have left it inside a transaction; the next one is opened afresh.
    func discardWriter() async {
        guard let writer else { return }
        self.writer = nil
        writer.close()
    }

    /// An idle reader, a new one while fewer than ``maximumReaders`` are open, or else the next one given back.
    func takeReader() async throws -> DirectSQLite {
        if let reader = idleReaders.popLast() { return reader }
        if openReaders >= Self.maximumReaders {
            if let reader = await withCheckedContinuation({ waiting.append($0) }) { return reader }
            // Handed a free place: the reader that held it was closed.
        } else {
            openReaders += 1
        }
        do {
            return try await open(readOnly: true)
        } catch {
            freePlace()
            throw error
        }
    }

    /// Gives back a reader whose transaction ended: to a waiting read, kept idle, or beyond ``keptReaders`` closed.
    func returnReader(_ reader: DirectSQLite) async {
        if !waiting.isEmpty {
            waiting.removeFirst().resume(returning: reader)
        } else if idleReaders.count < Self.keptReaders {
            idleReaders.append(reader)
        } else {
            freePlace()
            reader.close()
        }
    }

    /// Closes a reader whose transaction failed.
    func discard(_ reader: DirectSQLite) async {
        freePlace()
        reader.close()
    }

    /// A reader's place is free: a waiting read takes it (and opens its own), else it is counted free.
    private func freePlace() {
        if !waiting.isEmpty {
            waiting.removeFirst().resume(returning: nil)
        } else {
            openReaders -= 1
        }
    }

    /// Closes every connection kept: at shutdown. The store opens new ones if it is used again.
    func closeAll() async {
        let connections = idleReaders + (writer.map { [$0] } ?? [])
        openReaders -= idleReaders.count
        idleReaders = []
        writer = nil
        for connection in connections { connection.close() }
        await checkpointer.close()
    }

    /// A connection with the store's settings; a reader refuses writes (`query_only`), so a read path that writes by
    /// mistake fails in every test instead of racing the writer.
    private func open(readOnly: Bool) async throws -> DirectSQLite {
        let connection = try DirectSQLite.open(path: path, logger: logger)
        do {
            let database = connection.sql()
            // No busy timeout: SQLite would sleep on the caller's thread; DirectSQLiteDatabase waits without one.
            try await database.raw("PRAGMA busy_timeout = 0").run()
            try await database.raw("PRAGMA foreign_keys = ON").run()
            try await database.raw("PRAGMA cache_size = \(unsafeRaw: String(-Self.cacheKibibytes))").run()
            if readOnly {
                try await database.raw("PRAGMA query_only = ON").run()
            } else {
                try await database.raw(
                    "PRAGMA wal_autocheckpoint = \(unsafeRaw: String(SQLiteCheckpointer.backstopPages))"
                ).run()
            }
            return connection
        } catch {
            connection.close()
            throw error
        }
    }

    deinit {
        // A store dropped without ``closeAll()`` (a test, a command) still closes its handles.
        for connection in idleReaders + (writer.map { [$0] } ?? []) { connection.close() }
    }
}
