public import Foundation
public import VigilCore
public import VigilSubmission

/// The ticket transitions one submission causes, worked out without a database so that the rules of
/// docs/decisions/0001-national-service.md read in one place and every store applies the same ones:
///
/// 1. a finding with no current ticket opens one; on an open or unverified ticket it moves `lastSeen` (an unverified
///    one is *confirmed* open); on a ticket fixed within ``reopenWindow`` it **reopens the same ticket**, so time to
///    remediate stays honest; on one fixed longer ago it opens a new ticket;
/// 2. an open, unverified or excepted ticket without a finding is **fixed only if the submission covered its subject**
///    for its rule (the subject's key is in a coverage group of its area and kind that applies to its rule, or such a
///    group is complete; a group naming other rules only means the check did not run): an exception never hides a
///    fix;
/// 3. an open one whose area and kind the submission carries but whose subject it did not cover becomes
///    *unverified* — a submission of only the patched hosts closes nothing else (an excepted one stays excepted);
/// 4. one whose area and kind the submission does not carry at all is left alone;
/// 5. one keyed by a retired pseudonymisation key (an id up to `retiredThrough`, `vigil admin accept-key`) is never
///    fixed: the submission's keys cannot name its subject, so no coverage, not even of a whole kind, covers it; it
///    becomes *unverified* as an uncovered one does.
public enum TicketPlanner {
    /// A recurrence within this time of the fix reopens the same ticket (CISA's 90 days).
    public static let reopenWindow: TimeInterval = 90 * 86_400

    /// A current ticket as the planner needs it.
    public struct Current: Sendable, Hashable {
        public var id: Int64
        public var rule: RuleID
        public var subject: String
        public var kind: Subject.Kind
        public var area: AssessmentArea
        public var state: Ticket.State
        public var fixedAt: Date?

        public init(
            id: Int64, rule: RuleID, subject: String, kind: Subject.Kind, area: AssessmentArea, state: Ticket.State,
            fixedAt: Date?
        ) {
            self.id = id
            self.rule = rule
            self.subject = subject
            self.kind = kind
            self.area = area
            self.state = state
            self.fixedAt = fixedAt
        }
    }

    /// One change to make.
    public enum Change: Sendable, Hashable {
        /// Open a new ticket for the finding at this position of the submission (and retire `superseding`, a ticket
        /// fixed too long ago to reopen).
        case open(finding: Int, superseding: Int64?)
        /// The finding at this position was seen again on ticket `id`; `confirmed` when it was unverified.
        case seen(id: Int64, finding: Int, confirmed: Bool)
        /// Reopen ticket `id`, fixed within the window, for the finding at this position.
        case reopen(id: Int64, finding: Int)
        /// Covered and absent: fixed.
        case fix(id: Int64)
        /// Its area and kind were assessed but its subject not covered.
        case unverify(id: Int64)
    }

    /// The changes `submission`, as of its `assessedAt`, makes to `current` (the organisation's current tickets), of
    /// which those with ids up to `retiredThrough` were keyed by a retired pseudonymisation key.
    public static func plan(_ submission: Submission, current: [Current], retiredThrough: Int64 = 0) -> [Change] {
        var byKey: [Key: Current] = [:]
        for ticket in current { byKey[key(ticket.rule, ticket.subject)] = ticket }
        var changes: [Change] = []
        var seen = Set<Key>()
        for (position, finding) in submission.findings.enumerated() {
            let key = key(finding.rule, finding.subject)
            // The same rule on the same subject twice is one finding: it never opens two tickets.
            guard seen.insert(key).inserted else { continue }
            guard let ticket = byKey[key] else {
                changes.append(.open(finding: position, superseding: nil))
                continue
            }
            switch ticket.state {
            case .open, .excepted:
                changes.append(.seen(id: ticket.id, finding: position, confirmed: false))
            case .unverified:
                changes.append(.seen(id: ticket.id, finding: position, confirmed: true))
            case .fixed:
                let fixedAt = ticket.fixedAt ?? .distantPast
                if submission.assessedAt.timeIntervalSince(fixedAt) <= reopenWindow {
                    changes.append(.reopen(id: ticket.id, finding: position))
                } else {
                    changes.append(.open(finding: position, superseding: ticket.id))
                }
            }
        }
        // Per area and kind, its groups: one for every rule of the area, or several, each for some rules.
        let groups = Dictionary(grouping: submission.coverage) { "\($0.area.rawValue)/\($0.kind.rawValue)" }
        for ticket in current where !seen.contains(key(ticket.rule, ticket.subject)) {
            guard ticket.state != .fixed else { continue }
            guard let candidates = groups["\(ticket.area.rawValue)/\(ticket.kind.rawValue)"] else { continue }
            // A group for other rules only says nothing of this one (its check did not run): unverified.
            let retired = ticket.id <= retiredThrough
            if !retired, candidates.contains(where: { $0.applies(to: ticket.rule) && $0.covers(ticket.subject) }) {
                changes.append(.fix(id: ticket.id))
            } else if ticket.state == .open {
                changes.append(.unverify(id: ticket.id))
            }
        }
        return changes
    }

    /// A rule and a subject: what identifies a current ticket. (A struct, not the two joined in a string: the
    /// planner keys every current ticket and finding of a submission, and joining them was a string made per key.)
    struct Key: Hashable {
        var rule: RuleID
        var subject: String
    }

    static func key(_ rule: RuleID, _ subject: String) -> Key { Key(rule: rule, subject: subject) }
}
