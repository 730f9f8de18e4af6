public import Foundation
public import VigilCore

/// What the overview, region and organisation pages show of one organisation: its latest daily counts, open findings
/// by rule, areas its latest evidence did not assess, its alert compliance and its score now and a month earlier.
/// Everything is derived from its tickets, submissions and alert statuses: one truth per number.
public struct OrganisationSummary: Sendable, Hashable {
    /// The organisation.
    public var organisation: OrganisationRecord { box.fields.organisation }
    /// Its latest daily aggregate, if it has submitted.
    public var latest: OrganisationDay? { box.fields.latest }
    /// Open (and unverified) findings by rule.
    public var openByRule: [RuleID: Int] { box.fields.openByRule }
    /// Areas its latest applied submission did not assess (all of them before any submission).
    public var notAssessed: [AssessmentArea] { box.fields.notAssessed }
    /// Its alert statuses, counted.
    public var alerts: AlertCompliance { box.fields.alerts }
    /// Its score now.
    public var score: OrganisationScore { box.fields.score }
    /// Its score 30 days earlier: its stored score as that day ended (the daily series, docs/score.md), aged to then.
    /// Worked out when read: a page shows it for the rows it lists, not for every organisation it sums.
    public var monthAgo: OrganisationScore {
        let earlier = box.fields.monthAgo
        return OrganisationScore(basis: earlier.basis, lastEvidence: earlier.lastEvidence, at: earlier.at)
    }

    /// A summary whose score 30 days earlier is the one of `basis` with the latest evidence then, at `date`,
    /// worked out only when ``monthAgo`` is read. `openByGroup` is ``OpenFindingGroup/counts(_:)`` of `openByRule`,
    /// worked out here when not given.
    public init(
        organisation: OrganisationRecord, latest: OrganisationDay?, openByRule: [RuleID: Int],
        notAssessed: [AssessmentArea], alerts: AlertCompliance, score: OrganisationScore,
        monthAgo basis: ScoreBasis, lastEvidence: Date?, at date: Date, openByGroup: [Int]? = nil
    ) {
        box = Box(
            Fields(
                organisation: organisation, latest: latest, openByRule: openByRule,
                openByGroup: openByGroup.flatMap { $0.count == OpenFindingGroup.allCases.count ? $0 : nil }
                    ?? OpenFindingGroup.counts(openByRule), notAssessed: notAssessed,
                alerts: alerts, score: score, monthAgo: Earlier(basis: basis, lastEvidence: lastEvidence, at: date)))
    }

    /// The worst severity with an open finding, `nil` when none is open.
    public var worstOpen: Severity? {
        guard let latest else { return nil }
        return [Severity.critical, .high, .medium, .low, .info].first { (latest.open[$0] ?? 0) > 0 }
    }

    /// Open findings of `group`.
    public func open(_ group: OpenFindingGroup) -> Int { box.fields.openByGroup[group.rawValue] }

    public static func == (left: OrganisationSummary, right: OrganisationSummary) -> Bool {
        left.box === right.box || left.box.fields == right.box.fields
    }

    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

    /// The fields, in one immutable box: a page passes thousands of summaries through filters and sorts, and copying
    /// a summary is then one reference count rather than one for each array, dictionary and string inside
    /// (retaining and releasing them was 38 % of a warm national overview at 7,000 organisations).
    private var box: Box

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private struct Fields: Sendable, Hashable {
        var organisation: OrganisationRecord
        var latest: OrganisationDay?
        var openByRule: [RuleID: Int]
        var openByGroup: [Int]
        var notAssessed: [AssessmentArea]
        var alerts: AlertCompliance
        var score: OrganisationScore
        var monthAgo: Earlier
    }

    /// What the score 30 days earlier is worked out from.
    private struct Earlier: Sendable, Hashable {
        var basis: ScoreBasis
        var lastEvidence: Date?
        var at: Date
    }
}

/// What the overview shows of a scope at a clock, read in one snapshot (``SQLNationalStore/overview(scope:at:)``).
public struct ScopeOverview: Sendable, Hashable {
    /// Every organisation in the scope, summarised, by path.
    public var summaries: [OrganisationSummary]
    /// Alert statuses escalated or declared not applicable, most escalated first; when read with a listing limit
    /// (``SQLNationalStore/overview(scope:at:listing:)``), the first escalated ones and the first declarations only.
    public var escalations: [AlertStatus]
    /// Statuses escalated, listed or not.
    public var escalatedCount: Int
    /// Statuses declared not applicable, listed or not.
    public var declaredCount: Int

    /// An overview listing every escalated and declared status, counted from `escalations`.
    public init(summaries: [OrganisationSummary], escalations: [AlertStatus]) {
        let declared = escalations.count { $0.state == .notApplicable }
        self.init(
            summaries: summaries, escalations: escalations, escalatedCount: escalations.count - declared,
            declaredCount: declared)
    }

    public init(
        summaries: [OrganisationSummary], escalations: [AlertStatus], escalatedCount: Int, declaredCount: Int
    ) {
        self.summaries = summaries
        self.escalations = escalations
        self.escalatedCount = escalatedCount
        self.declaredCount = declaredCount
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
    /// so the count and the escalation section agree. Fields are read in place rather than each status copied whole
    /// (a national overview counts some 21,000).
    public init(statuses: [AlertStatus]) {
        for index in statuses.indices {
            add(
                state: statuses[index].state, affected: statuses[index].affectedAt != nil,
                overdue: statuses[index].overdue)
        }
    }

    /// The counts of one organisation's statuses as stored (`facts`), their clocks read at `now`: what
    /// ``init(statuses:)`` counts of the statuses made of them, without making them.
    init(facts: [StatusFacts], terms: [Int64: AlertClocks.Terms], at now: Date) throws {
        for index in facts.indices {
            add(
                state: facts[index].state, affected: facts[index].affectedAt != nil,
                overdue: try StatusFacts.clocks(of: facts, at: index, terms: terms, now: now).overdue)
        }
    }

    /// Counts one status.
    mutating func add(state: AlertStatus.State, affected isAffected: Bool, overdue isOverdue: Bool) {
        issued += 1
        if isAffected { affected += 1 }
        if state != .open { answered += 1 }
        if state == .closed { closed += 1 }
        if isOverdue { overdue += 1 }
    }

    public init(issued: Int = 0, affected: Int = 0, answered: Int = 0, closed: Int = 0, overdue: Int = 0) {
        self.issued = issued
        self.affected = affected
        self.answered = answered
        self.closed = closed
        self.overdue = overdue
    }
}
