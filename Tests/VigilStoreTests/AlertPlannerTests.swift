import Testing
import VigilCore
import VigilStore

/// The alert rules without a database: the cases the conformance scenarios do not reach, each a change that would be
/// wrong if the planner read evidence more loosely.
@Suite("alert planner")
struct AlertPlannerTests {
    static let issued: Int64 = 1_000_000
    static let alert = AlertPlanner.Alert(
        rules: [.updateMissing], advisories: ["CVE-2017-0144"], issuedAt: issued)

    static func ticket(
        _ id: Int64, state: Ticket.State, advisories: Set<String> = ["CVE-2017-0144"], last: Int64 = 1,
        rule: RuleID = .updateMissing
    ) -> AlertPlanner.TicketView {
        AlertPlanner.TicketView(id: id, rule: rule, state: state, advisories: advisories, lastSubmission: last)
    }

    @Test("evidence assessed before the day the alert was issued resolves nothing and closes nothing")
    func evidenceBeforeIssue() {
        let issueDay = Self.issued - Self.issued % 86_400
        let changes = AlertPlanner.plan(
            Self.alert, state: .open, matches: [7: true], tickets: [Self.ticket(7, state: .fixed, last: 3)],
            evidence: .init(submission: 3, at: issueDay - 1))
        #expect(changes.isEmpty)
        // An assessment as of the day of issue (dated its midnight, before the alert's time) closes it: the
        // organisation that fixed on the day is not overdue.
        let sameDay = AlertPlanner.plan(
            Self.alert, state: .open, matches: [7: true], tickets: [Self.ticket(7, state: .fixed, last: 3)],
            evidence: .init(submission: 3, at: issueDay))
        #expect(sameDay == [.resolveMatch(ticket: 7), .status(.closed)])
    }

    @Test("an unverified ticket, or one the submission did not show, keeps its match open")
    func notCovered() {
        for ticket in [
            Self.ticket(7, state: .unverified, last: 3), Self.ticket(7, state: .open, advisories: [], last: 2),
        ] {
            let changes = AlertPlanner.plan(
                Self.alert, state: .acknowledged, matches: [7: true], tickets: [ticket],
                evidence: .init(submission: 3, at: Self.issued + 10))
            #expect(changes.isEmpty, "\(ticket.state)")
        }
    }

    @Test("a match whose ticket was superseded after its fix resolves, and the alert closes")
    func superseded() {
        let changes = AlertPlanner.plan(
            Self.alert, state: .open, matches: [7: true], tickets: [],
            evidence: .init(submission: 3, at: Self.issued + 10))
        #expect(changes == [.resolveMatch(ticket: 7), .status(.closed)])
    }

    @Test("one of two matches resolved leaves the alert open")
    func partlyResolved() {
        let changes = AlertPlanner.plan(
            Self.alert, state: .open, matches: [7: true, 8: true],
            tickets: [Self.ticket(7, state: .fixed, last: 3), Self.ticket(8, state: .open, last: 3)],
            evidence: .init(submission: 3, at: Self.issued + 10))
        #expect(changes == [.resolveMatch(ticket: 7)])
    }

    @Test("an excepted ticket is live: it matches, and does not resolve")
    func excepted() {
        let changes = AlertPlanner.plan(
            Self.alert, state: .open, matches: [:], tickets: [Self.ticket(7, state: .excepted)], evidence: nil)
        #expect(changes == [.openMatch(ticket: 7), .status(.affected)])
    }

    @Test("an excepted ticket seen again without the alert's advisories resolves: an exception never hides a fix")
    func exceptedFixed() {
        // MS17-010 installed, BlueKeep still missing: the ticket persists, excepted, for the other vulnerability.
        let changes = AlertPlanner.plan(
            Self.alert, state: .open, matches: [7: true],
            tickets: [Self.ticket(7, state: .excepted, advisories: ["CVE-2019-0708"], last: 3)],
            evidence: .init(submission: 3, at: Self.issued + 10))
        #expect(changes == [.resolveMatch(ticket: 7), .status(.closed)])
    }

    @Test(
        "rules and advisories: empty means any, otherwise both must meet",
        arguments: [
            (Set<RuleID>(), Set(["CVE-2017-0144"]), RuleID.updateMissingExploited, Set(["CVE-2017-0144"]), true),
            ([.updateMissing], [], .updateMissing, [], true),
            ([.updateMissing], ["CVE-2017-0144"], .updateMissingExploited, ["CVE-2017-0144"], false),
            ([.updateMissing], ["CVE-2017-0144"], .updateMissing, ["CVE-2019-0708"], false),
            ([.updateMissing], ["KB4012212"], .updateMissing, ["CVE-2019-0708", "KB4012212"], true),
        ] as [(Set<RuleID>, Set<String>, RuleID, Set<String>, Bool)])
    func matching(
        _ rules: Set<RuleID>, _ advisories: Set<String>, _ rule: RuleID, _ named: Set<String>, _ expected: Bool
    ) {
        let alert = AlertPlanner.Alert(rules: rules, advisories: advisories, issuedAt: Self.issued)
        #expect(AlertPlanner.matches(alert, Self.ticket(1, state: .open, advisories: named, rule: rule)) == expected)
    }

    @Test("a finding's advisories are its listed CVEs and its update, upper-cased")
    func advisoriesFromFacts() {
        #expect(
            AlertPlanner.advisories(facts: ["listed": "CVE-2017-0144,cve-2017-0145", "install": "kb4012212"]) == [
                "CVE-2017-0144", "CVE-2017-0145", "KB4012212",
            ])
        #expect(AlertPlanner.advisories(facts: ["daysExposed": "40"]).isEmpty)
        // Counting more vulnerabilities than it names, the finding says its list is not all.
        #expect(
            AlertPlanner.advisories(facts: ["listed": "CVE-2017-0144,CVE-2017-0145", "vulnerabilities": "2"]) == [
                "CVE-2017-0144", "CVE-2017-0145",
            ])
        #expect(
            AlertPlanner.advisories(facts: ["listed": "CVE-2024-0001", "vulnerabilities": "2786"]) == [
                "CVE-2024-0001", AlertPlanner.unlisted,
            ])
        #expect(AlertPlanner.advisories(facts: ["vulnerabilities": "70"]) == [AlertPlanner.unlisted])
        // What a partly decided host's evidence could not decide may be the alert's.
        #expect(
            AlertPlanner.advisories(facts: ["listed": "CVE-2024-0001", "vulnerabilities": "1", "undecided": "3"]) == [
                "CVE-2024-0001", AlertPlanner.unlisted,
            ])
    }

    @Test("an alert linked by an update alone resolves when its ticket is fixed, not when the update named moves on")
    func updateOnlyAlert() {
        let alert = AlertPlanner.Alert(rules: [.updateMissing], advisories: ["KB5034441"], issuedAt: Self.issued)
        // Next month the host still lacks every fix; its finding names that month's update to install.
        let movedOn = AlertPlanner.plan(
            alert, state: .open, matches: [7: true],
            tickets: [Self.ticket(7, state: .open, advisories: ["CVE-2024-21338", "KB5034763"], last: 3)],
            evidence: .init(submission: 3, at: Self.issued + 10))
        #expect(movedOn.isEmpty)
        let fixed = AlertPlanner.plan(
            alert, state: .open, matches: [7: true], tickets: [Self.ticket(7, state: .fixed, last: 3)],
            evidence: .init(submission: 3, at: Self.issued + 10))
        #expect(fixed == [.resolveMatch(ticket: 7), .status(.closed)])
    }

    @Test("a host seen again naming only the worst of hundreds it misses does not resolve the alert's match")
    func truncatedList() {
        // The same unpatched host, assessed with more advisories: twenty others rank ahead of MS17-010.
        let others = Set((1...20).map { "CVE-2024-\(1000 + $0)" })
        let partial = AlertPlanner.plan(
            Self.alert, state: .open, matches: [7: true],
            tickets: [Self.ticket(7, state: .open, advisories: others.union([AlertPlanner.unlisted]), last: 3)],
            evidence: .init(submission: 3, at: Self.issued + 10))
        #expect(partial.isEmpty)
        // A finding that names everything the host misses, without the alert's: fixed.
        let whole = AlertPlanner.plan(
            Self.alert, state: .open, matches: [7: true],
            tickets: [Self.ticket(7, state: .open, advisories: others, last: 3)],
            evidence: .init(submission: 3, at: Self.issued + 10))
        #expect(whole == [.resolveMatch(ticket: 7), .status(.closed)])
    }

    @Test("a deadline ending a day is shown as that day; one within a day with its time")
    func deadlineDay() {
        let midnight = CivilDate.date(year: 2026, month: 12, day: 11)
        #expect(DeadlineDay.string(midnight) == "2026-12-10")
        #expect(DeadlineDay.described(midnight) == "2026-12-10 (end of day, UTC)")
        let morning = midnight.addingTimeInterval(9 * 3_600 + 30 * 60)
        #expect(DeadlineDay.string(morning) == "2026-12-11 09:30 UTC")
        #expect(DeadlineDay.described(morning) == "2026-12-11 09:30 UTC")
    }
}
