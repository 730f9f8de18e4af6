public import Foundation
public import VigilCore

/// The score that compares organisations (issue 16, docs/score.md): age-weighted open exposure by severity, the share
/// of findings fixed within their deadline, time to remediate per severity, and the freshness of the evidence. Pure:
/// computed from ticket timings at a clock the caller passes, so it can be recomputed as at any earlier date and tested
/// for monotonicity without a database.
public struct OrganisationScore: Sendable, Hashable {
    /// One ticket's timing, all the score reads of it.
    public struct Timing: Sendable, Hashable {
        /// The rule (a known-exploited update has a shorter deadline).
        public var rule: RuleID
        /// The finding's own severity.
        public var severity: Severity
        /// When evidence first showed it.
        public var openedAt: Date
        /// When covering evidence showed it fixed, while fixed.
        public var fixedAt: Date?

        public init(rule: RuleID, severity: Severity, openedAt: Date, fixedAt: Date?) {
            self.rule = rule
            self.severity = severity
            self.openedAt = openedAt
            self.fixedAt = fixedAt
        }

        /// The ticket as it stood at `date`: `nil` before it opened, open if its fix came later.
        public func asOf(_ date: Date) -> Timing? {
            guard openedAt <= date else { return nil }
            var timing = self
            if let fixedAt, fixedAt > date { timing.fixedAt = nil }
            return timing
        }
    }

    /// Time to remediate one severity's fixed findings, in days.
    public struct Remediation: Sendable, Hashable {
        /// Fixed findings measured.
        public var count: Int
        /// The median, nearest rank.
        public var median: Double
        /// The 90th percentile, nearest rank.
        public var p90: Double

        public init(count: Int, median: Double, p90: Double) {
            self.count = count
            self.median = median
            self.p90 = p90
        }
    }

    /// Evidence older than this is stale: the organisation is flagged, not scored.
    public static let staleAfter: TimeInterval = 14 * 86_400
    /// Weight of one open finding by severity, before its age.
    public static let weights: [Severity: Double] = Dictionary(
        uniqueKeysWithValues: Severity.allCases.map { ($0, weight($0)) })
    /// Days each open finding has to be fixed in: by severity, shorter for a known-exploited update (CISA's KEV
    /// due-date practice); informational findings have none.
    public static func deadline(_ timing: Timing) -> Double? {
        deadline(severity: timing.severity, exploited: isExploited(timing.rule))
    }

    /// Days to fix a finding of `severity`: the default remediation clock an alert of that severity gets
    /// (``RemediationPolicy``), so the score and the alerts hold an organisation to one set of deadlines; the
    /// known-exploited clock for a known-exploited update; `nil` for informational findings, which the score does not
    /// count.
    public static func deadline(severity: Severity, exploited: Bool) -> Double? {
        guard severity != .info else { return nil }
        return Double(RemediationPolicy().days(severity: severity, knownExploited: exploited))
    }

    /// Whether findings of `rule` take the known-exploited deadline.
    public static func isExploited(_ rule: RuleID) -> Bool { rule == .updateMissingExploited }

    /// The date the score is as at.
    public var at: Date
    /// The latest evidence's date, `nil` when there is none.
    public var lastEvidence: Date?
    /// Σ weight × (1 + age in days / 30) over open findings.
    public var exposure: Double
    /// Open findings by severity.
    public var open: [Severity: Int]
    /// Findings whose deadline has come (fixed, or open past it).
    public var due: Int
    /// Of those, fixed within the deadline.
    public var fixedOnTime: Int
    /// Time to remediate by severity, for severities with a fixed finding.
    public var remediation: [Severity: Remediation]

    /// The evidence is older than ``staleAfter`` at ``at``, or missing.
    public var isStale: Bool {
        guard let lastEvidence else { return true }
        return at.timeIntervalSince(lastEvidence) > Self.staleAfter
    }

    /// Fixed on time over due, 1 when nothing is due yet.
    public var onTimeShare: Double { due == 0 ? 1 : Double(fixedOnTime) / Double(due) }

    /// 1 with nothing open, falling with exposure on a logarithmic scale (`1 / (1 + log10(1 + E / 10))`), so that
    /// a practice with dozens of findings and a trust with thousands still differ.
    public var exposureFactor: Double { 1 / (1 + log10(1 + exposure / 10)) }

    /// 0–100, higher is better: `50 × onTimeShare + 50 × exposureFactor`; `nil` when stale — an organisation
    /// without recent evidence is not scored as clean.
    public var value: Double? { isStale ? nil : 50 * onTimeShare + 50 * exposureFactor }

    /// The score of `tickets` at `now`, with the latest evidence at `lastEvidence`: the score of their
    /// ``ScoreBasis``.
    public init(tickets: some Sequence<Timing>, lastEvidence: Date?, at now: Date) {
        self.init(basis: ScoreBasis(tickets: tickets), lastEvidence: lastEvidence, at: now)
    }

    /// The score of the tickets `basis` was made from, at `now`: fixed tickets as counted, each open group aged to
    /// `now` (never below zero days) and due once older than its deadline.
    public init(basis: ScoreBasis, lastEvidence: Date?, at now: Date) {
        at = now
        self.lastEvidence = lastEvidence
        exposure = 0
        open = [:]
        due = basis.fixedDue
        fixedOnTime = basis.fixedOnTime
        remediation = basis.remediation
        let clock = now.timeIntervalSince1970
        // Counted by severity in a fixed array, the dictionary filled once: a national overview scores every
        // organisation twice, and hashing a severity per group was a tenth of its time (perf, bench/service.sh).
        var counts = [Int](repeating: 0, count: Severity.allCases.count)
        for group in basis.open {
            let age = max(0, (clock - group.openedAt) / 86_400)
            counts[Self.index(group.severity)] += group.count
            exposure += Self.weight(group.severity) * (1 + age / 30) * Double(group.count)
            if let deadline = Self.deadline(severity: group.severity, exploited: group.exploited), age > deadline {
                due += group.count
            }
        }
        open.reserveCapacity(Severity.allCases.count)
        for severity in Severity.allCases where counts[Self.index(severity)] > 0 {
            open[severity] = counts[Self.index(severity)]
        }
    }

    /// Weight of one open finding of `severity`, before its age: critical 10, high 5, medium 2, low 1, info 0.
    static func weight(_ severity: Severity) -> Double {
        switch severity {
        case .critical: 10
        case .high: 5
        case .medium: 2
        case .low: 1
        case .info: 0
        }
    }

    /// The position of `severity` in `Severity.allCases`.
    static func index(_ severity: Severity) -> Int {
        switch severity {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }
}
