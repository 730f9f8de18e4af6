import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission

/// The two clocks of an alert per organisation and their escalation, on every configured backend: a remediation
/// clock by days runs from when each organisation's own evidence first shows it affected, so two organisations
/// affected at different times have different dates; missed clocks escalate level by level as the clock given moves.
@Suite("national store conformance: clocks and escalation")
struct ClockConformanceTests {
    static let issued = AlertConformanceTests.issued
    static let day: TimeInterval = 86_400

    /// A high-severity alert on the updates rule with no date: 30 days by the default policy.
    static func alertByDays(knownExploited: Bool = false, severity: Severity = .high) -> NewAlert {
        NewAlert(
            title: "Install the March updates", severity: severity, rules: [.updateMissing],
            cves: [AlertConformanceTests.eternalBlue], issuedAt: issued, knownExploited: knownExploited)
    }

    @Test("the default policy: KEV 14, critical 15, high 30, medium 60, low 90; overrides parsed and bounded")
    func policy() throws {
        let policy = RemediationPolicy()
        #expect(policy.days(severity: .critical, knownExploited: false) == 15)
        #expect(policy.days(severity: .high, knownExploited: false) == 30)
        #expect(policy.days(severity: .medium, knownExploited: false) == 60)
        #expect(policy.days(severity: .low, knownExploited: false) == 90)
        #expect(policy.days(severity: .info, knownExploited: false) == 90)
        #expect(policy.days(severity: .high, knownExploited: true) == 14)
        // A KEV clock never lengthens a shorter one.
        let strict = try policy.overriding("critical=7").get()
        #expect(strict.days(severity: .critical, knownExploited: true) == 7)
        let changed = try policy.overriding("kev=10, medium=45,LOW=120").get()
        #expect(changed == RemediationPolicy(knownExploited: 10, critical: 15, high: 30, medium: 45, low: 120))
        for bad in ["kev", "kev=0", "kev=366", "urgent=3", "high=x", "high=5=6"] {
            #expect(throws: StoreError.self, "\(bad)") { _ = try policy.overriding(bad).get() }
        }
        #expect(
            NewAlert(title: "t", severity: .critical, rules: [.updateMissing], issuedAt: Self.issued)
                .remediationDays == 15)
        #expect(
            NewAlert(title: "t", severity: .low, rules: [.updateMissing], issuedAt: Self.issued, knownExploited: true)
                .remediationDays == 14)
    }

    @Test("escalation levels rise with the clocks: acknowledgement 1, remediation 2, 14 days later or unanswered 3")
    func escalationLevels() {
        let due = Self.issued
        #expect(Escalation.at(due, acknowledgementOverdue: false, remediationOverdue: false, remediateBy: due) == .none)
        #expect(
            Escalation.at(due, acknowledgementOverdue: true, remediationOverdue: false, remediateBy: nil)
                == .acknowledgement)
        #expect(
            Escalation.at(
                due.addingTimeInterval(13 * Self.day), acknowledgementOverdue: false, remediationOverdue: true,
                remediateBy: due) == .remediation)
        #expect(
            Escalation.at(
                due.addingTimeInterval(14 * Self.day), acknowledgementOverdue: false, remediationOverdue: true,
                remediateBy: due) == .national)
        #expect(
            Escalation.at(due, acknowledgementOverdue: true, remediationOverdue: true, remediateBy: due) == .national)
        #expect(Escalation.allCases.map(\.level) == [0, 1, 2, 3])
    }

    @Test(
        "a clock by days runs from each organisation's own evidence; its levels escalate as the clock moves",
        arguments: Backend.available)
    func clockByDays(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let early = try await Scenario.organisation(in: store)
            let late = try await Scenario.organisation(in: store)
            let alert = try await store.issueAlert(Self.alertByDays())
            #expect(alert.remediateBy == nil && alert.remediationDays == 30 && !alert.knownExploited)
            #expect(try await store.alert(id: alert.id) == alert)

            // Week 1 shows `early` affected; `late` only in week 3: its applicability changes then.
            let week1 = AlertConformanceTests.week(1, missing: ["a"], inventoried: ["a"])
            _ = try await store.ingest(week1, organisation: early.id, receivedAt: Scenario.start)
            _ = try await store.ingest(
                AlertConformanceTests.week(1, missing: [], inventoried: ["a"]), organisation: late.id,
                receivedAt: Scenario.start)
            var status = try await AlertConformanceTests.status(store, alert, late, at: week1.assessedAt)
            #expect(status.applicability == .unaffectedSoFar && status.remediateBy == nil)
            let week3 = AlertConformanceTests.week(3, missing: ["a"], inventoried: ["a"])
            _ = try await store.ingest(week3, organisation: late.id, receivedAt: Scenario.start)

            let earlyDue = week1.assessedAt.addingTimeInterval(30 * Self.day)
            let lateDue = week3.assessedAt.addingTimeInterval(30 * Self.day)
            status = try await AlertConformanceTests.status(store, alert, early, at: week1.assessedAt)
            #expect(status.applicability == .affected && status.remediateBy == earlyDue)
            status = try await AlertConformanceTests.status(store, alert, late, at: week3.assessedAt)
            #expect(status.applicability == .affected && status.remediateBy == lateDue)

            // Before 48 hours nothing; after them level 1 for both.
            status = try await AlertConformanceTests.status(
                store, alert, early, at: Self.issued.addingTimeInterval(3_600))
            #expect(status.escalation == .none && status.escalationLevel == 0)
            let pastAcknowledgement = Self.issued.addingTimeInterval(49 * 3_600)
            for organisation in [early, late] {
                status = try await AlertConformanceTests.status(store, alert, organisation, at: pastAcknowledgement)
                #expect(status.escalation == .acknowledgement && status.escalationLevel == 1)
            }
            // `early` acknowledges; past its own due date it is at level 2 while `late`, not yet due, stays at 1.
            _ = try await store.acknowledgeAlert(alert.id, organisation: early.id, at: pastAcknowledgement)
            let pastEarly = earlyDue.addingTimeInterval(60)
            status = try await AlertConformanceTests.status(store, alert, early, at: pastEarly)
            #expect(status.remediationOverdue && status.escalation == .remediation)
            status = try await AlertConformanceTests.status(store, alert, late, at: pastEarly)
            #expect(!status.remediationOverdue && status.escalation == .acknowledgement)
            // Fourteen days past its due date `early` is national; `late`, never acknowledged, is national when due.
            status = try await AlertConformanceTests.status(
                store, alert, early, at: earlyDue.addingTimeInterval(14 * Self.day))
            #expect(status.escalation == .national && status.escalationLevel == 3)
            status = try await AlertConformanceTests.status(store, alert, late, at: lateDue)
            #expect(status.escalation == .national)

            // The escalation list has both, most escalated first, and never a closed status.
            let ours: Set<Int64> = [early.id, late.id]
            let listed = try await store.escalations(at: lateDue).filter {
                $0.alert.id == alert.id && ours.contains($0.organisation.id)
            }
            #expect(
                listed.map(\.organisation.id) == [early.id, late.id]
                    || listed.map(\.organisation.id) == [late.id, early.id])
            #expect(listed.allSatisfy { $0.escalation == .national })
            // Scoped in the query: one organisation's list is its own statuses alone.
            let scoped = try await store.escalations(scope: .organisation(late.id), at: lateDue)
            #expect(scoped.allSatisfy { $0.organisation.id == late.id })
            #expect(scoped.filter { $0.alert.id == alert.id }.count == 1)
            let fixed = AlertConformanceTests.week(5, missing: [], inventoried: ["a"])
            _ = try await store.ingest(fixed, organisation: early.id, receivedAt: Scenario.start)
            let after = try await store.escalations(at: lateDue).filter {
                $0.alert.id == alert.id && ours.contains($0.organisation.id)
            }
            #expect(after.map(\.organisation.id) == [late.id])
            status = try await AlertConformanceTests.status(store, alert, early, at: lateDue)
            #expect(status.state == .closed && status.escalation == .none)
        }
    }

    @Test(
        "a known-exploited alert has the KEV clock; a dated one the same date for all; a declaration is listed nationally with its reason",
        arguments: Backend.available)
    func kevDatedAndDeclared(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let affected = try await Scenario.organisation(in: store)
            let declaring = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                AlertConformanceTests.week(0, missing: ["a"], inventoried: ["a"]), organisation: affected.id,
                receivedAt: Scenario.start)
            let kev = try await store.issueAlert(Self.alertByDays(knownExploited: true, severity: .medium))
            #expect(kev.remediationDays == 14 && kev.knownExploited)
            // Affected by evidence already current at issue: the clock runs from the issue.
            let status = try await AlertConformanceTests.status(store, kev, affected, at: Self.issued)
            #expect(status.remediateBy == Self.issued.addingTimeInterval(14 * Self.day))

            let dated = try await store.issueAlert(AlertConformanceTests.alert())
            #expect(dated.remediateBy == Self.issued.addingTimeInterval(10 * Self.day) && dated.remediationDays == nil)
            let datedStatus = try await AlertConformanceTests.status(store, dated, affected, at: Self.issued)
            #expect(datedStatus.remediateBy == dated.remediateBy)

            var both = AlertConformanceTests.alert()
            both.remediationDays = 5
            await #expect(throws: StoreError.self) { _ = try await store.issueAlert(both) }
            var tooLong = Self.alertByDays()
            tooLong.remediationDays = 366
            await #expect(throws: StoreError.self) { _ = try await store.issueAlert(tooLong) }

            _ = try await store.declareAlertNotApplicable(
                kev.id, organisation: declaring.id, reason: "no Windows hosts", at: Self.issued)
            let listed = try await store.escalations(at: Self.issued).filter {
                $0.alert.id == kev.id && $0.organisation.id == declaring.id
            }
            #expect(listed.count == 1 && listed.first?.notApplicableReason == "no Windows hosts")
            #expect(listed.first?.escalation == Escalation.none)
        }
    }
}
