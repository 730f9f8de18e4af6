import Foundation
import SQLKit
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// The score the pages show comes from what the store keeps (`org_scores` now, a basis on each daily row), not from
/// reading every ticket (issue 16 item 7, docs/score.md "Cost"): checked against scores computed from the tickets
/// through the public API, and the migration that adds it checked on a database written before it.
@Suite("stored scores")
struct StoredScoreTests {
    /// Host a missing its update from week 0 on; host b too, until week 2 shows it fixed.
    static let weeks = [
        Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b", "c"]),
        Scenario.week(1, missing: ["a", "b"], inventoried: ["a", "b", "c"]),
        Scenario.week(2, missing: ["a"], inventoried: ["a", "b", "c"]),
        Scenario.week(6, missing: ["a"], inventoried: ["a", "b", "c"]),
    ]
    static func date(week: Double) -> Date { Scenario.start.addingTimeInterval(week * 7 * 86_400) }

    static func timings(_ tickets: [Ticket]) -> [OrganisationScore.Timing] {
        tickets.filter { $0.state != .excepted }.map {
            OrganisationScore.Timing(rule: $0.rule, severity: $0.severity, openedAt: $0.openedAt, fixedAt: $0.fixedAt)
        }
    }

    @Test("now: the tickets' score; a month ago: the tickets as that day ended", arguments: Backend.available)
    func nowAndMonthAgo(backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for week in Self.weeks {
                _ = try await store.ingest(week, organisation: organisation.id, receivedAt: Scenario.start)
            }
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(tickets.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.fixed, .open])
            // Six weeks and a day on: a month earlier is day 13, after week 1's evidence and before week 2's fix.
            let now = Self.date(week: 6).addingTimeInterval(86_400)
            let monthAgo = now.addingTimeInterval(-30 * 86_400)
            let summary = try #require(try await store.summaries(scope: .organisation(organisation.id), at: now).first)
            #expect(
                summary.score
                    == OrganisationScore(tickets: Self.timings(tickets), lastEvidence: Self.date(week: 6), at: now))
            let then = Self.timings(tickets).compactMap { $0.asOf(Self.date(week: 1)) }
            #expect(then.filter { $0.fixedAt == nil }.count == 2, "b was still open then")
            #expect(
                summary.monthAgo
                    == OrganisationScore(tickets: then, lastEvidence: Self.date(week: 1), at: monthAgo))
            #expect(summary.score.open[.high] == 1 && summary.monthAgo.open[.high] == 2)
            #expect(summary.openByRule == [.updateMissing: 1])
        }
    }

    @Test(
        "evidence dated after the viewing clock never makes an organisation fresh at it", arguments: Backend.available)
    func evidenceAhead(backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(Self.weeks[0], organisation: organisation.id, receivedAt: Scenario.start)
            _ = try await store.ingest(Self.weeks[3], organisation: organisation.id, receivedAt: Scenario.start)
            // Viewed the day before week 6's evidence: week 0's is the latest then (41 days old: stale).
            let between = Self.date(week: 6).addingTimeInterval(-86_400)
            let summary = try #require(
                try await store.summaries(scope: .organisation(organisation.id), at: between).first)
            #expect(summary.score.lastEvidence == Self.date(week: 0))
            #expect(summary.score.isStale && summary.score.value == nil)
            // Before any evidence: none at all.
            let before = try #require(
                try await store.summaries(
                    scope: .organisation(organisation.id), at: Scenario.start.addingTimeInterval(-1)
                )
                .first)
            #expect(before.score.lastEvidence == nil)
            // An hour after week 6's evidence: that evidence, fresh.
            let later = try #require(
                try await store.summaries(
                    scope: .organisation(organisation.id), at: Self.date(week: 6).addingTimeInterval(3_600)
                ).first)
            #expect(later.score.lastEvidence == Self.date(week: 6))
            #expect(later.score.value != nil)
        }
    }

    /// The scenario's weeks ingested and their summaries read as at the day after, then `statements` run (a migration
    /// undone, or what it wrote made otherwise) before `body` checks what migrating again does.
    static func afterUndoing(
        _ statements: [String],
        _ body: @Sendable (SQLNationalStore, _ kept: [OrganisationSummary], _ now: Date) async throws -> Void
    ) async throws {
        try await Backend.sqlite.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for week in Self.weeks {
                _ = try await store.ingest(week, organisation: organisation.id, receivedAt: Scenario.start)
            }
            let now = Self.date(week: 6).addingTimeInterval(86_400)
            let kept = try await store.summaries(scope: .nation, at: now)
            try await store.transaction { database in
                for statement in statements { try await database.raw(SQLQueryString(statement)).run() }
            }
            try await body(store, kept, now)
        }
    }

    @Test("migration 6 fills the stored scores of a database written before it, as ingest would have")
    func backfill() async throws {
        // Migration 6 undone: no stored scores at all.
        let undone = [
            "DROP TABLE org_scores", "ALTER TABLE org_daily DROP COLUMN score_basis",
            "ALTER TABLE org_daily DROP COLUMN last_evidence", "DELETE FROM vigil_migrations WHERE version = 6",
        ]
        try await Self.afterUndoing(undone) { store, kept, now in
            #expect(try await store.appliedMigrations() == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])
            try await store.migrate()
            #expect(try await store.appliedMigrations() == Array(1...17))
            let rebuilt = try await store.summaries(scope: .nation, at: now)
            #expect(rebuilt == kept)
            #expect(rebuilt.first?.monthAgo.value != nil, "the daily rows were filled too")
        }
    }

    @Test("migration 17 recounts stored scores made under other deadlines, the current one and each day's")
    func recountedDeadlines() async throws {
        // Bases counted otherwise (as under the former deadlines): every stored one made the first day's.
        let first = "(SELECT score_basis FROM org_daily ORDER BY day LIMIT 1)"
        let otherwise = [
            "UPDATE org_scores SET basis = \(first)", "UPDATE org_daily SET score_basis = \(first)",
            "DELETE FROM vigil_migrations WHERE version = 17",
        ]
        try await Self.afterUndoing(otherwise) { store, kept, now in
            #expect(try await store.summaries(scope: .nation, at: now) != kept, "the altered bases change what is read")
            try await store.migrate()
            #expect(try await store.appliedMigrations() == Array(1...17))
            #expect(try await store.summaries(scope: .nation, at: now) == kept)
        }
    }

    @Test("open findings by rule are kept as text that reads back, and damaged text is refused as corrupt")
    func openByRuleText() throws {
        let counts: [RuleID: Int] = [.updateMissing: 12, .guessablePassword: 1, .staleAccount: 0]
        #expect(try SQLNationalStore.openByRule(encoded: SQLNationalStore.encoded(counts)) == counts)
        #expect(try SQLNationalStore.openByRule(encoded: "") == [:])
        for damaged in ["=3", "VGL-X=", "VGL-X=x", "VGL-X=1=2", "VGL-X=99999999999999999999", "VGL-X=-1", "VGL-X"] {
            #expect(throws: StoreError.self, "\(damaged)") { try SQLNationalStore.openByRule(encoded: damaged) }
        }
    }
}
