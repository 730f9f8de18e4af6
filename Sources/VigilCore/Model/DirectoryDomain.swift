/// A directory domain and the default password policy set on its domain object.
public struct DirectoryDomain: Codable, Sendable, Hashable {
    /// The domain object's distinguished name (`DC=trust,DC=nhs,DC=uk`).
    public var distinguishedName: String
    /// The DNS name derived from the DN's `DC=` components (`trust.nhs.uk`).
    public var dnsName: String
    /// The domain SID, when exported.
    public var sid: SecurityIdentifier?
    /// The default domain password policy.
    public var passwordPolicy: PasswordPolicy
    /// Where the domain object was read.
    public var source: EvidenceReference

    public init(
        distinguishedName: String,
        dnsName: String,
        sid: SecurityIdentifier? = nil,
        passwordPolicy: PasswordPolicy,
        source: EvidenceReference
    ) {
        self.distinguishedName = distinguishedName
        self.dnsName = dnsName
        self.sid = sid
        self.passwordPolicy = passwordPolicy
        self.source = source
    }
}

/// The password and lockout settings of a domain (`minPwdLength`, `lockoutThreshold`, `pwdProperties`, …).
public struct PasswordPolicy: Codable, Sendable, Hashable {
    /// `minPwdLength`.
    public var minimumLength: Int?
    /// `pwdHistoryLength`.
    public var historyLength: Int?
    /// `lockoutThreshold`; 0 means accounts never lock out.
    public var lockoutThreshold: Int?
    /// `maxPwdAge` in days; `nil` when absent, 0 when passwords never expire.
    public var maximumAgeDays: Int?
    /// `minPwdAge` in days.
    public var minimumAgeDays: Int?
    /// `pwdProperties` bit 0x1 (`DOMAIN_PASSWORD_COMPLEX`).
    public var complexityRequired: Bool?
    /// `pwdProperties` bit 0x10 (`DOMAIN_PASSWORD_STORE_CLEARTEXT`): reversible encryption for every account.
    public var reversibleEncryption: Bool?

    public init(
        minimumLength: Int? = nil,
        historyLength: Int? = nil,
        lockoutThreshold: Int? = nil,
        maximumAgeDays: Int? = nil,
        minimumAgeDays: Int? = nil,
        complexityRequired: Bool? = nil,
        reversibleEncryption: Bool? = nil
    ) {
        self.minimumLength = minimumLength
        self.historyLength = historyLength
        self.lockoutThreshold = lockoutThreshold
        self.maximumAgeDays = maximumAgeDays
        self.minimumAgeDays = minimumAgeDays
        self.complexityRequired = complexityRequired
        self.reversibleEncryption = reversibleEncryption
    }
}
