/// The `userAccountControl` bit mask of an Active Directory account.
public struct AccountControl: OptionSet, Codable, Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `ACCOUNTDISABLE` (0x2): the account cannot log on.
    public static let disabled = AccountControl(rawValue: 0x2)
    /// `LOCKOUT` (0x10).
    public static let lockedOut = AccountControl(rawValue: 0x10)
    /// `PASSWD_NOTREQD` (0x20): the account may have an empty password regardless of policy.
    public static let passwordNotRequired = AccountControl(rawValue: 0x20)
    /// `ENCRYPTED_TEXT_PWD_ALLOWED` (0x80): the password is stored with reversible encryption.
    public static let reversibleEncryption = AccountControl(rawValue: 0x80)
    /// `NORMAL_ACCOUNT` (0x200): an ordinary user account.
    public static let normalAccount = AccountControl(rawValue: 0x200)
    /// `INTERDOMAIN_TRUST_ACCOUNT` (0x800).
    public static let interdomainTrust = AccountControl(rawValue: 0x800)
    /// `WORKSTATION_TRUST_ACCOUNT` (0x1000): a computer account.
    public static let workstationTrust = AccountControl(rawValue: 0x1000)
    /// `SERVER_TRUST_ACCOUNT` (0x2000): a domain controller's computer account.
    public static let serverTrust = AccountControl(rawValue: 0x2000)
    /// `DONT_EXPIRE_PASSWORD` (0x10000): the password never expires.
    public static let passwordNeverExpires = AccountControl(rawValue: 0x10000)
    /// `SMARTCARD_REQUIRED` (0x40000).
    public static let smartcardRequired = AccountControl(rawValue: 0x40000)
    /// `TRUSTED_FOR_DELEGATION` (0x80000): unconstrained delegation.
    public static let trustedForDelegation = AccountControl(rawValue: 0x80000)
    /// `USE_DES_KEY_ONLY` (0x200000).
    public static let desKeyOnly = AccountControl(rawValue: 0x200000)
    /// `DONT_REQ_PREAUTH` (0x400000): Kerberos pre-authentication not required (AS-REP roastable).
    public static let preAuthNotRequired = AccountControl(rawValue: 0x400000)
    /// `PARTIAL_SECRETS_ACCOUNT` (0x4000000): a read-only domain controller's computer account.
    public static let partialSecrets = AccountControl(rawValue: 0x400_0000)
}
