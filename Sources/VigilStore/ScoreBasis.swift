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

    /// The basis of tickets given as timings with how many tickets share each (what a grouped query returns).
    /// Counts below one are ignored.
    public init(counted tickets: some Sequence<(timing: OrganisationScore.Timing, count: Int)>) {
        var open: [OpenKey: Int] = [:]
        var days: [Severity: [Double]] = [:]
        var fixedDue = 0
        var fixedOnTime = 0
        for (ticket, count) in tickets where count > 0 {
            let exploited = OrganisationScore.isExploited(ticket.rule)
            let deadline = OrganisationScore.deadline(severity: ticket.severity, exploited: exploited)
            guard let fixedAt = ticket.fixedAt else {
                let key = OpenKey(
                    severity: ticket.severity, exploited: exploited, openedAt: ticket.openedAt.timeIntervalSince1970)
                open[key, default: 0] += count
                continue
            }
            let taken = max(0, fixedAt.timeIntervalSince(ticket.openedAt) / 86_400)
            days[ticket.severity, default: []].append(contentsOf: repeatElement(taken, count: count))
            if let deadline {
                fixedDue += count
                if taken <= deadline { fixedOnTime += count }
            }
        }
        self.open = open.map {
            OpenGroup(
                severity: $0.key.severity, exploited: $0.key.exploited, openedAt: $0.key.openedAt, count: $0.value)
        }.sorted(by: OpenGroup.ordered)
        self.fixedDue = fixedDue
        self.fixedOnTime = fixedOnTime
        remediation = days.mapValues { values in
            let sorted = values.sorted()
            return OrganisationScore.Remediation(
                count: sorted.count, median: OrganisationScore.rank(sorted, 0.5),
                p90: OrganisationScore.rank(sorted, 0.9))
        }
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
