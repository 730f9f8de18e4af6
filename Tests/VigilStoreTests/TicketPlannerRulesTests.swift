import Foundation
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// Coverage for some rules only: a check that did not run is no evidence of a fix (the national audit: a host whose
/// updates `wmic qfe` could not decide closed its MS17-010 tickets, systeminfo closed SMBv1 tickets, a run without the
/// breach corpus fixed breached passwords).
@Suite("ticket planner: coverage scoped to rules")
struct TicketPlannerRulesTests {
    static func current(_ id: Int64, _ rule: RuleID, host name: String) -> TicketPlanner.Current {
        TicketPlanner.Current(
            id: id, rule: rule, subject: Scenario.host(name), kind: .host, area: .updates, state: .open, fixedAt: nil)
    }

    static let tickets = [
        current(1, .updateMissingExploited, host: "pc-1"), current(2, .smbVersion1Enabled, host: "pc-1"),
        current(3, .updateMissingExploited, host: "pc-2"), current(4, .smbVersion1Enabled, host: "pc-2"),
    ]

    @Test("a host covered for its updates but not its SMBv1 state: its update ticket fixed, its SMBv1 one unverified")
    func scoped() {
        var submission = Scenario.week(1, missing: [], inventoried: nil)
        submission.areas = [.init(area: .updates, status: .assessed)]
        let others = CoveredSubjects.rulesOfUpdatesButSMB1
        submission.coverage = [
            // pc-1: systeminfo (no SMBv1 state); pc-2: wmic qfe (no version: nothing decided but SMBv1, from osquery).
            .init(area: .updates, kind: .host, complete: false, subjects: [Scenario.host("pc-1")], rules: others),
            .init(
                area: .updates, kind: .host, complete: false, subjects: [Scenario.host("pc-2")],
                rules: [.smbVersion1Enabled]),
        ]
        let changes = Set(TicketPlanner.plan(submission, current: Self.tickets))
        #expect(changes == [.fix(id: 1), .unverify(id: 2), .unverify(id: 3), .fix(id: 4)])
    }

    @Test("a group for every rule (no list, as before) still fixes every rule's ticket on its subjects")
    func unscoped() {
        let submission = Scenario.week(1, missing: [], inventoried: ["pc-1"])
        let changes = Set(TicketPlanner.plan(submission, current: Self.tickets))
        #expect(changes == [.fix(id: 1), .fix(id: 2), .unverify(id: 3), .unverify(id: 4)])
    }
}

extension CoveredSubjects {
    /// The updates area's rules but SMBv1's.
    static var rulesOfUpdatesButSMB1: [RuleID] {
        RuleCatalogue.all.filter { $0.area == .updates && $0.id != .smbVersion1Enabled }.map(\.id).sorted()
    }
}
