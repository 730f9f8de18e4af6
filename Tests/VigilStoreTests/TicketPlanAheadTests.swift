import Foundation
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// On SQLite ingest plans a submission's ticket changes before it takes the only writer
/// (``SQLNationalStore/planAhead(_:organisation:)``) and the transaction uses the plan only if the organisation's
/// revision has not moved since (``SQLNationalStore/TicketPlan/holds(at:)``). A plan overtaken by another submission
/// or by an exception's expiry must be made again inside the transaction: the tickets must end as if it never existed.
@Suite("ingest's ticket plan made ahead of the write lock")
struct TicketPlanAheadTests {
    /// Three weeks of one host's missing update: opened, fixed (the host inventoried without it), seen again.
    static let weeks = [
        Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b"]),
        Scenario.week(1, missing: ["b"], inventoried: ["a", "b"]),
        Scenario.week(2, missing: ["a", "b", "c"], inventoried: ["a", "b", "c"]),
    ]

    @Test("a plan read before another submission landed is not used: the tickets are the ones of no plan at all")
    func overtakenPlan() async throws {
        let expected = try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for week in Self.weeks {
                _ = try await store.ingest(week, organisation: organisation.id, receivedAt: Scenario.start)
            }
            return Self.outcome(try await store.tickets(organisation: organisation.id))
        }
        let (stale, outcome) = try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(Self.weeks[0], organisation: organisation.id, receivedAt: Scenario.start)
            // Week 2 planned against week 0's tickets, then week 1 lands: week 1 fixed host a, so week 2 reopens it,
            // where the stale plan would only see it again.
            let third = Self.weeks[2].normalised
            let ahead = try #require(await store.planAhead(third, organisation: organisation.id))
            _ = try await store.ingest(Self.weeks[1], organisation: organisation.id, receivedAt: Scenario.start)
            let receipt = try await store.ingest(
                normalised: third, organisation: organisation.id, receivedAt: Scenario.start, origin: nil,
                ahead: ahead)
            #expect(receipt.reopened == 1 && receipt.opened == 1)
            return (ahead, Self.outcome(try await store.tickets(organisation: organisation.id)))
        }
        #expect(stale.changes.contains { if case .seen = $0 { true } else { false } })
        #expect(outcome == expected)
    }

    @Test("a plan that still holds is the one the transaction would make")
    func heldPlan() async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for week in Self.weeks.prefix(2) {
                _ = try await store.ingest(week, organisation: organisation.id, receivedAt: Scenario.start)
            }
            let third = Self.weeks[2].normalised
            let ahead = try #require(await store.planAhead(third, organisation: organisation.id))
            let inside = try await store.transaction { database in
                let opening = try await store.opening(
                    organisation: organisation.id, digest: try third.digest(), at: 0, on: database)
                #expect(ahead.holds(at: opening))
                return try await SQLNationalStore.planTickets(
                    third, organisation: organisation.id, retiredThrough: opening.retiredTickets, on: database)
            }
            #expect(ahead.changes == inside.changes)
            #expect(ahead.stored.keys.sorted() == inside.stored.keys.sorted())
        }
    }

    @Test("a plan is not used once the revision moved or an exception is due")
    func holds() throws {
        let plan = SQLNationalStore.TicketPlan(changes: [], stored: [:], revision: 7)
        let opening = SQLNationalStore.Opening(
            revision: 7, receipt: nil, latestEvidence: nil, dueExceptions: 0,
            kept: try SQLNationalStore.KeptCounts(row: nil), alerts: AlertCache.Version(count: 0, latest: nil),
            keyFingerprint: nil, retiredTickets: 0)
        #expect(plan.holds(at: opening))
        var moved = opening
        moved.revision = 8
        #expect(!plan.holds(at: moved))
        var due = opening
        due.dueExceptions = 1
        #expect(!plan.holds(at: due))
        #expect(!SQLNationalStore.TicketPlan(changes: [], stored: [:], revision: nil).holds(at: opening))
    }

    /// The tickets as rule, subject, state and reopenings, in a stable order.
    static func outcome(_ tickets: [Ticket]) -> [String] {
        tickets.map { "\($0.rule.rawValue) \($0.subject) \($0.state.rawValue) \($0.reopenCount)" }.sorted()
    }
}
