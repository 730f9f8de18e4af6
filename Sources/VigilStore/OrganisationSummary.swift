import Foundation
public import VigilCore

/// What the overview, region and organisation pages show of one organisation: its latest daily counts, open findings
/// by rule, areas its latest evidence did not assess, its alert compliance and its score now and a month earlier.
/// Everything is derived from its tickets, submissions and alert statuses: one truth per number.
public struct OrganisationSummary: Sendable, Hashable {
    /// The organisation.
    public var organisation: OrganisationRecord
    /// Its latest daily aggregate, if it has submitted.
    public var latest: OrganisationDay?
    /// Open (and unverified) findings by rule.
    public var openByRule: [RuleID: Int]
    /// Areas its latest applied submission did not assess (all of them before any submission).
    public var notAssessed: [AssessmentArea]
    /// Its alert statuses, counted.
    public var alerts: AlertCompliance
    /// Its score now.
    public var score: OrganisationScore
    /// Its score 30 days earlier: its stored score as that day ended (the daily series, docs/score.md), aged to then.
    public var monthAgo: OrganisationScore

    public init(
        organisation: OrganisationRecord, latest: OrganisationDay?, openByRule: [RuleID: Int],
        notAssessed: [AssessmentArea], alerts: AlertCompliance, score: OrganisationScore, monthAgo: OrganisationScore
    ) {
        self.organisation = organisation
        self.latest = latest
        self.openByRule = openByRule
        self.notAssessed = notAssessed
        self.alerts = alerts
        self.score = score
        self.monthAgo = monthAgo
    }

    /// The worst severity with an open finding, `nil` when none is open.
    public var worstOpen: Severity? {
        guard let latest else { return nil }
        return [Severity.critical, .high, .medium, .low, .info].first { (latest.open[$0] ?? 0) > 0 }
    }

    /// Open findings of any of `rules`.
    public func open(_ rules: Set<RuleID>) -> Int {
        openByRule.reduce(0) { $0 + (rules.contains($1.key) ? $1.value : 0) }
    }
}

/// One organisation's alert statuses, counted at a clock.
public struct AlertCompliance: Sendable, Hashable {
    /// Alerts issued since the organisation existed in the service.
    public var issued = 0
    /// Alerts its evidence showed it affected by.
    public var affected = 0
    /// Acknowledged (or answered not applicable, or closed).
    public var answered = 0
    /// Closed by covering evidence.
    public var closed = 0
    /// Past either clock: not acknowledged in time, or affected and not closed by the remediation date.
    public var overdue = 0

    /// The counts of `statuses` (one organisation's, read at one clock): overdue as each status reads its own clocks,
    /// so the count and the escalation section agree.
    public init(statuses: some Sequence<AlertStatus>) {
        for status in statuses {
            issued += 1
            if status.affectedAt != nil { affected += 1 }
            if status.state != .open { answered += 1 }
            if status.state == .closed { closed += 1 }
            if status.overdue { overdue += 1 }
        }
    }

    public init(issued: Int = 0, affected: Int = 0, answered: Int = 0, closed: Int = 0, overdue: Int = 0) {
        self.issued = issued
        self.affected = affected
        self.answered = answered
        self.closed = closed
        self.overdue = overdue
    }
}
