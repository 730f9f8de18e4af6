import Foundation
import SQLKit
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// Issue 16's accuracy section: generated submission histories — partial, identical and reordered deliveries and
/// recurrences — are played into the store, and every ticket's final state is compared with a model of the rules
/// written here independently of the store's planner.
@Suite("generated submission histories")
struct GeneratedHistoryTests {
    /// SplitMix64: a small generator with a seed, so every history can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// What the rules say one host's ticket should be.
    struct Expected: Equatable, CustomStringConvertible {
        var state: Ticket.State
        var fixedWeek: Int?
        var reopenCount: Int
        var description: String { "\(state) reopened \(reopenCount)" }
    }

    static let hosts = (0..<8).map { "host-\($0)" }

    /// Deliveries: (week, missing, inventoried) in the order they reach the service.
    static func history(seed: UInt64) -> [(week: Int, missing: [String], inventoried: [String]?)] {
        var random = Generator(state: seed)
        var weeks: [(week: Int, missing: [String], inventoried: [String]?)] = []
        var week = 0
        for _ in 0..<24 {
            // Sometimes weekly, sometimes after a long gap (so that a recurrence may fall past 90 days).
            week += Int.random(in: 0..<10, using: &random) == 0 ? 15 : 1
            let roll = Int.random(in: 0..<10, using: &random)
            let inventoried: [String]? =
                roll == 0 ? nil : roll < 4 ? hosts.filter { _ in Bool.random(using: &random) } : hosts
            let missing = (inventoried ?? []).filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
            weeks.append((week, missing, inventoried))
        }
        var deliveries: [(week: Int, missing: [String], inventoried: [String]?)] = []
        for entry in weeks {
            deliveries.append(entry)
            switch Int.random(in: 0..<8, using: &random) {
            case 0: deliveries.append(entry)  // the identical document again
            case 1 where deliveries.count >= 2: deliveries.swapAt(deliveries.count - 1, deliveries.count - 2)  // late
            default: break
            }
        }
        return deliveries
    }

    /// The rules of docs/decisions/0001-national-service.md in their plainest form, per host.
    static func expected(for deliveries: [(week: Int, missing: [String], inventoried: [String]?)]) -> [String: Expected]
    {
        var model: [String: Expected] = [:]
        var newest = Int.min
        var seen = Set<String>()
        for delivery in deliveries {
            let identity = "\(delivery.week)|\(delivery.missing)|\(String(describing: delivery.inventoried))"
            guard seen.insert(identity).inserted else { continue }  // duplicate: nothing changes
            guard delivery.week >= newest else { continue }  // late: kept, not applied
            newest = delivery.week
            for host in hosts {
                let current = model[host]
                if delivery.missing.contains(host) {
                    if let current, current.state == .fixed, let fixed = current.fixedWeek {
                        model[host] =
                            (delivery.week - fixed) * 7 <= 90
                            ? Expected(state: .open, fixedWeek: nil, reopenCount: current.reopenCount + 1)
                            : Expected(state: .open, fixedWeek: nil, reopenCount: 0)
                    } else if let current {
                        model[host] = Expected(state: .open, fixedWeek: nil, reopenCount: current.reopenCount)
                    } else {
                        model[host] = Expected(state: .open, fixedWeek: nil, reopenCount: 0)
                    }
                } else if let current, current.state != .fixed, let inventoried = delivery.inventoried {
                    if inventoried.contains(host) {
                        model[host] = Expected(
                            state: .fixed, fixedWeek: delivery.week, reopenCount: current.reopenCount)
                    } else {
                        model[host] = Expected(state: .unverified, fixedWeek: nil, reopenCount: current.reopenCount)
                    }
                }
            }
        }
        return model
    }

    static let cases: [(Backend, UInt64)] = Backend.available.flatMap { backend in
        [1, 2, 3, 4, 5, 6].map { (backend, UInt64($0)) }
    }

    @Test("every ticket ends where the rules say", arguments: cases)
    func replay(_ backend: Backend, seed: UInt64) async throws {
        let deliveries = Self.history(seed: seed)
        let expected = Self.expected(for: deliveries)
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            for delivery in deliveries {
                _ = try await store.ingest(
                    Scenario.week(delivery.week, missing: delivery.missing, inventoried: delivery.inventoried),
                    organisation: organisation.id, receivedAt: Scenario.start)
            }
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(tickets.count == expected.count)
            for host in Self.hosts {
                let ticket = tickets.first { $0.subject == Scenario.host(host) }
                let actual = ticket.map {
                    Expected(
                        state: $0.state,
                        fixedWeek: $0.fixedAt.map {
                            Int(($0.timeIntervalSince(Scenario.start) / (7 * 86_400)).rounded())
                        }, reopenCount: $0.reopenCount)
                }
                #expect(actual == expected[host], "\(host), seed \(seed)")
            }
            #expect(
                try await Self.unmatchedReferences(in: store, organisation: organisation.id) == [:], "seed \(seed)")
        }
    }

    @Test(
        "the check of references finds a row that references nothing (PostgreSQL, which no longer refuses it)",
        arguments: Backend.available.filter { $0 != .sqlite })
    func referenceCheckFindsOrphans(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let receipt = try await store.ingest(
                Scenario.week(0, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(try await Self.unmatchedReferences(in: store, organisation: organisation.id) == [:])
            try await store.transaction { database in
                try await database.raw(
                    """
                    INSERT INTO ticket_events (ticket_id, kind, at, submission_id)
                    VALUES (-1, 'opened', 0, \(bind: receipt.submission))
                    """
                ).run()
            }
            #expect(
                try await Self.unmatchedReferences(in: store, organisation: organisation.id)
                    == ["ticket_events.ticket_id": 1])
        }
    }

    /// References of one organisation's rows that have no foreign key on PostgreSQL (migration 12) and find no row,
    /// by column: none, ever. (The PostgreSQL suite shares one database, so each check keeps to the organisation's
    /// own rows: its tickets and submissions, and what names one of them.)
    static func unmatchedReferences(in store: SQLNationalStore, organisation: Int64) async throws -> [String: Int64] {
        let ofTickets = "SELECT id FROM tickets WHERE organisation_id = \(organisation)"
        let ofSubmissions = "SELECT id FROM submissions WHERE organisation_id = \(organisation)"
        let references = [
            ("ticket_events.ticket_id", "ticket_events", "ticket_id", "tickets", "submission_id", ofSubmissions),
            ("ticket_events.submission_id", "ticket_events", "submission_id", "submissions", "ticket_id", ofTickets),
            ("tickets.opened_submission", "tickets", "opened_submission", "submissions", "id", ofTickets),
            ("tickets.last_submission", "tickets", "last_submission", "submissions", "id", ofTickets),
            (
                "ticket_sightings.ticket_id", "ticket_sightings", "ticket_id", "tickets", "last_submission",
                ofSubmissions
            ),
            (
                "ticket_sightings.last_submission", "ticket_sightings", "last_submission", "submissions", "ticket_id",
                ofTickets
            ),
            ("alert_matches.ticket_id", "alert_matches", "ticket_id", "tickets", "organisation_id", "\(organisation)"),
            (
                "alert_matches.resolved_submission", "alert_matches", "resolved_submission", "submissions",
                "organisation_id", "\(organisation)"
            ),
        ]
        return try await store.transaction { database in
            var unmatched: [String: Int64] = [:]
            for (name, table, column, target, scope, scoped) in references {
                let row = try await database.raw(
                    """
                    SELECT COUNT(*) AS n FROM \(unsafeRaw: table) r LEFT JOIN \(unsafeRaw: target) t
                    ON t.id = r.\(unsafeRaw: column)
                    WHERE t.id IS NULL AND r.\(unsafeRaw: column) IS NOT NULL AND r.\(unsafeRaw: scope) IN (\(unsafeRaw: scoped))
                    """
                ).first()
                let count = try row?.decode(column: "n", as: Int64.self) ?? 0
                if count > 0 { unmatched[name] = count }
            }
            return unmatched
        }
    }
}
