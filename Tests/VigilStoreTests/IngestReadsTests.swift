import Foundation
import SQLKit
import Testing
import VigilCore

@testable import VigilStore

/// Ingest reads the live tickets and only the fixed ones a finding names (``SQLNationalStore/currentTickets``): what
/// it decides must be what reading every current ticket would decide, also on a database written before a finding
/// repeated in one submission was taken as one, which could hold a live and a fixed current ticket of one key.
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
            }
            let receipt = try await store.ingest(
                Scenario.week(1, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.opened == 0 && receipt.reopened == 0 && receipt.fixed == 0)
            let tickets = try await store.tickets(organisation: organisation.id)
            let seen = try #require(tickets.first { $0.id == live.id })
            #expect(seen.state == .open && seen.lastSeenAt == Scenario.week(1, missing: [], inventoried: []).assessedAt)
            #expect(tickets.filter { $0.id != live.id }.allSatisfy { $0.state == .fixed })
        }
    }
}
