public import Foundation
import GRDB
public import VigilCore

/// A failure to create, update or open an advisory database.
public struct AdvisoryDatabaseError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What went wrong, and what to do.
    public var message: String

    public var description: String { "\(path): error: \(message) [advisories.database]" }
}

/// The local advisory database `vigil advisories import` builds: advisories from WES-NG definitions, CSAF, CVRF,
/// OSV and the KEV catalogue, in one SQLite file (via GRDB) that assessments load with `--advisories` or
/// `reference: advisories:` in `vigil.yaml`.
///
/// An import replaces what an earlier import of the same source said and keeps the rest, so that monthly CVRF
/// documents, a KEV catalogue and WES-NG definitions can be imported one after another. Each advisory is stored as
/// its source gave it; advisories with the same identifier from different sources are merged when matching.
public struct AdvisoryDatabase: Sendable {
    /// Bumped on incompatible schema changes; a database of another version is refused with what to do.
    static let formatVersion = 2

    /// What one import did.
    public struct ImportSummary: Sendable {
        /// Advisories stored from the source.
        public var advisories: Int
        /// Fixes (product and update pairs) stored.
        public var fixes: Int
        /// Advisories an earlier import of the same source held, now replaced.
        public var replaced: Int
    }

    /// What the database holds.
    public struct Contents: Sendable {
        /// Per source imported: its name, advisories and import time.
        public var sources: [(name: String, advisories: Int, imported: String)]
        /// Advisories in all.
        public var advisories: Int
        /// Fixes in all.
        public var fixes: Int
    }

    public let path: String
    private let queue: DatabaseQueue

    /// Opens the database at `path`, creating it when `create` is set.
    public init(path: String, create: Bool = false) throws(AdvisoryDatabaseError) {
        self.path = path
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw AdvisoryDatabaseError(
                path: path, message: "no advisory database here; build one with vigil advisories import SRC -o \(path)")
        }
        if create, access(path, F_OK) != 0 {
            // Owner-only from the start, like every file Vigil writes (SQLite gives its journal the same permissions).
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 { close(descriptor) }
        }
        do {
            var configuration = Configuration()
            configuration.label = "vigil.advisories"
            configuration.readonly = !create
            queue = try DatabaseQueue(path: path, configuration: configuration)
            if create {
                try queue.write { db in
                    try db.execute(
                        sql: """
                            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                            CREATE TABLE IF NOT EXISTS source (
                                name TEXT PRIMARY KEY NOT NULL, imported TEXT NOT NULL, advisories INTEGER NOT NULL);
                            CREATE TABLE IF NOT EXISTS advisory (
                                rowid INTEGER PRIMARY KEY, source TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL,
                                cves TEXT NOT NULL, published REAL, cvss REAL, vendor_severity TEXT, impact TEXT,
                                kev_added REAL, kev_due REAL, kev_ransomware INTEGER, kev_action TEXT,
                                file TEXT NOT NULL, line INTEGER);
                            CREATE INDEX IF NOT EXISTS advisory_source ON advisory(source);
                            CREATE TABLE IF NOT EXISTS fix (
                                advisory INTEGER NOT NULL REFERENCES advisory(rowid) ON DELETE CASCADE,
                                product TEXT NOT NULL, kb TEXT, fixed_build TEXT, supersedes TEXT NOT NULL, kind TEXT,
                                component TEXT);
                            CREATE INDEX IF NOT EXISTS fix_advisory ON fix(advisory);
                            CREATE TABLE IF NOT EXISTS compiled (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);
                            """)
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO meta VALUES ('format', ?)", arguments: [String(Self.formatVersion)])
                }
            }
            let version = try queue.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'")
            }
            guard version == String(Self.formatVersion) else {
                throw AdvisoryDatabaseError(
                    path: path,
                    message:
                        "not an advisory database of this version of Vigil (format \(version ?? "none"), expected \(Self.formatVersion)); rebuild it with vigil advisories import"
                )
            }
        } catch let error as AdvisoryDatabaseError {
            throw error
        } catch {
            throw AdvisoryDatabaseError(path: path, message: "cannot use the database: \(Self.reason(error))")
        }
    }

    /// Stores `advisories` read from `source` (its key: ``AdvisoryImporter/Source/key``), replacing what an earlier
    /// import of it stored, and what was stored under the names in `others` (the same source under an earlier name:
    /// last month's WES-NG definitions).
    public func importAdvisories(
        _ advisories: [Advisory], source: String, replacing others: [String] = [], at date: Date
    ) throws(AdvisoryDatabaseError) -> ImportSummary {
        do {
            return try queue.write { db in
                var replaced = 0
                for name in Set([source] + others) {
                    replaced +=
                        try Int.fetchOne(db, sql: "SELECT count(*) FROM advisory WHERE source = ?", arguments: [name])
                        ?? 0
                    try db.execute(
                        sql: "DELETE FROM fix WHERE advisory IN (SELECT rowid FROM advisory WHERE source = ?)",
                        arguments: [name])
                    try db.execute(sql: "DELETE FROM advisory WHERE source = ?", arguments: [name])
                    try db.execute(sql: "DELETE FROM source WHERE name = ?", arguments: [name])
                }
                try db.execute(sql: "DELETE FROM compiled")
                let insertAdvisory = try db.makeStatement(
                    sql: """
                        INSERT INTO advisory (source, id, title, cves, published, cvss, vendor_severity, impact,
                            kev_added, kev_due, kev_ransomware, kev_action, file, line)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let insertFix = try db.makeStatement(
                    sql:
                        "INSERT INTO fix (advisory, product, kb, fixed_build, supersedes, kind, component) VALUES (?, ?, ?, ?, ?, ?, ?)"
                )
                var fixes = 0
                for advisory in advisories {
                    let exploited = advisory.exploitation
                    try insertAdvisory.execute(arguments: [
                        source, advisory.id, advisory.title, advisory.cves.joined(separator: ","),
                        advisory.published?.timeIntervalSince1970, advisory.cvssScore, advisory.vendorSeverity,
                        advisory.impact, exploited?.dateAdded.timeIntervalSince1970,
                        exploited?.dueDate?.timeIntervalSince1970, exploited.map { $0.knownRansomwareUse ? 1 : 0 },
                        exploited?.requiredAction, advisory.source.file, advisory.source.line,
                    ])
                    let row = db.lastInsertedRowID
                    for fix in advisory.fixes {
                        try insertFix.execute(arguments: [
                            row, fix.product, fix.kb, fix.fixedBuild, fix.supersedes.joined(separator: ","), fix.kind,
                            fix.component,
                        ])
                        fixes += 1
                    }
                }
                try db.execute(
                    sql: "INSERT OR REPLACE INTO source VALUES (?, ?, ?)",
                    arguments: [source, ISO8601DateFormatter().string(from: date), advisories.count])
                return ImportSummary(advisories: advisories.count, fixes: fixes, replaced: replaced)
            }
        } catch {
            throw AdvisoryDatabaseError(path: path, message: "cannot write the database: \(Self.reason(error))")
        }
    }

    /// Every advisory stored.
    public func advisories() throws(AdvisoryDatabaseError) -> [Advisory] {
        do {
            return try queue.read { db in
                var fixes: [Int64: [AdvisoryFix]] = [:]
                let fixRows = try Row.fetchCursor(
                    db, sql: "SELECT advisory, product, kb, fixed_build, supersedes, kind, component FROM fix")
                while let next = try fixRows.next() {
                    let row = StoredRow(row: next)
                    let supersedes: String = try row.value(4)
                    fixes[try row.value(0, as: Int64.self), default: []].append(
                        AdvisoryFix(
                            product: try row.value(1), kb: try row.optional(2), fixedBuild: try row.optional(3),
                            supersedes: supersedes.isEmpty ? [] : supersedes.split(separator: ",").map(String.init),
                            kind: try row.optional(5), component: try row.optional(6)))
                }
                var advisories: [Advisory] = []
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT rowid, id, title, cves, published, cvss, vendor_severity, impact, kev_added, kev_due,
                            kev_ransomware, kev_action, file, line FROM advisory ORDER BY rowid
                        """)
                while let next = try rows.next() {
                    let row = StoredRow(row: next)
                    let cves: String = try row.value(3)
                    let added: Double? = try row.optional(8)
                    let due: Double? = try row.optional(9)
                    let ransomware: Int? = try row.optional(10)
                    let published: Double? = try row.optional(4)
                    let action: String? = try row.optional(11)
                    let score: Double? = try row.optional(5)
                    advisories.append(
                        Advisory(
                            id: try row.value(1), title: try row.value(2),
                            cves: cves.isEmpty ? [] : cves.split(separator: ",").map(String.init),
                            published: published.map(Date.init(timeIntervalSince1970:)),
                            cvssScore: score.flatMap { $0.isFinite ? $0 : nil },
                            vendorSeverity: try row.optional(6), impact: try row.optional(7),
                            exploitation: added.map {
                                Exploitation(
                                    dateAdded: Date(timeIntervalSince1970: $0),
                                    dueDate: due.map(Date.init(timeIntervalSince1970:)),
                                    knownRansomwareUse: ransomware == 1, requiredAction: action)
                            },
                            fixes: fixes[try row.value(0, as: Int64.self)] ?? [],
                            source: EvidenceReference(file: try row.value(12), line: try row.optional(13))))
                }
                return advisories
            }
        } catch {
            throw AdvisoryDatabaseError(path: path, message: "cannot read the database: \(Self.reason(error))")
        }
    }

    /// A matching index compiled from the database (``CompiledAdvisories``): its snapshot, the snapshot of the built-in
    /// catalogue it includes, and the number of advisories the database held.
    public struct StoredIndex: Sendable {
        /// ``AdvisoryIndex/snapshot()`` of the built-in catalogue and the database's advisories together.
        public var snapshot: Data
        /// The snapshot of the built-in catalogue alone, to tell whether this build's catalogue is the one included.
        public var catalogue: Data
        /// Advisories the database held when the index was compiled.
        public var advisories: Int

        public init(snapshot: Data, catalogue: Data, advisories: Int) {
            self.snapshot = snapshot
            self.catalogue = catalogue
            self.advisories = advisories
        }
    }

    /// Keeps `index` until the next import replaces any source.
    public func storeIndex(_ index: StoredIndex) throws(AdvisoryDatabaseError) {
        do {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM compiled")
                for (key, value) in [
                    ("index", index.snapshot), ("catalogue", index.catalogue),
                    ("advisories", Data(String(index.advisories).utf8)),
                ] {
                    try db.execute(sql: "INSERT INTO compiled VALUES (?, ?)", arguments: [key, value])
                }
            }
        } catch {
            throw AdvisoryDatabaseError(path: path, message: "cannot write the database: \(Self.reason(error))")
        }
    }

    /// The compiled index, if the database holds one (an import since it was compiled removes it).
    public func storedIndex() throws(AdvisoryDatabaseError) -> StoredIndex? {
        do {
            return try queue.read { db in
                var values: [String: Data] = [:]
                for next in try Row.fetchAll(db, sql: "SELECT key, value FROM compiled") {
                    let row = StoredRow(row: next)
                    values[try row.value(0, as: String.self)] = try row.value(1, as: Data.self)
                }
                guard let snapshot = values["index"], let catalogue = values["catalogue"],
                    let count = values["advisories"].flatMap({ Int(String(decoding: $0, as: UTF8.self)) })
                else { return nil }
                return StoredIndex(snapshot: snapshot, catalogue: catalogue, advisories: count)
            }
        } catch {
            throw AdvisoryDatabaseError(path: path, message: "cannot read the database: \(Self.reason(error))")
        }
    }

    /// The sources imported and the totals.
    public func contents() throws(AdvisoryDatabaseError) -> Contents {
        do {
            return try queue.read { db in
                let sources = try Row.fetchAll(db, sql: "SELECT name, advisories, imported FROM source ORDER BY name")
                    .map { next in
                        let row = StoredRow(row: next)
                        return (
                            name: try row.value(0, as: String.self), advisories: try row.value(1, as: Int.self),
                            imported: try row.value(2, as: String.self)
                        )
                    }
                return Contents(
                    sources: sources,
                    advisories: try Int.fetchOne(db, sql: "SELECT count(*) FROM advisory") ?? 0,
                    fixes: try Int.fetchOne(db, sql: "SELECT count(*) FROM fix") ?? 0)
            }
        } catch {
            throw AdvisoryDatabaseError(path: path, message: "cannot read the database: \(Self.reason(error))")
        }
    }

    /// A database error's message without the SQL or its arguments.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode)" }
        return "\(error)"
    }
}
