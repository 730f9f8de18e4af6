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
                let summaries = try await store.summaries(scope: .nation, at: now)
                var statuses: [[AlertStatus]] = []
                for summary in summaries {
                    let own = try await store.alertStatuses(organisation: summary.organisation.id, at: now)
                    #expect(summary.alerts == AlertCompliance(statuses: own), "at \(days) days")
                    statuses.append(own)
                }
                let expected = Self.escalated(statuses)
                let listed = try await store.escalations(at: now)
                #expect(listed == expected, "at \(days) days")
                levels.formUnion(listed.map(\.escalationLevel))
                // A page listing the first of each kind lists exactly those, and counts all.
                let page = try await store.overview(scope: .nation, at: now, listing: 1)
                let missed = expected.filter { $0.state != .notApplicable }
                let declared = expected.filter { $0.state == .notApplicable }
                #expect(page.escalatedCount == missed.count && page.declaredCount == declared.count, "at \(days) days")
                #expect(page.escalations == Array(missed.prefix(1)) + Array(declared.prefix(1)), "at \(days) days")
            }
            // The clocks tried reach every level and both kinds of listed status.
            #expect(levels.isSuperset(of: [0, 1, 2, 3]), "\(levels)")
        }
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
