import VigilIO

/// What a SQLite path must name before the store opens it, or has its permissions made owner-only.
extension SQLNationalStore {
    /// The first 16 bytes of every SQLite database file.
    static let sqliteHeader = Array("SQLite format 3".utf8) + [0]

    /// Checks that `path` names a SQLite database, or an empty file (one SQLite initialises), and creates it empty and
    /// owner-only when nothing is there and `creating` allows it.
    ///
    /// Why: the store makes its database owner-only on opening. Done blindly, `--database` naming a folder took the
    /// folder's search bit away (0600), and naming any other file made it owner-only and had SQLite fail on it with a
    /// message about the database not answering. Nothing is changed until the path is known to be a database.
    static func prepareSQLiteFile(_ path: String, creating: Bool) throws {
        let status: FileStatus
        do throws(FileError) {
            status = try FileStatus.following(Array(path.utf8CString), shownAs: path)
        } catch {
            guard error.isMissing else {
                throw StoreError(
                    .unusableFile, "\(path): the database file cannot be examined\(reason(error))", cause: error)
            }
            try createDatabaseFile(path, creating: creating)
            return
        }
        switch status.kind {
        case .regular:
            try checkHeader(path, size: status.size)
        case .directory:
            throw StoreError(
                .unusableFile,
                "\(path) is a folder, not a SQLite database file: name the database file (a new name creates one)")
        case .symbolicLink, .other:
            throw StoreError(.unusableFile, "\(path) is not a regular file: a SQLite database file was expected")
        }
    }

    /// Creates the empty, owner-only database file `path` (missing so far), or refuses when not `creating`.
    private static func createDatabaseFile(_ path: String, creating: Bool) throws {
        guard creating else {
            throw StoreError(
                .missingDatabase,
                "\(path): no national database is there (`vigil serve` or `vigil admin create-organisation` creates it)"
            )
        }
        // Owner-only from its first byte: it holds every organisation's open vulnerabilities, analysts' password
        // hashes and the audit log, and SQLite creates its journal files with the database's own permissions.
        let created: Bool
        do throws(FileError) {
            created = try FileSystem.createEmpty(path)
        } catch {
            throw StoreError(
                .unusableFile, "\(path): the database file cannot be created\(reason(error))", cause: error)
        }
        // Made by another process meanwhile: examined as any existing file.
        if !created { try prepareSQLiteFile(path, creating: false) }
    }

    /// Refuses a regular file that is neither empty nor begins with SQLite's header.
    private static func checkHeader(_ path: String, size: Int) throws {
        guard size > 0 else { return }
        var header = [UInt8](repeating: 0, count: sqliteHeader.count)
        do throws(FileError) {
            let file = try RawFile(path: path)
            defer { file.close() }
            let read = try file.read(into: &header)
            header.removeSubrange(read...)
        } catch {
            throw StoreError(.unusableFile, "\(path): the database file cannot be read\(reason(error))", cause: error)
        }
        guard header == sqliteHeader else {
            throw StoreError(
                .unusableFile,
                "\(path) is not a SQLite database (it does not begin with SQLite's header): name the national database, or a new file"
            )
        }
    }

    /// `: the system's reason`, or nothing.
    private static func reason(_ error: FileError) -> String {
        error.reason.map { ": " + $0 } ?? ""
    }
}
