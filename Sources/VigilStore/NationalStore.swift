public import Foundation
public import VigilCore
public import VigilSubmission

/// The national service's storage (docs/decisions/0001-national-service.md): organisations, submission tokens,
/// submissions, tickets with their append-only history, and daily aggregates. One implementation over sql-kit serves
/// SQLite and PostgreSQL; the conformance suite in `VigilStoreTests` is generic over this protocol and runs on both.
public protocol NationalStore: Sendable {
    /// Applies every migration not yet applied, in order; safe to call on every start and from several servers.
    func migrate() async throws

    /// Adds an organisation; its ODS code must be new.
    func createOrganisation(_ organisation: NewOrganisation) async throws -> OrganisationRecord

    /// The organisation with `code`, if any.
    func organisation(code: String) async throws -> OrganisationRecord?

    /// Every organisation, by path.
    func organisations() async throws -> [OrganisationRecord]

    /// A new submission token for the organisation with `code`: returned once, stored only as its SHA-256.
    func issueToken(organisation code: String, at date: Date) async throws -> String

    /// The organisation a live token belongs to, or `nil` for an unknown or revoked token.
    func organisation(token: String) async throws -> OrganisationRecord?

    /// Records `submission` for `organisation` and updates its tickets and daily aggregates in one transaction. The
    /// same document again (by digest) changes nothing and returns the first receipt, marked duplicate.
    func ingest(_ submission: Submission, organisation: Int64, receivedAt: Date) async throws -> Receipt

    /// The organisation's current tickets (the latest per rule and subject), by rule then subject.
    func tickets(organisation: Int64) async throws -> [Ticket]

    /// A ticket's history, oldest first.
    func events(ticket: Int64) async throws -> [TicketEvent]

    /// The organisation's daily aggregates, oldest first.
    func daily(organisation: Int64) async throws -> [OrganisationDay]

    /// The latest daily aggregate of every organisation, by path: the national overview reads only this.
    func overview() async throws -> [OverviewRow]

    /// Issues an alert: every organisation gets a status, and current tickets are matched at once.
    func issueAlert(_ alert: NewAlert) async throws -> AlertRecord

    /// Every alert, newest first.
    func alerts() async throws -> [AlertRecord]

    /// The alert with `id`, if any.
    func alert(id: Int64) async throws -> AlertRecord?

    /// Every organisation's status for one alert, by path, its clocks read at `now`.
    func alertStatuses(alert: Int64, at now: Date) async throws -> [AlertStatus]

    /// One organisation's status for every alert, newest first, its clocks read at `now`.
    func alertStatuses(organisation: Int64, at now: Date) async throws -> [AlertStatus]

    /// Every status not closed whose clocks have escalated at `now`, or declared not applicable, most escalated first,
    /// of the organisations in `scope`.
    func escalations(scope: Scope, at now: Date) async throws -> [AlertStatus]

    /// One alert's history for one organisation, oldest first.
    func alertEvents(alert: Int64, organisation: Int64) async throws -> [AlertEvent]

    /// The organisation acknowledges the alert (again changes nothing).
    func acknowledgeAlert(_ alert: Int64, organisation: Int64, at: Date) async throws -> AlertStatus

    /// Asks for an exception on a ticket as `user` (a member of its organisation, or a national analyst).
    func requestException(_ request: NewException, by user: Int64, at: Date) async throws -> ExceptionRecord

    /// Approves or rejects a requested exception as `user` (a national analyst other than the requester); an
    /// approval may bring the expiry forward, never later.
    func decideException(
        _ id: Int64, decision: ExceptionDecision, by user: Int64, expiresAt: Date?, at: Date
    ) async throws -> ExceptionRecord

    /// Every exception, newest first, its validity read at `now`.
    func exceptions(at now: Date) async throws -> [ExceptionRecord]

    /// Ends every exception whose expiry has passed at `now`: excepted tickets open again with their clock
    /// restarted. Returns how many ended. Safe to run from several servers at once.
    func sweepExceptions(at now: Date) async throws -> Int

    /// The organisation declares the alert not applicable with a reason; refused while its evidence shows it applies.
    func declareAlertNotApplicable(_ alert: Int64, organisation: Int64, reason: String, at: Date) async throws
        -> AlertStatus

    /// Adds a person with `password` (stored only as a bcrypt hash); their sign-in name must be new.
    func createUser(_ user: NewUser, password: String, origin: Origin) async throws -> UserRecord

    /// Every person, by sign-in name.
    func users() async throws -> [UserRecord]

    /// Checks a sign-in: refused without a check while the address has failed too often or the account is locked;
    /// a failure counts towards both; a success starts a session. Every outcome is audited.
    func signIn(login: String, password: String, origin: Origin) async throws -> SignInOutcome

    /// The live session whose cookie is `token`, marked used at `at`; `nil` when unknown, expired or idle too long.
    func session(token: String, at: Date) async throws -> Session?

    /// Ends the session whose cookie is `token` (nothing when there is none), audited.
    func signOut(token: String, origin: Origin) async throws

    /// Appends `entry` to the audit log.
    func audit(_ entry: AuditEntry) async throws

    /// The audit log from `since` on (all of it when `nil`), oldest first.
    func auditLog(since: Date?) async throws -> [AuditRecord]
}

/// An organisation to create.
public struct NewOrganisation: Sendable, Hashable {
    /// The ODS code (`RXX`), letters and digits.
    public var code: String
    /// Its name.
    public var name: String
    /// Trust, practice…
    public var kind: Organisation.Kind
    /// The codes above it, nation first (`["Y56", "QE1"]`: region, integrated care board).
    public var parents: [String]

    public init(code: String, name: String, kind: Organisation.Kind, parents: [String] = []) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parents = parents
    }
}

/// A stored organisation.
public struct OrganisationRecord: Sendable, Hashable, Codable {
    /// The store's id.
    public var id: Int64
    /// The ODS code.
    public var code: String
    /// Its name.
    public var name: String
    /// Its kind.
    public var kind: Organisation.Kind
    /// The materialised path (`Y56/QE1/RXX`): every scope is one prefix of it.
    public var path: String

    public init(id: Int64, code: String, name: String, kind: Organisation.Kind, path: String) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.path = path
    }
}

/// What the service tells the submitter once the submission is committed.
public struct Receipt: Sendable, Hashable, Codable {
    /// The submission's id.
    public var submission: Int64
    /// SHA-256 of the canonical document.
    public var digest: String
    /// The same document had been received before; nothing changed.
    public var duplicate: Bool
    /// Whether the submission changed tickets: one older than the latest applied is kept but not applied, so that a
    /// late delivery cannot reopen what newer evidence fixed.
    public var applied: Bool
    /// Tickets opened.
    public var opened: Int
    /// Tickets fixed by this evidence.
    public var fixed: Int
    /// Tickets reopened (a recurrence within 90 days).
    public var reopened: Int
    /// Tickets whose subject this evidence did not cover.
    public var unverified: Int
    /// When it was received.
    public var receivedAt: Date

    public init(
        submission: Int64, digest: String, duplicate: Bool, applied: Bool, opened: Int, fixed: Int, reopened: Int,
        unverified: Int, receivedAt: Date
    ) {
        self.submission = submission
        self.digest = digest
        self.duplicate = duplicate
        self.applied = applied
        self.opened = opened
        self.fixed = fixed
        self.reopened = reopened
        self.unverified = unverified
        self.receivedAt = receivedAt
    }
}

/// A ticket: one rule broken by one (pseudonymous) subject of one organisation, on the CISA Cyber Hygiene model.
public struct Ticket: Sendable, Hashable, Codable {
    /// Where a ticket stands.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// The latest evidence that covered the subject shows the finding.
        case open
        /// Open, but the latest evidence for its area did not cover the subject: neither seen nor fixed.
        case unverified
        /// Later evidence covered the subject and no longer shows the finding.
        case fixed
        /// Accepted for a time under an approved exception: not counted as open exposure until it expires.
        case excepted
    }

    /// The store's id.
    public var id: Int64
    /// The rule.
    public var rule: RuleID
    /// The subject's pseudonymous key.
    public var subject: String
    /// The subject's kind.
    public var kind: Subject.Kind
    /// The rule's area.
    public var area: AssessmentArea
    /// The latest severity seen.
    public var severity: Severity
    /// Where it stands.
    public var state: State
    /// When the evidence first showed it (the assessment's date).
    public var openedAt: Date
    /// When the evidence last showed it.
    public var lastSeenAt: Date
    /// When evidence showed it fixed, while fixed.
    public var fixedAt: Date?
    /// How often it recurred within 90 days of being fixed.
    public var reopenCount: Int
    /// When its remediation clock last started: when it opened, or when an exception on it expired.
    public var clockStartedAt: Date

    public init(
        id: Int64, rule: RuleID, subject: String, kind: Subject.Kind, area: AssessmentArea, severity: Severity,
        state: State, openedAt: Date, lastSeenAt: Date, fixedAt: Date?, reopenCount: Int, clockStartedAt: Date? = nil
    ) {
        self.id = id
        self.rule = rule
        self.subject = subject
        self.kind = kind
        self.area = area
        self.severity = severity
        self.state = state
        self.openedAt = openedAt
        self.lastSeenAt = lastSeenAt
        self.fixedAt = fixedAt
        self.reopenCount = reopenCount
        self.clockStartedAt = clockStartedAt ?? openedAt
    }
}

/// One entry of a ticket's append-only history.
public struct TicketEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Codable {
        case opened, fixed, reopened, unverified, confirmed
        /// An exception was approved (`actor`: the approver).
        case excepted
        /// An exception expired and the ticket is open again, its clock restarted.
        case reactivated
    }

    /// What happened.
    public var kind: Kind
    /// When, by the evidence's date (a decision's time for an exception, its expiry for a reactivation).
    public var at: Date
    /// The submission whose evidence caused it.
    public var submission: Int64?
    /// The person who caused it when no evidence did (their sign-in name), or `sweep` for an expiry.
    public var actor: String?

    public init(kind: Kind, at: Date, submission: Int64?, actor: String? = nil) {
        self.kind = kind
        self.at = at
        self.submission = submission
        self.actor = actor
    }
}

/// One organisation's counts at the end of one day (UTC), written in the submission's transaction.
public struct OrganisationDay: Sendable, Hashable, Codable {
    /// `YYYY-MM-DD`.
    public var day: String
    /// Open and unverified tickets by severity.
    public var open: [Severity: Int]
    /// Unverified tickets among them.
    public var unverified: Int
    /// Tickets fixed by evidence, all time.
    public var fixed: Int
    /// Submissions received that day.
    public var submissions: Int

    public init(day: String, open: [Severity: Int], unverified: Int, fixed: Int, submissions: Int) {
        self.day = day
        self.open = open
        self.unverified = unverified
        self.fixed = fixed
        self.submissions = submissions
    }
}

/// An organisation with its latest daily aggregate, for the national overview.
public struct OverviewRow: Sendable, Hashable, Codable {
    /// The organisation.
    public var organisation: OrganisationRecord
    /// Its latest day, if it has submitted.
    public var latest: OrganisationDay?

    public init(organisation: OrganisationRecord, latest: OrganisationDay?) {
        self.organisation = organisation
        self.latest = latest
    }
}
