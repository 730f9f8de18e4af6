import Foundation
import SQLKit
import Testing
import VigilCore

@testable import VigilStore

/// Ingest reads the live tickets and only the fixed ones a finding names
/// (``SQLNationalStore/currentTickets(organisation:for:on:)``): what it decides must be what reading every current
/// ticket would decide, also on a database written before a finding repeated in one submission was taken as one,
/// which could hold a live and a fixed current ticket of one key. A ticket seen again moves its sighting, kept in a
/// row of its own (migration 10), and its own row only when something else about it changed.
@Suite("ingest's reads of current tickets")
struct IngestReadsTests {
    @Test(
        "a fixed twin of a live ticket is neither reopened nor superseded: the live one is seen",
        arguments: Backend.available)
    func fixedTwin(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            let live = try #require(try await store.tickets(organisation: organisation.id).first)
            // The twin an older Vigil could leave: the same rule and subject, current, fixed a week ago.
            try await store.transaction { database in
                try await database.raw(
                    """
                    INSERT INTO tickets (organisation_id, rule, subject, kind, area, severity, state, is_current,
                    opened_at, last_seen_at, fixed_at, reopen_count, opened_submission, last_submission, advisories)
                    SELECT organisation_id, rule, subject, kind, area, severity, 'fixed', 1, opened_at, last_seen_at,
                    opened_at, 0, opened_submission, last_submission, advisories FROM tickets WHERE id = \(bind: live.id)
                    """
                ).run()
                try await database.raw(
                    """
                    INSERT INTO ticket_sightings (ticket_id, last_seen_at, last_submission)
                    SELECT MAX(id), MIN(last_seen_at), MIN(last_submission) FROM tickets
                    WHERE organisation_id = \(bind: organisation.id)
                    """
                ).run()
            }
            let receipt = try await store.ingest(
                Scenario.week(1, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.opened == 0 && receipt.reopened == 0 && receipt.fixed == 0)
            let tickets = try await store.tickets(organisation: organisation.id)
            let seen = try #require(tickets.first { $0.id == live.id })
            #expect(seen.state == .open && seen.lastSeenAt == Scenario.week(1, missing: [], inventoried: []).assessedAt)
            #expect(tickets.count == 2 && tickets.filter { $0.id != live.id }.allSatisfy { $0.state == .fixed })
        }
    }

    @Test(
        "a ticket seen again moves its sighting and leaves its own row; a changed severity rewrites the row",
        arguments: Backend.available)
    func sighting(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for week in 0...2 {
                _ = try await store.ingest(
                    Scenario.week(week, missing: ["a", "b"], inventoried: ["a", "b"]), organisation: organisation.id,
                    receivedAt: Scenario.start)
            }
            var changed = Scenario.week(3, missing: ["a", "b"], inventoried: ["a", "b"])
            changed.findings = changed.findings.map {
                var finding = $0
                if finding.subject == Scenario.host("b") { finding.severity = .critical }
                return finding
            }
            _ = try await store.ingest(changed, organisation: organisation.id, receivedAt: Scenario.start)
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(tickets.count == 2)
            #expect(tickets.allSatisfy { $0.state == .open && $0.lastSeenAt == changed.assessedAt })
            #expect(tickets.first { $0.subject == Scenario.host("b") }?.severity == .critical)
            // The ticket's own row keeps what it was opened with: nothing rewrote it for a sighting.
            let ownSeen = try await store.transaction { database in
                try await database.raw(
                    "SELECT last_seen_at FROM tickets WHERE organisation_id = \(bind: organisation.id)"
                ).all().map { try $0.decode(column: "last_seen_at", as: Int64.self) }
            }
            let opened = SQLNationalStore.seconds(Scenario.start)
            #expect(ownSeen == [opened, opened])
        }
    }

    /// On SQLite only: undoing a migration on the suite's shared PostgreSQL database would pull the table from under
    /// the tests running beside it (the statements are the same on both).
    @Test("migration 10 moves every ticket's sighting into a row of its own")
    func sightingsMigration() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let weeks = [["a", "b", "c"], ["a", "c"], ["a"], ["a", "b"]]
            for (week, missing) in weeks.enumerated() {
                _ = try await store.ingest(
                    Scenario.week(week, missing: missing, inventoried: ["a", "b", "c"]),
                    organisation: organisation.id, receivedAt: Scenario.start)
            }
            let before = try await store.tickets(organisation: organisation.id)
            // a seen every week, b reopened in week 3, c last seen in week 1 and fixed in week 2.
            let seen = { (week: Int) in Scenario.week(week, missing: [], inventoried: []).assessedAt }
            #expect(before.map(\.lastSeenAt).sorted() == [seen(1), seen(3), seen(3)])
            // Migration 10 undone: the sightings back on the tickets' own rows, their table gone.
            try await store.transaction { database in
                for statement: SQLQueryString in [
                    """
                    UPDATE tickets SET
                    last_seen_at = (SELECT s.last_seen_at FROM ticket_sightings s WHERE s.ticket_id = tickets.id),
                    last_submission = (SELECT s.last_submission FROM ticket_sightings s WHERE s.ticket_id = tickets.id)
                    WHERE organisation_id = \(bind: organisation.id)
                    """,
                    "DROP TABLE ticket_sightings", "DELETE FROM vigil_migrations WHERE version = 10",
                ] {
                    try await database.raw(statement).run()
                }
            }
            try await store.migrate()
            #expect(try await store.appliedMigrations().last == SQLNationalStore.migrations.last?.version)
            #expect(try await store.tickets(organisation: organisation.id) == before)
        }
    }

    @Test(
        "a ticket without a sighting row (written by a server older than migration 10) is read with its own last seen",
        arguments: Backend.available)
    func withoutSighting(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            let ticket = try #require(try await store.tickets(organisation: organisation.id).first)
            try await store.transaction { database in
                try await database.raw("DELETE FROM ticket_sightings WHERE ticket_id = \(bind: ticket.id)").run()
            }
            #expect(try await store.tickets(organisation: organisation.id) == [ticket])
            // Seen again, it is the same ticket: not a second one opened beside it.
            let receipt = try await store.ingest(
                Scenario.week(1, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.opened == 0)
            #expect(try await store.tickets(organisation: organisation.id).map(\.id) == [ticket.id])
        }
    }
}
