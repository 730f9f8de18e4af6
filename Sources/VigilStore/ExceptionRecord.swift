public import Foundation
public import VigilCore

/// A request to except one ticket for a time (docs/decisions/0001-national-service.md, "Exceptions"): the ticket,
/// optionally the alert whose match prompted it, why, what compensates, and until when.
public struct NewException: Sendable, Hashable {
    /// The ticket to except (a live one: open or unverified).
    public var ticket: Int64
    /// The alert whose match on that ticket prompted the request, if any: the match must be open.
    public var alert: Int64?
    /// Why the finding cannot be remediated now: one line, 1 to 500 characters.
    public var reason: String
    /// What reduces the risk meanwhile: one line, 1 to 1,000 characters.
    public var controls: String
    /// When the exception ends: after the request, at most ``ExceptionRecord/longest`` after it.
    public var expiresAt: Date

    public init(ticket: Int64, alert: Int64? = nil, reason: String, controls: String, expiresAt: Date) {
        self.ticket = ticket
        self.alert = alert
        self.reason = reason
        self.controls = controls
        self.expiresAt = expiresAt
    }
}

/// An exception with its history, as the national list shows it.
public struct ExceptionRecord: Sendable, Hashable, Codable {
    /// Where an exception stands.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Asked for, not yet decided.
        case requested
        /// Approved: the ticket is excepted until the expiry.
        case approved
        /// Refused by the approver.
        case rejected
        /// Past its expiry: the ticket was reactivated (if still excepted) and its clock restarted; or a request
        /// never decided before its expiry.
        case expired
    }

    /// The ticket excepted, as the list needs it.
    public struct TicketSummary: Sendable, Hashable, Codable {
        public var id: Int64
        public var rule: RuleID
        /// The subject's pseudonymous key.
        public var subject: String
        public var severity: Severity
        /// The ticket's state now.
        public var state: Ticket.State

        public init(id: Int64, rule: RuleID, subject: String, severity: Severity, state: Ticket.State) {
            self.id = id
            self.rule = rule
            self.subject = subject
            self.severity = severity
            self.state = state
        }
    }

    /// The longest an exception may run: 365 days from its request or approval.
    public static let longest: TimeInterval = 365 * 86_400

    /// The store's id.
    public var id: Int64
    /// The organisation whose ticket it is.
    public var organisation: OrganisationRecord
    /// The ticket.
    public var ticket: TicketSummary
    /// The alert whose match prompted it, if any.
    public var alert: Int64?
    /// Why.
    public var reason: String
    /// What compensates.
    public var controls: String
    /// Where it stands.
    public var state: State
    /// Approved, not yet past its expiry at the time it was read, and its ticket excepted by it: only then does it keep
    /// the ticket out of the open exposure. Not once evidence has fixed the ticket (an exception never hides a fix;
    /// listed as in force, it would read as a risk still accepted) or a finding has opened it again.
    public var valid: Bool
    /// Who asked (sign-in name).
    public var requestedBy: String
    /// When.
    public var requestedAt: Date
    /// When it ends.
    public var expiresAt: Date
    /// Who approved or rejected it.
    public var decidedBy: String?
    /// When.
    public var decidedAt: Date?
    /// When it expired, once swept.
    public var endedAt: Date?
    /// Every step, oldest first.
    public var events: [ExceptionEvent]

    public init(
        id: Int64, organisation: OrganisationRecord, ticket: TicketSummary, alert: Int64?, reason: String,
        controls: String, state: State, requestedBy: String, requestedAt: Date, expiresAt: Date, decidedBy: String?,
        decidedAt: Date?, endedAt: Date?, events: [ExceptionEvent], at now: Date
    ) {
        self.id = id
        self.organisation = organisation
        self.ticket = ticket
        self.alert = alert
        self.reason = reason
        self.controls = controls
        self.state = state
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.endedAt = endedAt
        self.events = events
        valid = state == .approved && now < expiresAt && ticket.state == .excepted
    }
}

/// One step of an exception's append-only history: who, when, and on which ticket.
public struct ExceptionEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Asked for.
        case requested
        /// Approved; the ticket became excepted.
        case approved
        /// Refused.
        case rejected
        /// Its expiry passed.
        case expired
        /// The expiry reactivated the ticket and restarted its clock.
        case reactivated
    }

    /// What happened.
    public var kind: Kind
    /// When (an expiry is stamped with the expiry time, not the sweep's).
    public var at: Date
    /// The person's sign-in name, or `sweep` for an expiry.
    public var who: String
    /// The ticket it concerned.
    public var ticket: Int64

    public init(kind: Kind, at: Date, who: String, ticket: Int64) {
        self.kind = kind
        self.at = at
        self.who = who
        self.ticket = ticket
    }
}

/// A decision on a requested exception.
public enum ExceptionDecision: String, Sendable, Hashable, Codable {
    case approved, rejected
}
