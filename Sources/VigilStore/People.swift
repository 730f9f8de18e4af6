public import Foundation

/// What a person may see: the whole nation, one region or integrated care board, or one organisation. Every page
/// filters by it (docs/decisions/0001-national-service.md, "People and sessions").
public enum Scope: Sendable, Hashable {
    /// Every organisation (a national analyst).
    case nation
    /// The organisations under one region or ICB code (a regional viewer).
    case region(String)
    /// One organisation, by id (an organisation member).
    case organisation(Int64)

    /// Whether `organisation` is within the scope. A region includes the organisations whose path names it above
    /// themselves, so a regional viewer never sees an organisation merely because its own code equals the region's.
    public func includes(_ organisation: OrganisationRecord) -> Bool {
        switch self {
        case .nation:
            return true
        case .region(let code):
            return organisation.path.split(separator: "/").dropLast().contains { $0 == code }
        case .organisation(let id):
            return organisation.id == id
        }
    }
}

/// A person's role, which fixes their scope.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Sees every organisation.
    case nationalAnalyst = "national-analyst"
    /// Sees the organisations of one region or ICB.
    case regionalViewer = "regional-viewer"
    /// Sees one organisation.
    case organisationMember = "organisation-member"
}

/// A person to create.
public struct NewUser: Sendable, Hashable {
    /// The sign-in name: an email address or a user name (letters, digits and `. _ @ + -`), compared lower-cased.
    public var login: String
    /// The name shown on pages.
    public var displayName: String
    /// The role.
    public var role: Role
    /// The organisation's ODS code, for an organisation member (and only then).
    public var organisation: String?
    /// The region or ICB code, for a regional viewer (and only then).
    public var region: String?

    public init(login: String, displayName: String, role: Role, organisation: String? = nil, region: String? = nil) {
        self.login = login
        self.displayName = displayName
        self.role = role
        self.organisation = organisation
        self.region = region
    }
}

/// A stored person (never their password hash).
public struct UserRecord: Sendable, Hashable, Codable {
    /// The store's id.
    public var id: Int64
    /// The sign-in name, lower-cased.
    public var login: String
    /// The name shown on pages.
    public var displayName: String
    /// The role.
    public var role: Role
    /// The organisation of an organisation member.
    public var organisation: OrganisationRecord?
    /// The region or ICB code of a regional viewer.
    public var region: String?
    /// When the account was made.
    public var createdAt: Date
    /// When the account was disabled (a leaver): it signs in no more and its sessions ended. `nil` while usable.
    public var disabledAt: Date?

    public init(
        id: Int64, login: String, displayName: String, role: Role, organisation: OrganisationRecord?, region: String?,
        createdAt: Date, disabledAt: Date? = nil
    ) {
        self.disabledAt = disabledAt
        self.id = id
        self.login = login
        self.displayName = displayName
        self.role = role
        self.organisation = organisation
        self.region = region
        self.createdAt = createdAt
    }

    /// What the person may see. A member whose organisation is missing (never stored so) sees nothing of anyone's.
    public var scope: Scope {
        switch role {
        case .nationalAnalyst: .nation
        case .regionalViewer: .region(region ?? "")
        case .organisationMember: .organisation(organisation?.id ?? -1)
        }
    }
}

/// The limits on signing in and on sessions. Kept in the database with the counters they apply to, so every server
/// on one database enforces the same ones.
public struct SignInPolicy: Sendable, Hashable {
    /// Failed sign-ins in a row that lock an account.
    public var failuresBeforeLockout: Int
    /// How long a locked account stays locked.
    public var lockout: TimeInterval
    /// Failed sign-ins one address may make within `addressWindow` before it is refused without a check.
    public var failuresPerAddress: Int
    /// The window over which an address's failures are counted.
    public var addressWindow: TimeInterval
    /// The longest a session lives, however active.
    public var sessionLifetime: TimeInterval
    /// A session unused this long ends.
    public var idleTimeout: TimeInterval
    /// bcrypt's cost (work factor 2^cost): 12 in service; tests use the minimum, 4, to stay fast.
    public var passwordCost: UInt8

    public init(
        failuresBeforeLockout: Int = 5, lockout: TimeInterval = 15 * 60, failuresPerAddress: Int = 30,
        addressWindow: TimeInterval = 15 * 60, sessionLifetime: TimeInterval = 12 * 3_600,
        idleTimeout: TimeInterval = 30 * 60, passwordCost: UInt8 = 12
    ) {
        self.failuresBeforeLockout = failuresBeforeLockout
        self.lockout = lockout
        self.failuresPerAddress = failuresPerAddress
        self.addressWindow = addressWindow
        self.sessionLifetime = sessionLifetime
        self.idleTimeout = idleTimeout
        self.passwordCost = passwordCost
    }
}

/// A live session: who, the token every form must carry, and when it ends at the latest.
public struct Session: Sendable, Hashable {
    /// The session id to send as the cookie: 256 random bits, hex. The database keeps only its SHA-256.
    public var token: String
    /// The synchroniser token bound to the session, which every form posts back.
    public var csrf: String
    /// Who signed in.
    public var user: UserRecord
    /// When the session ends however active it is.
    public var expiresAt: Date

    public init(token: String, csrf: String, user: UserRecord, expiresAt: Date) {
        self.token = token
        self.csrf = csrf
        self.user = user
        self.expiresAt = expiresAt
    }
}

/// How a sign-in went. Failures say no more than the person needs: an unknown account and a wrong password are the
/// same answer.
public enum SignInOutcome: Sendable, Hashable {
    /// Signed in: the new session.
    case signedIn(Session)
    /// The name or the password is wrong.
    case rejected
    /// The account is locked until then (too many failures); the password was not checked.
    case locked(until: Date)
    /// The address has failed too often recently; nothing was checked.
    case rateLimited
}

/// Where a request came from and when: every audited act carries it.
public struct Origin: Sendable, Hashable {
    /// The client's address (IP), or `cli` for `vigil admin`.
    public var address: String
    /// When.
    public var at: Date

    public init(address: String, at: Date) {
        self.address = address
        self.at = at
    }

    /// An act of the operator through `vigil admin` on the database, now.
    public static func operatorNow() -> Origin { Origin(address: "cli", at: Date()) }
}

/// What an audit entry records. A fixed vocabulary: no audit row holds free text from a request.
public enum AuditAction: String, Sendable, Hashable, Codable, CaseIterable {
    case signIn = "sign-in"
    case signInFailed = "sign-in-failed"
    case signInLocked = "sign-in-locked"
    case signInRateLimited = "sign-in-rate-limited"
    case accountLocked = "account-locked"
    case signOut = "sign-out"
    case viewOverview = "view-overview"
    case viewOrganisation = "view-organisation"
    case viewAlert = "view-alert"
    case createUser = "create-user"
    case createOrganisation = "create-organisation"
    case issueToken = "issue-token"
    case issueAlert = "issue-alert"
    case answerAlert = "answer-alert"
    case submit = "submit"
    case requestException = "request-exception"
    case decideException = "decide-exception"
    case viewExceptions = "view-exceptions"
    case revokeToken = "revoke-token"
    case disableUser = "disable-user"
    case enableUser = "enable-user"
    case signInDisabled = "sign-in-disabled"
    case submitRefused = "submit-refused"
    case acceptKey = "accept-key"
}

/// One entry to append to the audit log. It names who (a user, or an actor such as `operator` or an organisation's
/// token), what, which organisation, from where and when — never a password, a token or request text.
public struct AuditEntry: Sendable, Hashable {
    /// What happened.
    public var action: AuditAction
    /// The signed-in person, when there is one.
    public var user: Int64?
    /// Who acted when no person did: `operator` (`vigil admin`), `token` (an organisation's submission token), or
    /// `unknown` for a sign-in with a name no account has (the name typed is not kept: it may be a password).
    public var actor: String?
    /// The organisation acted on or viewed.
    public var organisation: Int64?
    /// From where and when.
    public var origin: Origin
    /// A detail from Vigil's own vocabulary (a role, an alert id, a count), never request text.
    public var detail: String?

    public init(
        _ action: AuditAction, user: Int64? = nil, actor: String? = nil, organisation: Int64? = nil, origin: Origin,
        detail: String? = nil
    ) {
        self.action = action
        self.user = user
        self.actor = actor
        self.organisation = organisation
        self.origin = origin
        self.detail = detail
    }
}

/// A stored audit entry, with names resolved for reading.
public struct AuditRecord: Sendable, Hashable, Codable {
    /// The entry's id: entries are numbered in the order they were appended.
    public var id: Int64
    /// When.
    public var at: Date
    /// What happened.
    public var action: AuditAction
    /// The person's sign-in name, or the actor (`operator`, `token`, `unknown`).
    public var who: String
    /// The organisation's ODS code, when one was concerned.
    public var organisation: String?
    /// From where.
    public var address: String
    /// Vigil's own detail, if any.
    public var detail: String?

    public init(
        id: Int64, at: Date, action: AuditAction, who: String, organisation: String?, address: String, detail: String?
    ) {
        self.id = id
        self.at = at
        self.action = action
        self.who = who
        self.organisation = organisation
        self.address = address
        self.detail = detail
    }
}
