public import VigilCore

/// The changes evidence makes to one alert for one organisation, worked out without a database (like
/// ``TicketPlanner``) so the rules read in one place:
///
/// 1. a current ticket that is live (open, unverified or excepted) and matches the alert is a **match**: a new match
///    opens, a resolved one reopens;
/// 2. an open match is **resolved** only by a submission assessed on or after the day of the alert's issue (an
///    assessment is dated by its midnight; what it changes is recorded no earlier than the issue), when its ticket is
///    `fixed` (covering evidence no longer shows it) or when that submission saw the ticket, open or excepted, again
///    without any of the alert's advisories on a whole list (the host is still behind, but no longer on this alert's
///    updates; a list naming fewer than the host misses, or with advisories undecided, proves nothing, and an alert
///    linked by updates alone resolves only by the fix). An unverified ticket, or a ticket the submission did not
///    carry, leaves the match open;
/// 3. the alert **closes** when a submission after issue leaves no open match of an affected organisation; a match
///    opening or reopening after closure **reopens** it, and one after a not-applicable declaration overrides it
///    (`applies`). An organisation never shown affected cannot close by evidence: it answers, or declares.
public enum AlertPlanner {
    /// An alert as the planner needs it.
    public struct Alert: Sendable, Hashable {
        public var rules: Set<RuleID>
        /// CVEs and update/bulletin ids, upper-cased.
        public var advisories: Set<String>
        /// Issue time, whole seconds.
        public var issuedAt: Int64

        public init(rules: Set<RuleID>, advisories: Set<String>, issuedAt: Int64) {
            self.rules = rules
            self.advisories = advisories
            self.issuedAt = issuedAt
        }
    }

    /// A current ticket as the planner needs it.
    public struct TicketView: Sendable, Hashable {
        public var id: Int64
        public var rule: RuleID
        public var state: Ticket.State
        /// The CVEs and update id its latest finding named.
        public var advisories: Set<String>
        /// The submission that last showed or changed it.
        public var lastSubmission: Int64
        /// When it last became open (opened, reopened, or its clock restarted), as the evidence's `assessedAt` in
        /// seconds since 1970; read only when an alert is issued.
        public var openedAt: Int64

        public init(
            id: Int64, rule: RuleID, state: Ticket.State, advisories: Set<String>, lastSubmission: Int64,
            openedAt: Int64 = 0
        ) {
            self.id = id
            self.rule = rule
            self.state = state
            self.advisories = advisories
            self.lastSubmission = lastSubmission
            self.openedAt = openedAt
        }
    }

    /// The evidence being applied: its submission id and assessment date (whole seconds).
    public struct Evidence: Sendable, Hashable {
        public var submission: Int64
        public var at: Int64

        public init(submission: Int64, at: Int64) {
            self.submission = submission
            self.at = at
        }
    }

    /// One change to make.
    public enum Change: Sendable, Hashable {
        case openMatch(ticket: Int64)
        case reopenMatch(ticket: Int64)
        case resolveMatch(ticket: Int64)
        /// The status's event: `affected`, `applies`, `reopened` or `closed`.
        case status(AlertEvent.Kind)
    }

    /// Whether `ticket` is one of the alert's: its rule is linked (or none are) and it names a linked advisory (or
    /// none are).
    public static func matches(_ alert: Alert, _ ticket: TicketView) -> Bool {
        (alert.rules.isEmpty || alert.rules.contains(ticket.rule))
            && (alert.advisories.isEmpty || !alert.advisories.isDisjoint(with: ticket.advisories))
    }

    /// The changes for an alert in `state` whose matches are `matches` (ticket id → open?), given the organisation's
    /// current tickets and, when a submission is being applied, its evidence.
    public static func plan(
        _ alert: Alert, state: AlertStatus.State, matches: [Int64: Bool], tickets: [TicketView], evidence: Evidence?
    ) -> [Change] {
        var changes: [Change] = []
        var open = matches
        for ticket in tickets where ticket.state != .fixed && Self.matches(alert, ticket) {
            switch matches[ticket.id] {
            case nil:
                changes.append(.openMatch(ticket: ticket.id))
                open[ticket.id] = true
            case false?:
                changes.append(.reopenMatch(ticket: ticket.id))
                open[ticket.id] = true
            case true?:
                break
            }
        }
        // Evidence as of the day of issue counts: an assessment is dated by its day (midnight, UTC), so one run that
        // afternoon, after the alert, would otherwise never close it.
        let issueDay = alert.issuedAt - ((alert.issuedAt % 86_400) + 86_400) % 86_400
        let later = evidence.map { $0.at >= issueDay } ?? false
        if let evidence, later {
            let byID = Dictionary(tickets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for (id, isOpen) in matches.sorted(by: { $0.key < $1.key }) where isOpen {
                // A ticket not among the views (the store passes live ones only) was fixed, or superseded after
                // its fix: either way evidence fixed it.
                guard let ticket = byID[id] else {
                    changes.append(.resolveMatch(ticket: id))
                    open[id] = false
                    continue
                }
                let fixed = ticket.state == .fixed
                // Seen without the alert's advisories proves them fixed only when the finding listed everything the
                // host misses: a host missing hundreds lists the worst first, and the alert's may be among the rest.
                // An excepted ticket too: an exception never hides a fix.
                let seenWithout =
                    (ticket.state == .open || ticket.state == .excepted) && ticket.lastSubmission == evidence.submission
                    && !Self.matches(alert, ticket)
                    && (alert.advisories.isEmpty || !ticket.advisories.contains(Self.unlisted))
                    // An update named as the one to install moves to each month's newest: a finding no longer naming
                    // it says nothing of the fix. An alert linked by updates alone resolves when its ticket is fixed.
                    && (alert.advisories.isEmpty || alert.advisories.contains { !$0.hasPrefix("KB") })
                if fixed || seenWithout {
                    changes.append(.resolveMatch(ticket: id))
                    open[id] = false
                }
            }
        }
        let opened = changes.contains {
            if case .openMatch = $0 { return true }
            if case .reopenMatch = $0 { return true }
            return false
        }
        if opened {
            switch state {
            case .closed: changes.append(.status(.reopened))
            case .notApplicable: changes.append(.status(.applies))
            case .open, .acknowledged: if matches.isEmpty { changes.append(.status(.affected)) }
            }
        } else if later, state != .closed, state != .notApplicable, !matches.isEmpty, !open.values.contains(true) {
            changes.append(.status(.closed))
        }
        return changes
    }

    /// Among a ticket's advisories when its finding names fewer vulnerabilities than the host misses (`listed` holds
    /// the worst twenty, or at most 64 in a submission): what is not named may still be missing.
    public static let unlisted = "+UNLISTED"

    /// The CVEs and update id a finding's facts name, upper-cased: what an alert's advisories are matched against;
    /// with ``unlisted`` when the finding counts more vulnerabilities than it names.
    public static func advisories(facts: [String: String]) -> Set<String> {
        var names = Set<String>()
        var listed = 0
        if let cves = facts["listed"] {
            for cve in cves.split(separator: ",") {
                names.insert(cve.uppercased())
                listed += 1
            }
        }
        if let total = facts["vulnerabilities"].flatMap({ Int($0) }), total > listed { names.insert(unlisted) }
        // A host partly decided: what its evidence could not decide may be what an alert is about.
        if let undecided = facts["undecided"].flatMap({ Int($0) }), undecided > 0 { names.insert(unlisted) }
        if let install = facts["install"] { names.insert(install.uppercased()) }
        return names
    }
}
