public import Foundation
public import VigilCore

/// Everything ``OrganisationScore`` reads of an organisation's tickets, grouped as small as the history allows: open
/// tickets by severity, deadline and opening instant (what exposure and "due" depend on as the clock moves), fixed
/// tickets as counts and time-to-remediate percentiles (which no clock changes). It changes only when tickets change,
/// so the store keeps one per organisation, refreshed in the transaction that changes them, and the pages evaluate it
/// at their own clock instead of reading every ticket (docs/score.md, "Cost").
///
/// The score computed from tickets is computed through a basis too (``OrganisationScore/init(tickets:lastEvidence:at:)``),
/// so a stored basis and the tickets it was made from give the same score by construction.
public struct ScoreBasis: Sendable, Hashable {
    /// Open (or unverified) tickets alike in everything the score reads of them.
    public struct OpenGroup: Sendable, Hashable {
        /// Their severity.
        public var severity: Severity
        /// Known-exploited missing updates, whose deadline is shorter (``OrganisationScore/deadline(severity:exploited:)``).
        public var exploited: Bool
        /// When evidence first showed them, in seconds since 1970.
        public var openedAt: TimeInterval
        /// How many.
        public var count: Int

        public init(severity: Severity, exploited: Bool, openedAt: TimeInterval, count: Int) {
            self.severity = severity
            self.exploited = exploited
            self.openedAt = openedAt
            self.count = count
        }

        /// The order groups are kept in: oldest first, so a stored basis is the same text for the same tickets.
        static func ordered(_ left: OpenGroup, _ right: OpenGroup) -> Bool {
            (left.openedAt, left.severity, left.exploited ? 1 : 0) < (
                right.openedAt, right.severity, right.exploited ? 1 : 0
            )
        }
    }

    /// Fixed tickets alike in everything the score reads of them.
    public struct FixedGroup: Sendable, Hashable {
        /// Their severity.
        public var severity: Severity
        /// Known-exploited missing updates.
        public var exploited: Bool
        /// Days from opening to the fix (never below zero).
        public var days: Double
        /// How many.
        public var count: Int

        public init(severity: Severity, exploited: Bool, days: Double, count: Int) {
            self.severity = severity
            self.exploited = exploited
            self.days = days
            self.count = count
        }
    }

    /// Open tickets, grouped; oldest first.
    public var open: [OpenGroup]
    /// Fixed tickets that had a deadline: always due.
    public var fixedDue: Int
    /// Of those, fixed within it.
    public var fixedOnTime: Int
    /// Time to remediate by severity, for severities with a fixed ticket.
    public var remediation: [Severity: OrganisationScore.Remediation]

    public init(
        open: [OpenGroup] = [], fixedDue: Int = 0, fixedOnTime: Int = 0,
        remediation: [Severity: OrganisationScore.Remediation] = [:]
    ) {
        self.open = open
        self.fixedDue = fixedDue
        self.fixedOnTime = fixedOnTime
        self.remediation = remediation
    }

    /// The basis of `tickets`, one timing per ticket.
    public init(tickets: some Sequence<OrganisationScore.Timing>) {
        self.init(counted: tickets.lazy.map { (timing: $0, count: 1) })
    }

    /// The basis of tickets given as timings with how many tickets share each. Counts below one are ignored.
    public init(counted tickets: some Sequence<(timing: OrganisationScore.Timing, count: Int)>) {
        var open: [OpenGroup] = []
        var fixed: [FixedGroup] = []
        for (ticket, count) in tickets where count > 0 {
            let exploited = OrganisationScore.isExploited(ticket.rule)
            if let fixedAt = ticket.fixedAt {
                fixed.append(
                    FixedGroup(
                        severity: ticket.severity, exploited: exploited,
                        days: max(0, fixedAt.timeIntervalSince(ticket.openedAt) / 86_400), count: count))
            } else {
                open.append(
                    OpenGroup(
                        severity: ticket.severity, exploited: exploited,
                        openedAt: ticket.openedAt.timeIntervalSince1970, count: count))
            }
        }
        self.init(open: open, fixed: fixed)
    }

    /// The basis of open and fixed tickets already grouped (what the store's grouped queries return): groups alike
    /// are merged, counts below one ignored, and the fixed ones summed into counts due and on time and percentiles.
    public init(open: some Sequence<OpenGroup>, fixed: some Sequence<FixedGroup>) {
        var merged: [OpenKey: Int] = [:]
        for group in open where group.count > 0 {
            merged[
                OpenKey(severity: group.severity, exploited: group.exploited, openedAt: group.openedAt), default: 0] +=
                group.count
        }
        self.open = merged.map {
            OpenGroup(
                severity: $0.key.severity, exploited: $0.key.exploited, openedAt: $0.key.openedAt, count: $0.value)
        }.sorted(by: OpenGroup.ordered)
        var days: [Severity: [(days: Double, count: Int)]] = [:]
        var fixedDue = 0
        var fixedOnTime = 0
        for group in fixed where group.count > 0 {
            days[group.severity, default: []].append((group.days, group.count))
            if let deadline = OrganisationScore.deadline(severity: group.severity, exploited: group.exploited) {
                fixedDue += group.count
                if group.days <= deadline { fixedOnTime += group.count }
            }
        }
        self.fixedDue = fixedDue
        self.fixedOnTime = fixedOnTime
        remediation = days.mapValues { groups in
            let sorted = groups.sorted { $0.days < $1.days }
            let count = sorted.reduce(0) { $0 + $1.count }
            return OrganisationScore.Remediation(
                count: count, median: Self.rank(sorted, 0.5, of: count), p90: Self.rank(sorted, 0.9, of: count))
        }
    }

    /// The nearest-rank percentile `p` of `count` values given as sorted values with their multiplicities: the value
    /// ``OrganisationScore`` would find at that rank in the values written out one by one.
    static func rank(_ sorted: [(days: Double, count: Int)], _ p: Double, of count: Int) -> Double {
        let index = min(max(Int((p * Double(count)).rounded(.up)) - 1, 0), count - 1)
        var seen = 0
        for group in sorted {
            seen += group.count
            if index < seen { return group.days }
        }
        return sorted.last?.days ?? 0
    }

    /// The bases of the same tickets (timings with how many tickets share each) as they stood at each of `dates`
    /// (``OrganisationScore/Timing/asOf(_:)``): the daily series the month-on-month comparison reads, made from
    /// tickets where it was not kept as it happened (a database from before scores were stored, the seeder).
    public static func series(
        of tickets: [(timing: OrganisationScore.Timing, count: Int)], at dates: [Date]
    ) -> [ScoreBasis] {
        dates.map { date in
            ScoreBasis(
                counted: tickets.lazy.compactMap { ticket in ticket.timing.asOf(date).map { ($0, ticket.count) } })
        }
    }

    private struct OpenKey: Hashable {
        var severity: Severity
        var exploited: Bool
        var openedAt: TimeInterval
    }
}
