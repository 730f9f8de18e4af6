import Foundation
import SQLKit
import Testing
import VigilCore

@testable import VigilStore

/// The tally of an organisation's fixed tickets kept beside its stored score (``FixedTally``, migration 11): its text
/// reads back as written, damaged text is refused as corrupt, and a store without a tally — written before the
/// migration, or with the column emptied — gets one counted from its tickets.
@Suite("the kept tally of fixed tickets")
struct FixedTallyTests {
    @Test("the text reads back as the tally written, whatever the order the groups were counted in")
    func roundTrip() throws {
        let keys: [(FixedTally.Key, Int)] = [
            (.init(severity: .high, exploited: false, taken: 604_800), 3),
            (.init(severity: .critical, exploited: true, taken: 0), 1),
            (.init(severity: .low, exploited: false, taken: -60), 2),
            (.init(severity: .high, exploited: false, taken: 604_800), 1),
        ]
        var tally = FixedTally()
        for (key, count) in keys { tally.add(key, count: count) }
        var reversed = FixedTally()
        for (key, count) in keys.reversed() { reversed.add(key, count: count) }
        #expect(tally.encoded == reversed.encoded)
        #expect(tally.encoded.split(separator: " ").sorted() == ["cx0*1", "hn604800*4", "ln-60*2", "v1"])
        #expect(try FixedTally(encoded: tally.encoded) == tally)
        #expect(try FixedTally(encoded: "v1") == FixedTally())
        let critical = FixedTally.Key(severity: .critical, exploited: true, taken: 0)
        let removed = tally.remove(critical)
        let removedAgain = tally.remove(critical)
        #expect(removed && !removedAgain, "one to take away, then none")
        #expect(tally.groups.map(\.count).reduce(0, +) == 6)
    }

    @Test(
        "damaged text is corrupt, never a crash",
        arguments: [
            "", "v2 hn1*1", "v1 hn1", "v1 qn1*1", "v1 hy1*1", "v1 hn*1", "v1 hn1*0", "v1 hn1*-1",
            "v1 hn99999999999999999999*1", "v1 hn1*99999999999999999999", "v1 hn1*1 hn1*2", "v1 hn1*1099511627777",
        ])
    func damaged(_ text: String) {
        #expect(throws: StoreError.self) { try FixedTally(encoded: text) }
    }

    @Test("migration 11 counts every organisation's fixed tickets, and ingest counts a missing tally again")
    func backfill() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for (week, missing) in [["a", "b", "c"], ["a"], ["a", "b"], []].enumerated() {
                _ = try await store.ingest(
                    Scenario.week(week, missing: missing, inventoried: ["a", "b", "c"]),
                    organisation: organisation.id, receivedAt: Scenario.start)
            }
            func kept() async throws -> FixedTally? {
                try await store.transaction { database in
                    try await database.raw(
                        "SELECT fixed_groups FROM org_scores WHERE organisation_id = \(bind: organisation.id)"
                    ).first()?.decode(column: "fixed_groups", as: String?.self).map(FixedTally.init(encoded:))
                }
            }
            let counted = try await store.transaction { database in
                try await SQLNationalStore.fixedTally(organisation: organisation.id, on: database)
            }
            #expect(counted.groups.map(\.count).reduce(0, +) == 3, "a, b (fixed, reopened, fixed again) and c")
            #expect(try await kept() == counted)
            // Migration 11 undone: no column, no record of it.
            try await store.transaction { database in
                for statement: SQLQueryString in [
                    "ALTER TABLE org_scores DROP COLUMN fixed_groups",
                    "DELETE FROM vigil_migrations WHERE version = 11",
                ] {
                    try await database.raw(statement).run()
                }
            }
            try await store.migrate()
            #expect(try await kept() == counted)
            // A tally emptied is counted again by the next submission, which then moves it.
            try await store.transaction { database in
                try await database.raw("UPDATE org_scores SET fixed_groups = NULL").run()
            }
            _ = try await store.ingest(
                Scenario.week(4, missing: ["c"], inventoried: ["a", "b", "c"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            let after = try await store.transaction { database in
                try await SQLNationalStore.fixedTally(organisation: organisation.id, on: database)
            }
            #expect(after.groups.map(\.count).reduce(0, +) == 2, "c reopened within the window: it left the fixed")
            #expect(try await kept() == after)
        }
    }

    @Test(
        "a damaged tally is counted again at the next submission rather than refusing it", arguments: Backend.available)
    func damagedTallyRecounted(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for (week, missing) in [["a", "b"], ["a"]].enumerated() {
                _ = try await store.ingest(
                    Scenario.week(week, missing: missing, inventoried: ["a", "b"]), organisation: organisation.id,
                    receivedAt: Scenario.start)
            }
            try await store.transaction { database in
                try await database.raw(
                    "UPDATE org_scores SET fixed_groups = 'v1 not*a*tally' WHERE organisation_id = \(bind: organisation.id)"
                ).run()
            }
            let receipt = try await store.ingest(
                Scenario.week(2, missing: ["a"], inventoried: ["a", "b"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.applied)
            let (kept, counted) = try await store.transaction { database in
                (
                    try await database.raw(
                        "SELECT fixed_groups FROM org_scores WHERE organisation_id = \(bind: organisation.id)"
                    ).first()?.decode(column: "fixed_groups", as: String?.self).map(FixedTally.init(encoded:)),
                    try await SQLNationalStore.fixedTally(organisation: organisation.id, on: database)
                )
            }
            #expect(kept == counted)
            #expect(counted.groups.map(\.count).reduce(0, +) == 1, "b, fixed in week 1")
        }
    }

    @Test(
        "a stored fixed count so large that moving it overflows is counted again, never a crash",
        arguments: Backend.available)
    func fixedCountOverflow(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            try await store.transaction { database in
                try await database.raw(
                    "UPDATE org_daily SET fixed = \(bind: Int64.max) WHERE organisation_id = \(bind: organisation.id)"
                ).run()
            }
            let receipt = try await store.ingest(
                Scenario.week(1, missing: ["a"], inventoried: ["a", "b"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.fixed == 1)
            let latest = try await store.transaction { database in
                try await database.raw(
                    """
                    SELECT fixed FROM org_daily WHERE organisation_id = \(bind: organisation.id)
                    ORDER BY day DESC LIMIT 1
                    """
                ).first()?.decode(column: "fixed", as: Int64.self)
            }
            #expect(latest == 1, "b, fixed in week 1, counted from the tickets")
        }
    }
}
