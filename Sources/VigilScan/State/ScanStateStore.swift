import Foundation
import GRDB
import Glibc

/// What the state file remembers of one file: enough to know it has not changed (size, modification time, content
/// fingerprint) and what scanning it found (counts and masked samples only, as in any report).
struct StoredFile: Sendable {
    var size: Int
    var modified: Int64
    var hash: UInt64?
    /// `read:<format>` or `skipped:<reason>`.
    var status: String
    var findings: FileFindings?
}

/// A failure to use the state file.
public struct ScanStateError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// The incremental-scan state: a small SQLite file (via GRDB) holding, per file scanned, its size, modification time,
/// keyed content hash and result. A rescan reuses the result of every file whose size and modification time are
/// unchanged without opening it, so a nightly rescan of an unchanged share costs a walk of its folders.
///
/// It never holds an identifier: results are the same counts and masked samples a report shows. The file is created
/// readable by its owner only (SQLite gives its journal the same permissions).
final class ScanStateStore {
    /// Bumped whenever detection changes, so that results remembered by an older version are not reused.
    static let detectorVersion = "1"

    let path: String
    private let queue: DatabaseQueue
    /// The key of the content hashes, private to this state file.
    let hashKey: UInt64

    init(path: String) throws(ScanStateError) {
        self.path = path
        if access(path, F_OK) != 0 {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 { close(descriptor) }
        }
        do {
            var configuration = Configuration()
            configuration.label = "vigil.scan-state"
            queue = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                        CREATE TABLE file (
                            path TEXT PRIMARY KEY NOT NULL,
                            size INTEGER NOT NULL,
                            modified INTEGER NOT NULL,
                            hash INTEGER,
                            status TEXT NOT NULL,
                            findings BLOB
                        ) WITHOUT ROWID;
                        """)
            }
            try migrator.migrate(queue)
            hashKey = try queue.write { db -> UInt64 in
                let version = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'detector'")
                if version != Self.detectorVersion {
                    try db.execute(sql: "DELETE FROM file")
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO meta VALUES ('detector', ?)", arguments: [Self.detectorVersion])
                }
                if let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hash-key'"),
                    let key = UInt64(text, radix: 16)
                {
                    return key
                }
                var generator = SystemRandomNumberGenerator()
                let key = generator.next()
                try db.execute(
                    sql: "INSERT OR REPLACE INTO meta VALUES ('hash-key', ?)", arguments: [String(key, radix: 16)])
                return key
            }
        } catch let error as DatabaseError {
            throw ScanStateError(
                path: path,
                message: "the scan state file cannot be used: \(error.message ?? "SQLite error \(error.resultCode)")")
        } catch {
            throw ScanStateError(path: path, message: "the scan state file cannot be used")
        }
    }

    /// Every remembered file, by path.
    func load() throws(ScanStateError) -> [String: StoredFile] {
        let decoder = JSONDecoder()
        do {
            return try queue.read { db in
                var result: [String: StoredFile] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT path, size, modified, hash, status, findings FROM file")
                while let row = try rows.next() {
                    let findings: FileFindings? = (row["findings"] as Data?).flatMap {
                        try? decoder.decode(FileFindings.self, from: $0)
                    }
                    let hash: Int64? = row["hash"]
                    result[row["path"]] = StoredFile(
                        size: row["size"], modified: row["modified"], hash: hash.map { UInt64(bitPattern: $0) },
                        status: row["status"], findings: findings)
                }
                return result
            }
        } catch {
            throw ScanStateError(path: path, message: "the scan state file cannot be read")
        }
    }

    /// Remembers `files` (by path) and forgets `forgotten`, in one transaction.
    func save(_ files: [(String, StoredFile)], forgetting forgotten: [String]) throws(ScanStateError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            try queue.write { db in
                let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?)")
                for (path, file) in files {
                    let findings = try file.findings.map { try encoder.encode($0) }
                    try insert.execute(arguments: [
                        path, file.size, file.modified, file.hash.map { Int64(bitPattern: $0) }, file.status, findings,
                    ])
                }
                let delete = try db.cachedStatement(sql: "DELETE FROM file WHERE path = ?")
                for path in forgotten { try delete.execute(arguments: [path]) }
            }
        } catch {
            throw ScanStateError(path: path, message: "the scan state file cannot be written")
        }
    }
}
