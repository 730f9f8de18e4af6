import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission

/// Alerts in the conformance suite, on every configured backend: an alert closes for an organisation only when a
/// submission after issue covers the matching subjects and no longer shows the linked findings; answers stop the
/// acknowledgement clock only; one organisation's evidence never moves another's status. The clock is the scenario's
/// dates throughout.
@Suite("national store conformance: alerts")
struct AlertConformanceTests {
    static let eternalBlue = "CVE-2017-0144"
    static let issued = Scenario.start.addingTimeInterval(86_400)

    /// A submission as of `week`: updates findings on `missing` hosts, each listing `cves` and asking for `install`,
    /// with the inventories of `inventoried` hosts (nil: the updates area not assessed).
    static func week(
        _ week: Int, missing: [String], inventoried: [String]?, cves: [String] = [eternalBlue],
        install: String = "KB4012212"
    ) -> Submission {
        var submission = Scenario.week(week, missing: missing, inventoried: inventoried)
        for index in submission.findings.indices {
            submission.findings[index].facts["listed"] = cves.joined(separator: ",")
            submission.findings[index].facts["install"] = install
        }
        return submission
    }

    /// MS17-010 by rule and CVE, issued a day after the start, remediation due ten days after issue.
    static func alert() -> NewAlert {
        NewAlert(
            title: "MS17-010 (WannaCry): install March 2017 updates", severity: .critical, rules: [.updateMissing],
            cves: [eternalBlue], advisories: ["MS17-010"], issuedAt: issued,
            remediateBy: issued.addingTimeInterval(10 * 86_400))
    }

    static func status(_ store: SQLNationalStore, _ alert: AlertRecord, _ organisation: OrganisationRecord, at: Date)
        async throws -> AlertStatus
    {
        try #require(
            try await store.alertStatuses(alert: alert.id, at: at).first { $0.organisation.id == organisation.id })
    }

    @Test(
        "evidence as of the day of issue closes the alert, recorded at the issue, never before it",
        arguments: Backend.available)
    func closureOnTheDayOfIssue(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Self.week(0, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            let alert = try await store.issueAlert(Self.alert())
            // Fixed that day: an assessment is dated by its midnight, hours before the alert's time.
            var fixed = Self.week(0, missing: [], inventoried: ["a"])
            let seconds = Self.issued.timeIntervalSince1970
            fixed.assessedAt = Date(timeIntervalSince1970: seconds - seconds.truncatingRemainder(dividingBy: 86_400))
            #expect(fixed.assessedAt < Self.issued)
            _ = try await store.ingest(fixed, organisation: organisation.id, receivedAt: Self.issued)
            let status = try await Self.status(store, alert, organisation, at: Self.issued)
            #expect(status.state == .closed && status.closedAt == Self.issued && status.timeToClosure == 0)
        }
    }

    @Test(
        "an alert stays open on the finding, on a submission without the area and on one not covering the host; a covering submission without it closes it",
        arguments: Backend.available)
    func closureByCoveringEvidence(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let affected = try await Scenario.organisation(in: store)
            let bystander = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Self.week(0, missing: ["a"], inventoried: ["a", "b"]), organisation: affected.id,
                receivedAt: Scenario.start)
            _ = try await store.ingest(
                Self.week(0, missing: ["a"], inventoried: ["a"], cves: ["CVE-2019-0708"]),
                organisation: bystander.id, receivedAt: Scenario.start)
            let alert = try await store.issueAlert(Self.alert())
            #expect(alert.cves == [Self.eternalBlue] && alert.advisories == ["MS17-010"])
            #expect(alert.acknowledgeBy == Self.issued.addingTimeInterval(48 * 3_600))
            var status = try await Self.status(store, alert, affected, at: Self.issued)
            #expect(status.applicability == .affected && status.state == .open && status.openMatches == 1)
            let untouched = try await Self.status(store, alert, bystander, at: Self.issued)
            #expect(untouched.applicability == .unaffectedSoFar && untouched.openMatches == 0)

            // Still missing; then the updates area not assessed; then an inventory of another host only.
            let stillOpen = [
                Self.week(1, missing: ["a"], inventoried: ["a", "b"]),
                Self.week(2, missing: [], inventoried: nil),
                Self.week(3, missing: [], inventoried: ["b"]),
            ]
            for submission in stillOpen {
                _ = try await store.ingest(submission, organisation: affected.id, receivedAt: Scenario.start)
                status = try await Self.status(store, alert, affected, at: submission.assessedAt)
                #expect(status.state == .open && status.openMatches == 1 && status.closedAt == nil)
            }
            #expect(Scenario.state(try await store.tickets(organisation: affected.id), host: "a") == .unverified)

            let covering = Self.week(4, missing: [], inventoried: ["a", "b"])
            let receipt = try await store.ingest(covering, organisation: affected.id, receivedAt: Scenario.start)
            status = try await Self.status(store, alert, affected, at: covering.assessedAt)
            #expect(status.state == .closed && status.openMatches == 0)
            #expect(status.closedSubmission == receipt.submission && status.closedAt == covering.assessedAt)
            // Week 4 is 28 days after the start, the alert one day after it: 27 days from issue to closure.
            let days27: Int64 = 27 * 86_400
            #expect(status.timeToClosure == days27)
            #expect(
                try await store.alertEvents(alert: alert.id, organisation: affected.id).map(\.kind) == [
                    .affected, .closed,
                ])
            let bystanderAfter = try await Self.status(store, alert, bystander, at: covering.assessedAt)
            #expect(bystanderAfter.state == .open && bystanderAfter.applicability == .unaffectedSoFar)
            #expect(try await store.alertEvents(alert: alert.id, organisation: bystander.id).isEmpty)
            // The match opened and resolved names its ticket and the submission that resolved it (no foreign key
            // checks either on PostgreSQL since migration 12).
            #expect(try await GeneratedHistoryTests.unmatchedReferences(in: store, organisation: affected.id) == [:])
        }
    }

    @Test(
        "an alert back-dated before an organisation's evidence counts from that evidence, as if the evidence came after it",
        arguments: Backend.available)
    func backDatedAlert(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let early = try await Scenario.organisation(in: store)
            let late = try await Scenario.organisation(in: store)
            // One organisation's evidence shows the host before the alert's date, the other's only a fortnight after.
            _ = try await store.ingest(
                Self.week(0, missing: ["a"], inventoried: ["a"]), organisation: early.id, receivedAt: Scenario.start)
            let fortnight = Self.week(2, missing: ["a"], inventoried: ["a"])
            _ = try await store.ingest(fortnight, organisation: late.id, receivedAt: Scenario.start)
            // Entered after both submissions, dated back to a day after the start, remediation within ten days.
            let alert = try await store.issueAlert(
                NewAlert(
                    title: "Back-dated", severity: .critical, rules: [.updateMissing], cves: [Self.eternalBlue],
                    issuedAt: Self.issued, remediationDays: 10))
            let now = fortnight.assessedAt.addingTimeInterval(86_400)
            let earlyStatus = try await Self.status(store, alert, early, at: now)
            let lateStatus = try await Self.status(store, alert, late, at: now)
            #expect(earlyStatus.affectedAt == Self.issued)
            #expect(lateStatus.affectedAt == fortnight.assessedAt)
            // The same as had the late organisation sent its evidence after the alert was entered.
            let other = try await Scenario.organisation(in: store)
            _ = try await store.ingest(fortnight, organisation: other.id, receivedAt: Scenario.start)
            #expect(try await Self.status(store, alert, other, at: now).affectedAt == lateStatus.affectedAt)
        }
    }

    @Test(
        "a back-dated alert counts a ticket fixed and reopened since from its reopening, not from when it first opened",
        arguments: Backend.available)
    func backDatedAlertReopenedTicket(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            // Missing before the alert's date, fixed, then missing again a fortnight after it.
            let reopening = Self.week(3, missing: ["a"], inventoried: ["a"])
            for submission in [
                Self.week(0, missing: ["a"], inventoried: ["a"]), Self.week(1, missing: [], inventoried: ["a"]),
                reopening,
            ] {
                _ = try await store.ingest(submission, organisation: organisation.id, receivedAt: Scenario.start)
            }
            #expect(Scenario.state(try await store.tickets(organisation: organisation.id), host: "a") == .open)
            let alert = try await store.issueAlert(
                NewAlert(
                    title: "Back-dated, reopened", severity: .critical, rules: [.updateMissing],
                    cves: [Self.eternalBlue], issuedAt: Self.issued, remediationDays: 10))
            let status = try await Self.status(store, alert, organisation, at: reopening.assessedAt)
            #expect(status.affectedAt == reopening.assessedAt)
        }
    }

    @Test(
        "an alert another server issues is evaluated by this server's next submission, whatever it read before",
        arguments: Backend.available)
    func alertIssuedElsewhere(_ backend: Backend) async throws {
        try await backend.withTwoStores { receiver, analysts, _ in
            let organisation = try await Scenario.organisation(in: receiver)
            // The receiver reads the alerts as they stand (on PostgreSQL, other tests' too) with nothing
            // live: the alert below, issued elsewhere, then has nothing of this organisation to match.
            _ = try await receiver.ingest(
                Self.week(0, missing: [], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            for (week, cve) in [(1, Self.eternalBlue), (2, "CVE-2019-0708")] {
                let alert = try await analysts.issueAlert(
                    NewAlert(
                        title: "Issued elsewhere, week \(week)", severity: .critical, rules: [.updateMissing],
                        cves: [cve], issuedAt: Self.issued,
                        remediateBy: Self.issued.addingTimeInterval(10 * 86_400)))
                #expect(
                    try await Self.status(receiver, alert, organisation, at: Self.issued).applicability
                        == .unaffectedSoFar)
                let submission = Self.week(week, missing: ["a"], inventoried: ["a"], cves: [cve])
                _ = try await receiver.ingest(
                    submission, organisation: organisation.id, receivedAt: Scenario.start)
                let status = try await Self.status(receiver, alert, organisation, at: submission.assessedAt)
                #expect(status.applicability == .affected && status.openMatches == 1, "week \(week)")
            }
        }
    }

    @Test(
        "a host seen again without the alert's CVE resolves its match; the CVE back reopens the same status",
        arguments: Backend.available)
    func seenWithoutAdvisoryAndReopen(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let alert = try await store.issueAlert(Self.alert())
            // Evidence after issue makes it affected; the ticket's own rule stays broken by a later CVE.
            _ = try await store.ingest(
                Self.week(1, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(try await Self.status(store, alert, organisation, at: Self.issued).applicability == .affected)
            let later = Self.week(2, missing: ["a"], inventoried: ["a"], cves: ["CVE-2019-0708"], install: "KB4499175")
            let receipt = try await store.ingest(later, organisation: organisation.id, receivedAt: Scenario.start)
            var status = try await Self.status(store, alert, organisation, at: later.assessedAt)
            #expect(status.state == .closed && status.closedSubmission == receipt.submission)
            #expect(Scenario.state(try await store.tickets(organisation: organisation.id), host: "a") == .open)

            _ = try await store.ingest(
                Self.week(3, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            status = try await Self.status(store, alert, organisation, at: later.assessedAt)
            #expect(status.state == .open && status.reopenCount == 1 && status.closedAt == nil)
            #expect(status.openMatches == 1)
            #expect(
                try await store.alertEvents(alert: alert.id, organisation: organisation.id).map(\.kind) == [
                    .affected, .closed, .reopened,
                ])
        }
    }

    @Test(
        "not applicable needs a reason, is refused against the organisation's own evidence, and evidence overrides it",
        arguments: Backend.available)
    func notApplicable(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let affected = try await Scenario.organisation(in: store)
            let declaring = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Self.week(0, missing: ["a"], inventoried: ["a"]), organisation: affected.id, receivedAt: Scenario.start)
            let alert = try await store.issueAlert(Self.alert())
            let at = Self.issued.addingTimeInterval(3_600)
            await #expect(throws: StoreError.self) {
                _ = try await store.declareAlertNotApplicable(
                    alert.id, organisation: affected.id, reason: "no SMBv1 anywhere", at: at)
            }
            for reason in ["", "   ", "two\nlines", String(repeating: "x", count: 501)] {
                await #expect(throws: StoreError.self) {
                    _ = try await store.declareAlertNotApplicable(
                        alert.id, organisation: declaring.id, reason: reason, at: at)
                }
            }
            let declared = try await store.declareAlertNotApplicable(
                alert.id, organisation: declaring.id, reason: "no Windows hosts: all Linux estate", at: at)
            #expect(
                declared.state == .notApplicable && declared.notApplicableReason == "no Windows hosts: all Linux estate"
            )
            #expect(declared.notApplicableAt == at && !declared.acknowledgementOverdue)
            #expect(try await Self.status(store, alert, affected, at: at).state == .open)

            // Its own evidence then shows the alert applies: the declaration gives way.
            _ = try await store.ingest(
                Self.week(1, missing: ["x"], inventoried: ["x"]), organisation: declaring.id,
                receivedAt: Scenario.start)
            let overridden = try await Self.status(store, alert, declaring, at: at)
            #expect(overridden.state == .open && overridden.applicability == .affected)
            #expect(overridden.notApplicableReason == nil)
            #expect(
                try await store.alertEvents(alert: alert.id, organisation: declaring.id).map(\.kind) == [
                    .notApplicable, .applies,
                ])
        }
    }

    @Test(
        "overdue is read at the clock given: acknowledgement for all, remediation for the affected",
        arguments: Backend.available)
    func overdue(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let affected = try await Scenario.organisation(in: store)
            let unaffected = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Self.week(0, missing: ["a"], inventoried: ["a"]), organisation: affected.id, receivedAt: Scenario.start)
            let alert = try await store.issueAlert(Self.alert())
            let hour: TimeInterval = 3_600
            for organisation in [affected, unaffected] {
                let early = try await Self.status(store, alert, organisation, at: Self.issued.addingTimeInterval(hour))
                #expect(!early.overdue)
                let late = try await Self.status(
                    store, alert, organisation, at: Self.issued.addingTimeInterval(49 * hour))
                #expect(late.acknowledgementOverdue && !late.remediationOverdue)
            }
            let acknowledged = try await store.acknowledgeAlert(
                alert.id, organisation: affected.id, at: Self.issued.addingTimeInterval(50 * hour))
            #expect(
                acknowledged.state == .acknowledged
                    && acknowledged.acknowledgedAt == Self.issued.addingTimeInterval(50 * hour))
            // Again changes nothing.
            let again = try await store.acknowledgeAlert(
                alert.id, organisation: affected.id, at: Self.issued.addingTimeInterval(60 * hour))
            #expect(again.acknowledgedAt == acknowledged.acknowledgedAt)
            let pastRemediation = Self.issued.addingTimeInterval(11 * 86_400)
            let affectedLate = try await Self.status(store, alert, affected, at: pastRemediation)
            #expect(!affectedLate.acknowledgementOverdue && affectedLate.remediationOverdue)
            let unaffectedLate = try await Self.status(store, alert, unaffected, at: pastRemediation)
            #expect(unaffectedLate.acknowledgementOverdue && !unaffectedLate.remediationOverdue)
            #expect(
                try await store.alertEvents(alert: alert.id, organisation: affected.id).map(\.kind) == [
                    .affected, .acknowledged,
                ])
            // The organisation's own list says the same.
            let own = try await store.alertStatuses(organisation: affected.id, at: pastRemediation)
            #expect(own.map(\.alert.id).contains(alert.id))
            #expect(own.first { $0.alert.id == alert.id }?.remediationOverdue == true)
        }
    }

    @Test("bad alerts and unknown ids are refused with typed errors", arguments: Backend.available)
    func validation(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let good = Self.alert()
            var bad: [NewAlert] = []
            var noLinks = good
            noLinks.rules = []
            noLinks.cves = []
            noLinks.advisories = []
            bad.append(noLinks)
            var badCVE = good
            badCVE.cves = ["CVE-17-1"]
            bad.append(badCVE)
            var badAdvisory = good
            badAdvisory.advisories = ["MS17010"]
            bad.append(badAdvisory)
            var badTitle = good
            badTitle.title = " "
            bad.append(badTitle)
            var early = good
            early.remediateBy = good.issuedAt.addingTimeInterval(-1)
            bad.append(early)
            for alert in bad {
                await #expect(throws: StoreError.self) { _ = try await store.issueAlert(alert) }
            }
            let missing = Int64.max - 1
            await #expect(throws: StoreError.self) {
                _ = try await store.acknowledgeAlert(missing, organisation: organisation.id, at: Self.issued)
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.alertStatuses(alert: missing, at: Self.issued)
            }
            #expect(try await store.alert(id: missing) == nil)
        }
    }

    @Test("an organisation created after the alert has a status for it", arguments: Backend.available)
    func organisationAfterAlert(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let alert = try await store.issueAlert(Self.alert())
            let organisation = try await Scenario.organisation(in: store)
            let status = try await Self.status(store, alert, organisation, at: Self.issued)
            #expect(status.state == .open && status.applicability == .unaffectedSoFar)
            #expect(try await store.alerts().contains(alert))
        }
    }

    @Test(
        "an organisation created after the alert was recorded has its clocks counted from its creation",
        arguments: Backend.available)
    func lateOrganisationClocks(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let before = try await Scenario.organisation(in: store)
            let alert = try await store.issueAlert(Self.alert())
            // Creation times are kept to the second.
            let joining = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let late = try await Scenario.organisation(in: store)
            let now = Date()
            // The organisation that had the alert's clocks has missed them; the new one has had no time yet.
            let old = try await Self.status(store, alert, before, at: now)
            #expect(old.acknowledgementOverdue && old.acknowledgeBy == alert.acknowledgeBy)
            #expect(old.remediateBy == alert.remediateBy)
            let new = try await Self.status(store, alert, late, at: now)
            #expect(!new.acknowledgementOverdue && !new.overdue && new.escalation == .none)
            // As long from its creation as the alert gave from its issue: 48 hours, and ten days to remediate.
            let shift = new.acknowledgeBy.timeIntervalSince(alert.acknowledgeBy)
            #expect(new.acknowledgeBy >= joining.addingTimeInterval(NewAlert.defaultAcknowledgement))
            #expect(new.acknowledgeBy <= now.addingTimeInterval(NewAlert.defaultAcknowledgement))
            #expect(new.remediateBy == alert.remediateBy?.addingTimeInterval(shift))
            let later = try await Self.status(store, alert, late, at: new.acknowledgeBy)
            #expect(later.acknowledgementOverdue)
            // The national overview counts the same clocks.
            // (Other suites' alerts share a PostgreSQL database: this alert's statuses alone.)
            let escalated = try await store.escalations(at: now).filter { $0.alert.id == alert.id }.map(
                \.organisation.id)
            #expect(escalated.contains(before.id) && !escalated.contains(late.id))
        }
    }
}
