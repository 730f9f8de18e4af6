public import Foundation

/// A directory account: a member of staff, an administrator, a service or a computer.
public struct Account: Codable, Sendable, Hashable, Identifiable {
    /// What an account is for, which changes which rules apply to it.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A person's everyday account.
        case user
        /// A service account (has a service principal name or is named as one).
        case service
        /// A computer (machine) account, name ending in `$`.
        case computer
        /// A built-in account such as `Administrator`, `Guest` or `krbtgt`.
        case builtIn = "built-in"
    }

    /// The account's stable key: its SID when known, otherwise `domain\name` lower-cased.
    public var id: String { sid?.description ?? qualifiedName.lowercased() }

    /// The `sAMAccountName` (pre-Windows 2000 logon name).
    public var name: String
    /// The NetBIOS or DNS domain the account belongs to, when known.
    public var domain: String?
    /// The display name (`displayName`, else `cn`).
    public var displayName: String?
    /// `givenName`.
    public var givenName: String?
    /// `sn` (surname).
    public var surname: String?
    /// The distinguished name of the directory entry.
    public var distinguishedName: String?
    /// `objectSid`.
    public var sid: SecurityIdentifier?
    /// What the account is for.
    public var kind: Kind
    /// `userAccountControl`.
    public var control: AccountControl
    /// `pwdLastSet`; `nil` when never set (or "must change at next logon").
    public var passwordLastSet: Date?
    /// `lastLogonTimestamp` (replicated, up to ~14 days behind); `nil` when the account never logged on, or when
    /// ``logonTimesMissing``.
    public var lastLogon: Date?
    /// `true` when the export this account comes from holds no logon time for any account (an attribute list that
    /// left out `lastLogon` and `lastLogonTimestamp`): a `nil` ``lastLogon`` then says nothing about use. Optional so
    /// that an estate written before it decodes.
    public var logonTimesMissing: Bool?
    /// `whenCreated`.
    public var created: Date?
    /// `accountExpires`; `nil` when the account never expires.
    public var expires: Date?
    /// `adminCount = 1`: the account is, or once was, protected by AdminSDHolder.
    public var adminCount: Bool
    /// `memberOf`: distinguished names of the groups the account is directly a member of (primary group excluded).
    public var memberOf: [String]
    /// `primaryGroupID` (513 = Domain Users).
    public var primaryGroupID: UInt32?
    /// `servicePrincipalName` values; non-empty makes the account kerberoastable.
    public var servicePrincipalNames: [String]
    /// The `userPrincipalName` (`jsmith@trust.nhs.uk`), when the export has it: how access logs and cloud systems often
    /// name the account.
    public var userPrincipalName: String?
    /// Where the account was read.
    public var source: EvidenceReference

    public init(
        name: String,
        domain: String? = nil,
        displayName: String? = nil,
        givenName: String? = nil,
        surname: String? = nil,
        distinguishedName: String? = nil,
        sid: SecurityIdentifier? = nil,
        kind: Kind = .user,
        control: AccountControl = .normalAccount,
        passwordLastSet: Date? = nil,
        lastLogon: Date? = nil,
        created: Date? = nil,
        expires: Date? = nil,
        adminCount: Bool = false,
        memberOf: [String] = [],
        primaryGroupID: UInt32? = nil,
        servicePrincipalNames: [String] = [],
        userPrincipalName: String? = nil,
        source: EvidenceReference
    ) {
        self.name = name
        self.domain = domain
        self.displayName = displayName
        self.givenName = givenName
        self.surname = surname
        self.distinguishedName = distinguishedName
        self.sid = sid
        self.kind = kind
        self.control = control
        self.passwordLastSet = passwordLastSet
        self.lastLogon = lastLogon
        self.created = created
        self.expires = expires
        self.adminCount = adminCount
        self.memberOf = memberOf
        self.primaryGroupID = primaryGroupID
        self.servicePrincipalNames = servicePrincipalNames
        self.userPrincipalName = userPrincipalName
        self.source = source
    }

    /// `DOMAIN\name`, or the name alone when the domain is unknown.
    public var qualifiedName: String {
        domain.map { "\($0)\\\(name)" } ?? name
    }

    /// Whether the account can log on (not disabled and not expired at `date`).
    public func isEnabled(at date: Date) -> Bool {
        guard !control.contains(.disabled) else { return false }
        if let expires, expires <= date { return false }
        return true
    }
}
