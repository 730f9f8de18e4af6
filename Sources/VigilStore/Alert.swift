public import Foundation
public import VigilCore

/// An alert to issue (docs/decisions/0001-national-service.md, "Alerts"): what it is about, what it matches, and its
/// two clocks. It matches a ticket whose rule is one of ``rules`` (any rule when empty) and whose advisories (the
/// CVEs a finding lists and the update it asks for) meet ``cves`` or ``advisories`` (any when both are empty).
public struct NewAlert: Sendable, Hashable {
    /// One line, at most 200 characters.
    public var title: String
    /// The alert's own severity.
    public var severity: Severity
    /// The rules it links.
    public var rules: [RuleID]
    /// The CVEs it links (`CVE-2017-0144`).
    public var cves: [String]
    /// Update and bulletin ids it links (`KB4012212`, `MS17-010`). A bulletin matches through its CVEs, which the
    /// caller lists in ``cves`` (submissions carry CVEs and update ids, not bulletin names).
    public var advisories: [String]
    /// When it was issued.
    public var issuedAt: Date
    /// When every organisation should have acknowledged it (48 hours after issue by default).
    public var acknowledgeBy: Date
    /// When affected organisations should have fixed it, when the analyst gives a date; otherwise
    /// ``remediationDays`` runs from when each organisation's evidence shows it affected.
    public var remediateBy: Date?
    /// Days each affected organisation has from when its evidence first shows it affected, when no date is given
    /// (``RemediationPolicy`` by severity and ``knownExploited``, or the analyst's own number).
    public var remediationDays: Int?
    /// The alert is about a vulnerability known to be exploited (CISA KEV): its clock by days is the KEV one.
    public var knownExploited: Bool

    /// The default acknowledgement clock: 48 hours.
    public static let defaultAcknowledgement: TimeInterval = 48 * 3_600

    /// An alert whose remediation clock is a date (`remediateBy`) or a number of days from each organisation's
    /// evidence (`remediationDays`, or the default ``RemediationPolicy``'s days for `severity` when neither is given).
    public init(
        title: String, severity: Severity, rules: [RuleID] = [], cves: [String] = [], advisories: [String] = [],
        issuedAt: Date, acknowledgeBy: Date? = nil, remediateBy: Date? = nil, remediationDays: Int? = nil,
        knownExploited: Bool = false
    ) {
        self.title = title
        self.severity = severity
        self.rules = rules
        self.cves = cves
        self.advisories = advisories
        self.issuedAt = issuedAt
        self.acknowledgeBy = acknowledgeBy ?? issuedAt.addingTimeInterval(Self.defaultAcknowledgement)
        self.remediateBy = remediateBy
        self.knownExploited = knownExploited
        self.remediationDays =
            remediateBy == nil
            ? (remediationDays ?? RemediationPolicy().days(severity: severity, knownExploited: knownExploited))
            : remediationDays
    }
}

/// A stored alert.
public struct AlertRecord: Sendable, Hashable, Codable {
    /// The store's id.
    public var id: Int64
    /// Its title.
    public var title: String
    /// Its severity.
    public var severity: Severity
    /// The rules it links, sorted.
    public var rules: [RuleID]
    /// The CVEs it links, sorted.
    public var cves: [String]
    /// The update and bulletin ids it links, sorted.
    public var advisories: [String]
    /// When it was issued.
    public var issuedAt: Date
    /// The acknowledgement clock.
    public var acknowledgeBy: Date
    /// The remediation clock as a date, when the analyst gave one.
    public var remediateBy: Date?
    /// The remediation clock as days from each organisation's evidence showing it affected, when no date was given.
    public var remediationDays: Int?
    /// About a vulnerability known to be exploited (CISA KEV).
    public var knownExploited: Bool

    public init(
        id: Int64, title: String, severity: Severity, rules: [RuleID], cves: [String], advisories: [String],
        issuedAt: Date, acknowledgeBy: Date, remediateBy: Date?, remediationDays: Int? = nil,
        knownExploited: Bool = false
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.rules = rules
        self.cves = cves
        self.advisories = advisories
        self.issuedAt = issuedAt
        self.acknowledgeBy = acknowledgeBy
        self.remediateBy = remediateBy
        self.remediationDays = remediationDays
        self.knownExploited = knownExploited
    }

    /// The remediation clock of an organisation first shown affected at `affectedAt`: the alert's date, else that
    /// time plus the alert's days; nil when neither applies (no date, and not shown affected).
    public func remediationDue(affectedAt: Date?) -> Date? {
        AlertClocks.Terms(self).remediationDue(affectedAt: affectedAt)
    }
}

/// Where one alert stands for one organisation, with its clocks read at a given time.
public struct AlertStatus: Sendable, Hashable, Codable {
    /// The organisation's response and the evidence's verdict.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Not yet answered, and not closed by evidence.
        case open
        /// Acknowledged by the organisation, not yet closed by evidence.
        case acknowledged
        /// Declared not applicable with a reason, and no evidence says otherwise.
        case notApplicable = "not-applicable"
        /// A submission after issue covered every matching subject and no longer shows the linked findings.
        case closed
    }

    /// What the evidence says about the alert for this organisation.
    public enum Applicability: String, Sendable, Codable, CaseIterable {
        /// Some submission showed a matching ticket open at or after issue.
        case affected
        /// No evidence so far has shown a matching open ticket.
        case unaffectedSoFar = "unaffected-so-far"
    }

    /// The alert.
    public var alert: AlertRecord
    /// The organisation.
    public var organisation: OrganisationRecord
    /// Where it stands.
    public var state: State
    /// What the evidence says.
    public var applicability: Applicability
    /// Matching tickets not yet resolved by evidence.
    public var openMatches: Int
    /// Those of them under a valid exception (their tickets `excepted`): when every open match is, the remediation
    /// clock does not escalate.
    public var exceptedMatches: Int
    /// When evidence first showed a matching open ticket.
    public var affectedAt: Date?
    /// When the organisation acknowledged it.
    public var acknowledgedAt: Date?
    /// When the organisation declared it not applicable, while it stands.
    public var notApplicableAt: Date?
    /// The organisation's reason, while the declaration stands.
    public var notApplicableReason: String?
    /// The evidence date of the submission that closed it, while closed.
    public var closedAt: Date?
    /// The submission that closed it, while closed.
    public var closedSubmission: Int64?
    /// How often evidence showed it again after closure.
    public var reopenCount: Int
    /// Not acknowledged (nor declared not applicable, nor closed) after the acknowledgement clock.
    public var acknowledgementOverdue: Bool
    /// This organisation's acknowledgement clock: the alert's, or for an organisation created after the alert was
    /// recorded, as long from its creation as the alert gave from its issue (``AlertClocks/Terms/joined(at:)``).
    public var acknowledgeBy: Date
    /// Affected and not closed after the remediation clock.
    public var remediationOverdue: Bool
    /// This organisation's remediation clock: the alert's date (moved as ``acknowledgeBy`` is for an organisation
    /// created after the alert was recorded), or (a clock by days) the days from when its evidence first showed it
    /// affected, absent until it is.
    public var remediateBy: Date?
    /// How far a missed clock has escalated (``Escalation``).
    public var escalation: Escalation
    /// ``escalation`` as a number, 0 to 3, for sorting and spreadsheets.
    public var escalationLevel: Int
    /// Seconds from issue (for an organisation created after the alert, from its joining) to the closing evidence,
    /// while closed.
    public var timeToClosure: Int64?

    public init(
        alert: AlertRecord, organisation: OrganisationRecord, state: State, applicability: Applicability,
        openMatches: Int, exceptedMatches: Int = 0, affectedAt: Date?, acknowledgedAt: Date?, notApplicableAt: Date?,
        notApplicableReason: String?, closedAt: Date?, closedSubmission: Int64?, reopenCount: Int,
        joinedAt: Date? = nil, at now: Date
    ) {
        self.alert = alert
        self.organisation = organisation
        self.state = state
        self.applicability = applicability
        self.openMatches = openMatches
        self.exceptedMatches = exceptedMatches
        self.affectedAt = affectedAt
        self.acknowledgedAt = acknowledgedAt
        self.notApplicableAt = notApplicableAt
        self.notApplicableReason = notApplicableReason
        self.closedAt = closedAt
        self.closedSubmission = closedSubmission
        self.reopenCount = reopenCount
        let terms = AlertClocks.Terms(alert).joined(at: joinedAt)
        let clocks = AlertClocks(
            alert: terms, state: state, applicability: applicability, openMatches: openMatches,
            exceptedMatches: exceptedMatches, affectedAt: affectedAt, at: now)
        acknowledgementOverdue = clocks.acknowledgementOverdue
        remediationOverdue = clocks.remediationOverdue
        acknowledgeBy = clocks.acknowledgeBy
        remediateBy = clocks.due ?? terms.remediateBy
        escalation = clocks.escalation
        escalationLevel = escalation.level
        // From the issue, or for an organisation created after it, from its joining (never below zero: closing
        // evidence is dated by its day's midnight).
        let start = max(alert.issuedAt, joinedAt ?? alert.issuedAt)
        timeToClosure = closedAt.map {
            max(0, Int64($0.timeIntervalSince1970.rounded(.down)) - Int64(start.timeIntervalSince1970.rounded(.down)))
        }
    }

    /// Either clock missed.
    public var overdue: Bool { acknowledgementOverdue || remediationOverdue }
}

/// One entry of an alert's append-only history for one organisation.
public struct AlertEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Codable {
        /// Evidence showed a matching open ticket for the first time.
        case affected
        /// The organisation acknowledged.
        case acknowledged
        /// The organisation declared it not applicable.
        case notApplicable = "not-applicable"
        /// Evidence showed a matching open ticket after a not-applicable declaration, which it overrides.
        case applies
        /// A later submission resolved every match.
        case closed
        /// Evidence showed a matching open ticket after closure.
        case reopened
    }

    /// What happened.
    public var kind: Kind
    /// When: the evidence's date for evidence, the request's time for an answer.
    public var at: Date
    /// The submission whose evidence caused it.
    public var submission: Int64?

    public init(kind: Kind, at: Date, submission: Int64?) {
        self.kind = kind
        self.at = at
        self.submission = submission
    }
}

/// How people are shown a remediation deadline. `--remediate-by 2026-12-10` means the end of that day, kept as the
/// next midnight (UTC) so that clocks compare instants; shown as that instant, people read a day more than they have.
public enum DeadlineDay {
    /// The last day `deadline` allows when it ends a day (`2026-12-10`, the day of the instant just before it); a
    /// deadline within a day (a clock of days from when evidence showed an organisation affected) with its time,
    /// `2026-12-18 09:00 UTC`.
    public static func string(_ deadline: Date) -> String {
        let intoDay = Int(deadline.timeIntervalSince(CivilDate.day(of: deadline)))
        guard intoDay != 0 else { return CivilDate.string(deadline.addingTimeInterval(-1)) }
        return CivilDate.string(deadline) + String(format: " %02d:%02d UTC", intoDay / 3_600, intoDay % 3_600 / 60)
    }

    /// ``string(_:)``, saying that a day's deadline is its end.
    public static func described(_ deadline: Date) -> String {
        CivilDate.day(of: deadline) == deadline ? string(deadline) + " (end of day, UTC)" : string(deadline)
    }
}
