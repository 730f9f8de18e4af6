import Foundation
import Testing

@testable import VigilStore

/// The national database holds every organisation's open vulnerabilities, analysts' password hashes and the audit
/// log: a SQLite file is owner-only from its creation, and so are the journal files SQLite makes beside it.
@Suite("National database file permissions")
struct DatabaseFileModeTests {
    /// A new empty folder of its own.
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a SQLite database the store creates is 0600, its write-ahead log and shared memory too")
    func ownerOnly() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "national.sqlite").path
        // Under the umask most systems start with (022, as in CI) SQLite would make it readable by every local user;
        // the umask is not changed here, as it is the whole test process's.
        let store = try SQLNationalStore(address: path, policy: Backend.testPolicy)
        // Read while the store runs: SQLite removes its journal files when the last connection closes.
        let modes = try await store.withRunning {
            try await store.migrate()
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
                let attributes = try FileManager.default.attributesOfItem(atPath: folder.appending(path: name).path)
                return "\(name) \(String((attributes[.posixPermissions] as? Int) ?? 0, radix: 8))"
            }
        }
        #expect(modes == ["national.sqlite 600", "national.sqlite-shm 600", "national.sqlite-wal 600"])
    }

    @Test("a database an earlier version left readable by others is made owner-only when opened")
    func existingMadeOwnerOnly() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "national.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o644)
        let store = try SQLNationalStore(address: path, policy: Backend.testPolicy)
        try await store.withRunning { try await store.migrate() }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("a folder, or a file that is not SQLite, is refused naming the path, and its mode is left as it was")
    func notADatabaseLeftAlone() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inner = folder.appending(path: "d").path
        try FileManager.default.createDirectory(atPath: inner, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: inner)
        let other = folder.appending(path: "notes.txt").path
        #expect(FileManager.default.createFile(atPath: other, contents: Data("SQLite format 2 and more".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: other)
        for (path, mode) in [(inner, 0o755), (other, 0o644)] {
            #expect {
                _ = try SQLNationalStore(address: path, policy: Backend.testPolicy)
            } throws: { error in
                let error = error as? StoreError
                return error?.code == .unusableFile && error?.message.contains(path) == true
            }
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == mode)
        }
    }

    @Test("a missing database is made only when creating; otherwise refused, and nothing is left behind")
    func missingOnlyWhenCreating() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appending(path: "national.sqlite").path
        #expect {
            _ = try SQLNationalStore(address: path, creating: false, policy: Backend.testPolicy)
        } throws: { error in
            (error as? StoreError)?.code == .missingDatabase
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try SQLNationalStore(address: path, creating: true, policy: Backend.testPolicy)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        // Once there (empty, as SQLite has yet to write it), reading it is fine.
        _ = try SQLNationalStore(address: path, creating: false, policy: Backend.testPolicy)
    }
}
