import Foundation
import GRDB
import VigilIO

/// What the state file remembers of one file: enough to know it has not changed (size, modification time, content
/// fingerprint) and what scanning it found (counts and masked samples only, as in any report).
struct StoredFile: Sendable {
    /// The keyed hash of the root folder it was found under (``ScanStateStore/key(_:)``), so that files gone from a
    /// folder scanned again are forgotten without the state file naming the folder.
    var root = ""
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
/// It never holds an identifier: results are the same counts and masked samples a report shows. Nor does it hold a
/// name: files and roots are keyed by a 128-bit keyed hash of their path (``key(_:)``), since a name can itself be an
/// identifier (`referral 9434765919.csv`) and most files on a share hold no patient data at all, so no report names
/// them either. The key lives in the same file, so the hash stops the names being read, not a guess of a full path
/// being confirmed. The file is created readable by its owner only (SQLite gives its journal the same permissions).
final class ScanStateStore {
    /// Bumped whenever detection or what a result holds changes, so that results remembered by an older version are
    /// not reused: "2" masks worksheet names (a result of "1" may hold a sheet named by an NHS number in full) and
    /// adds the three national schemes' patients together; "3" counts dates of birth beyond a file's test numbers (a
    /// result of "2" may call an export with one test row test data); "4" takes message, correlation and request ids
    /// and batch numbers for what they are (a result of "3" may count them as NHS numbers).
    static let detectorVersion = "4"

    let path: String
    private let queue: DatabaseQueue
    /// The key of the content hashes, private to this state file.
    let hashKey: UInt64

    init(path: String) throws(ScanStateError) {
        self.path = path
        // Created empty and owner-only first, so the database is never readable by others, whatever the umask; when
        // this fails (the folder is read-only) the database's own open says why.
        _ = try? FileSystem.createEmpty(path)
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
            migrator.registerMigration("v2-keyed-paths") { db in
                // The cache is dropped, not converted: paths cannot be turned into keys without the key, and the next
                // scan rebuilds it.
                try db.execute(
                    sql: """
                        DROP TABLE file;
                        CREATE TABLE file (
                            key TEXT PRIMARY KEY NOT NULL,
                            root TEXT NOT NULL,
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

    /// The key that stands for `path` in the state file: two XXH64 hashes of it under seeds derived from the file's
    /// private key, in hexadecimal.
    func key(_ path: String) -> String {
        let bytes = Array(path.utf8)
        let first = XXHash64.hash(bytes, seed: hashKey ^ 0x7061_7468_2D6B_6579)
        let second = XXHash64.hash(bytes, seed: hashKey &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        return String(first, radix: 16) + ":" + String(second, radix: 16)
    }

    /// Every remembered file, by key, and whether rows had to be dropped.
    ///
    /// The state file is a cache anyone with write access to it can edit: a row that does not have the shape Vigil
    /// writes (a NULL where a value belongs, text where a number belongs) is never decoded by force (GRDB's
    /// non-optional subscripts stop the process and print the row); instead the whole cache is emptied, so the scan
    /// reads every file afresh, and `damaged` tells the caller to say so.
    func load() throws(ScanStateError) -> (files: [String: StoredFile], damaged: Bool) {
        let decoder = JSONDecoder()
        do {
            let (files, damaged) = try queue.read { db -> ([String: StoredFile], Bool) in
                var result: [String: StoredFile] = [:]
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT key, root, size, modified, hash, status, findings FROM file")
                while let row = try rows.next() {
                    guard let stored = Self.decode(row, decoder: decoder) else { return ([:], true) }
                    result[stored.path] = stored.file
                }
                return (result, false)
            }
            if damaged { try queue.write { db in try db.execute(sql: "DELETE FROM file") } }
            return (files, damaged)
        } catch {
            throw ScanStateError(path: path, message: "the scan state file cannot be read")
        }
    }

    /// One row as written by ``save(_:forgetting:)``, or `nil` if any column is missing or has another type.
    ///
    /// Every column is taken as a `DatabaseValue` and converted with `fromDatabaseValue`, which returns `nil` on a
    /// mismatch: GRDB's typed subscripts (optional ones included) stop the process when a conversion fails.
    private static func decode(_ row: Row, decoder: JSONDecoder) -> (path: String, file: StoredFile)? {
        func column<Value: DatabaseValueConvertible>(_ name: String, as type: Value.Type) -> Value? {
            Value.fromDatabaseValue(row[name] as DatabaseValue)
        }
        guard let path = column("key", as: String.self), let root = column("root", as: String.self),
            let size = column("size", as: Int64.self),
            let size = Int(exactly: size), size >= 0, let modified = column("modified", as: Int64.self),
            let status = column("status", as: String.self)
        else { return nil }
        var hash: Int64?
        if !(row["hash"] as DatabaseValue).isNull {
            guard let number = column("hash", as: Int64.self) else { return nil }
            hash = number
        }
        var findings: FileFindings?
        if !(row["findings"] as DatabaseValue).isNull {
            guard let data = column("findings", as: Data.self),
                let decoded = try? decoder.decode(FileFindings.self, from: data)
            else { return nil }
            findings = decoded
        }
        let file = StoredFile(
            root: root, size: size, modified: modified, hash: hash.map { UInt64(bitPattern: $0) }, status: status,
            findings: findings)
        return (path, file)
    }

    /// Remembers `files` (by key) and forgets the keys `forgotten`, in one transaction.
    func save(_ files: [(String, StoredFile)], forgetting forgotten: [String]) throws(ScanStateError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            try queue.write { db in
                let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?, ?)")
                for (key, file) in files {
                    let findings = try file.findings.map { try encoder.encode($0) }
                    try insert.execute(arguments: [
                        key, file.root, file.size, file.modified, file.hash.map { Int64(bitPattern: $0) }, file.status,
                        findings,
                    ])
                }
                let delete = try db.cachedStatement(sql: "DELETE FROM file WHERE key = ?")
                for key in forgotten { try delete.execute(arguments: [key]) }
            }
        } catch {
            throw ScanStateError(path: path, message: "the scan state file cannot be written")
        }
    }
}
