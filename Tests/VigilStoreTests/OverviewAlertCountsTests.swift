import Foundation
import Testing
import VigilCore
import VigilNationalDemo
import VigilStore

/// The overview counts every organisation's alert statuses and lists the escalated ones without building a status
/// for each (it reads their stored facts and their alerts' clocks): its numbers must be the statuses' own, as the
/// alert pages read them, at every clock — one truth per number.
@Suite("the overview's alert counts and escalations are the statuses' own")
struct OverviewAlertCountsTests {
    static let day: TimeInterval = 86_400

    @Test(
        "compliance per organisation and the escalation list, at clocks from issue to long past every deadline",
        arguments: Backend.available)
    func countsMatchStatuses(backend: Backend) async throws {
        let history = NationalDemoHistory(latest: NationalDemoHistoryTests.latest(), weeks: 12, seed: 5)
        try await backend.withStore { store in
            let loaded = try await history.load(into: store)
            let demoAlert = try #require(loaded.alert)
            let (second, third) = (loaded.organisations[1].id, loaded.organisations[2].id)
            // Besides the demo's alert (closed for one organisation by evidence): one with a date, acknowledged by
            // one organisation; one on a rule nobody shows, declared not applicable by another.
            let dated = try await store.issueAlert(
                NewAlert(
                    title: "Reset guessable passwords", severity: .high, rules: [.guessablePassword],
                    issuedAt: demoAlert.issuedAt.addingTimeInterval(Self.day),
                    remediateBy: demoAlert.issuedAt.addingTimeInterval(10 * Self.day)))
            _ = try await store.acknowledgeAlert(dated.id, organisation: second, at: dated.issuedAt)
            let unmatched = try await store.issueAlert(
                NewAlert(
                    title: "Disable SMBv1", severity: .critical, rules: [.staleAccount],
                    issuedAt: demoAlert.issuedAt.addingTimeInterval(2 * Self.day)))
            _ = try await store.declareAlertNotApplicable(
                unmatched.id, organisation: third, reason: "no such accounts", at: unmatched.issuedAt)

            var levels = Set<Int>()
            for days in [0.0, 1, 2.5, 5, 12, 20, 45, 90] {
                let now = demoAlert.issuedAt.addingTimeInterval(days * Self.day)
                // Per organisation, on every backend: on a PostgreSQL database other tests share, alerts they issue
                // reach these organisations too, so a comparison counts only when the statuses read before and
                // after the overview agree.
                for organisation in loaded.organisations {
                    let levelsSeen = try await Self.compare(
                        store, scope: .organisation(organisation.id), organisations: [organisation.id], at: now,
                        "\(organisation.code) at \(days) days")
                    levels.formUnion(levelsSeen)
                }
                // The whole nation, with the order across organisations, where the database is this test's alone.
                if backend == .sqlite {
                    _ = try await Self.compare(
                        store, scope: .nation, organisations: loaded.organisations.map(\.id), at: now,
                        "nation at \(days) days")
                }
            }
            // The clocks tried reach every level and both kinds of listed status.
            #expect(levels.isSuperset(of: [0, 1, 2, 3]), "\(levels)")
        }
    }

    /// Compares the overview of `scope` (whose organisations are `organisations`, in path order) at `now` with the
    /// statuses the alert pages read, once the statuses read before and after it agree; returns the escalation levels
    /// listed.
    static func compare(
        _ store: SQLNationalStore, scope: Scope, organisations: [Int64], at now: Date, _ label: String
    ) async throws -> Set<Int> {
        for _ in 0..<10 {
            let before = try await statuses(store, organisations, at: now)
            let summaries = try await store.summaries(scope: scope, at: now)
            let listed = try await store.escalations(scope: scope, at: now)
            let page = try await store.overview(scope: scope, at: now, listing: 1)
            guard try await statuses(store, organisations, at: now) == before else { continue }
            #expect(summaries.map(\.organisation.id) == organisations, "\(label)")
            for (summary, own) in zip(summaries, before) {
                #expect(summary.alerts == AlertCompliance(statuses: own), "\(label)")
            }
            let expected = escalated(before)
            #expect(listed == expected, "\(label)")
            // A page listing the first of each kind lists exactly those, and counts all.
            let missed = expected.filter { $0.state != .notApplicable }
            let declared = expected.filter { $0.state == .notApplicable }
            #expect(page.escalatedCount == missed.count && page.declaredCount == declared.count, "\(label)")
            #expect(page.escalations == Array(missed.prefix(1)) + Array(declared.prefix(1)), "\(label)")
            return Set(listed.map(\.escalationLevel))
        }
        Issue.record("\(label): the statuses kept changing under the comparison")
        return []
    }

    /// Each organisation's statuses as the alert pages read them.
    static func statuses(_ store: SQLNationalStore, _ organisations: [Int64], at now: Date) async throws
        -> [[AlertStatus]]
    {
        var statuses: [[AlertStatus]] = []
        for organisation in organisations {
            statuses.append(try await store.alertStatuses(organisation: organisation, at: now))
        }
        return statuses
    }

    /// The escalation list worked out from whole statuses, as the overview's documentation states it: not closed,
    /// escalated or declared not applicable; most escalated first, then newest alert, then organisation in path
    /// order (the order `statuses` comes in).
    static func escalated(_ statuses: [[AlertStatus]]) -> [AlertStatus] {
        struct Listed {
            var position: Int
            var status: AlertStatus
        }
        var listed: [Listed] = []
        for (position, own) in statuses.enumerated() {
            for status in own where status.state != .closed {
                if status.escalation != .none || status.state == .notApplicable {
                    listed.append(Listed(position: position, status: status))
                }
            }
        }
        listed.sort { a, b in
            if a.status.escalationLevel != b.status.escalationLevel {
                return a.status.escalationLevel > b.status.escalationLevel
            }
            if a.status.alert.id != b.status.alert.id { return a.status.alert.id > b.status.alert.id }
            return a.position < b.position
        }
        return listed.map(\.status)
    }
}
