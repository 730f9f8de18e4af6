import Foundation
import SQLKit
import Testing

@testable import VigilStore

/// Group commit on SQLite (``SQLiteCommitGroup``): a write that finishes while others wait for the writer leaves the
/// commit to the last of them. Each write must still return only once committed, a failing one must undo only
/// itself, and a write that loses the transaction must fail every write that was waiting on it.
@Suite("SQLite writes queued behind one another commit together")
struct SQLiteCommitGroupTests {
    struct Refused: Error {}

    @Test("one commit for writes queued behind a write; each returns committed; a failing one undoes only itself")
    func grouped() async throws {
        try await Backend.sqlite.withStore { store in
            try await Self.scratch(store)
            let commits = store.commitGroup.commits
            let names = (1...6).map { "write \($0)" }
            let holder = try await Self.holding(store, until: names.count)
            let results = await withTaskGroup(of: (String, Bool, Int).self) { group in
                for name in names {
                    group.addTask {
                        do {
                            try await store.transaction { database in
                                try await Self.insert(name, on: database)
                                if name == "write 3" { throw Refused() }
                            }
                            return (name, true, try await Self.count(name, in: store))
                        } catch is Refused {
                            // Answered only once the group committed: the first write's row is there by then.
                            let committed = (try? await Self.count("first", in: store)) ?? -1
                            return (name, false, (try? await Self.count(name, in: store)) == 0 ? committed : -3)
                        } catch {
                            return (name, false, -2)
                        }
                    }
                }
                var results: [(String, Bool, Int)] = []
                for await result in group { results.append(result) }
                return results
            }
            // The first write returned after the commit it left to the others: its row is there for a reader.
            #expect(try await holder.value == 1)
            #expect(store.commitGroup.commits - commits == 1)
            // Each succeeded with its row committed, but the third, which undid its own row and was answered after
            // the commit (the count there is the first write's row).
            for (name, succeeded, count) in results {
                #expect(succeeded == (name != "write 3"), "\(name)")
                #expect(count == 1, "\(name)")
            }
        }
    }

    @Test("a write that ends the transaction fails the writes waiting on its commit, and keeps none of them")
    func lostTogether() async throws {
        try await Backend.sqlite.withStore { store in
            try await Self.scratch(store)
            let holder = try await Self.holding(store, until: 2)
            let waiting = Task {
                try await store.transaction { database in try await Self.insert("waiting", on: database) }
                return 0
            }
            while store.sqliteGate.waiters < 1 { await Task.yield() }
            await #expect(throws: (any Error).self) {
                try await store.transaction { database in
                    try await Self.insert("ending", on: database)
                    try await database.raw("ROLLBACK").run()
                }
            }
            // The writes waiting on the commit are told theirs was undone, not the other write's error.
            for task in [holder, waiting] {
                let error = await #expect(throws: StoreError.self) { try await task.value }
                #expect(error?.code == .undone)
            }
            for name in ["first", "waiting", "ending"] {
                #expect(try await Self.count(name, in: store) == 0, "\(name)")
            }
            // The writer carries on.
            try await store.transaction { database in try await Self.insert("after", on: database) }
            #expect(try await Self.count("after", in: store) == 1)
        }
    }

    @Test("alerts a submission read in a group that was then lost are not kept, though the next alert takes its id")
    func lostAlertNotKept() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            // An alert of another CVE written in the group, seen by the submission queued behind it, then lost.
            let (inside, entered) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                try await store.transaction { database in
                    let issued = Self.seconds(AlertConformanceTests.issued)
                    try await database.raw(
                        """
                        INSERT INTO alerts (title, severity, issued_at, acknowledge_due, remediate_due,
                        remediation_days, known_exploited)
                        VALUES ('lost', 'high', \(bind: issued), \(bind: issued), \(bind: issued), NULL, 0)
                        """
                    ).run()
                    try await database.raw(
                        "INSERT INTO alert_links (alert_id, kind, value) SELECT MAX(id), 'cve', 'CVE-2000-0001' FROM alerts"
                    ).run()
                    entered.yield()
                    while store.sqliteGate.waiters < 2 { await Task.yield() }
                }
            }
            for await _ in inside { break }
            let submission = Task {
                try await store.ingest(
                    AlertConformanceTests.week(1, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                    receivedAt: Scenario.start)
            }
            while store.sqliteGate.waiters < 1 { await Task.yield() }
            await #expect(throws: (any Error).self) {
                try await store.transaction { database in try await database.raw("ROLLBACK").run() }
            }
            await #expect(throws: StoreError.self) { try await holder.value }
            await #expect(throws: StoreError.self) { try await submission.value }

            // The next alert is MS17-010, under the lost one's id and count: the submission must evaluate it.
            let alert = try await store.issueAlert(AlertConformanceTests.alert())
            // A new file: the lost alert was the first, and SQLite gives its id to this one.
            #expect(alert.id == 1)
            let next = AlertConformanceTests.week(2, missing: ["a"], inventoried: ["a"])
            _ = try await store.ingest(next, organisation: organisation.id, receivedAt: Scenario.start)
            let status = try await AlertConformanceTests.status(store, alert, organisation, at: next.assessedAt)
            #expect(status.applicability == .affected && status.openMatches == 1)
        }
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970) }

    /// A write that inserts `first` and finishes once `waiters` writes wait for the gate, then reads its row back
    /// from a reader: the task's value is that count.
    static func holding(_ store: SQLNationalStore, until waiters: Int) async throws -> Task<Int, any Error> {
        let (inside, entered) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            try await store.transaction { database in
                try await insert("first", on: database)
                entered.yield()
                while store.sqliteGate.waiters < waiters { await Task.yield() }
            }
            return try await count("first", in: store)
        }
        for await _ in inside { break }
        return task
    }

    static func scratch(_ store: SQLNationalStore) async throws {
        try await store.transaction { database in
            try await database.raw("CREATE TABLE scratch (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").run()
        }
    }

    static func insert(_ name: String, on database: any SQLDatabase) async throws {
        try await database.raw("INSERT INTO scratch (name) VALUES (\(bind: name))").run()
    }

    /// Rows named `name`, as a reader sees them: committed ones only.
    static func count(_ name: String, in store: SQLNationalStore) async throws -> Int {
        try await store.snapshot { database in
            let row = try await database.raw("SELECT COUNT(*) AS n FROM scratch WHERE name = \(bind: name)").first()
            return Int(try row?.decode(column: "n", as: Int64.self) ?? -1)
        }
    }
}
