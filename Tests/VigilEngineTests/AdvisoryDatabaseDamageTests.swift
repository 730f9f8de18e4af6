import Foundation
import GRDB
import Testing
import VigilCore
import VigilEngine
import VigilTestSupport

/// An advisory database is a file like any other input: an edited or damaged one is refused with a message, never
/// decoded by force (GRDB's typed subscripts stop the process on a NULL or a wrong type, printing the row).
@Suite("Damaged advisory database")
struct AdvisoryDatabaseDamageTests {
    @Test(
        "a NULL or a wrong type in a stored advisory or fix is an error naming the database, not a crash",
        arguments: [
            "UPDATE advisory SET title = NULL", "UPDATE advisory SET cves = NULL", "UPDATE fix SET product = NULL",
            "UPDATE advisory SET published = 'soon'", "UPDATE fix SET advisory = 'x'",
        ])
    func damaged(damage: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.url.appendingPathComponent("advisories.db").path
        let database = try AdvisoryDatabase(path: path, create: true)
        try CompiledAdvisoriesTests.importSample(into: database)
        #expect(try !database.advisories().isEmpty)
        // The NOT NULL constraints edited out of the schema, as an edited copy could be, then the damage planted.
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let editor = try DatabaseQueue(path: path, configuration: configuration)
        try editor.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table'")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
        try editor.close()
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            let table = damage.split(separator: " ")[1]
            try db.execute(sql: damage + " WHERE rowid = (SELECT min(rowid) FROM \(table))")
            #expect(db.changesCount == 1)
        }
        try queue.close()
        let reopened = try AdvisoryDatabase(path: path)
        #expect(throws: AdvisoryDatabaseError.self) { _ = try reopened.advisories() }
    }
}
