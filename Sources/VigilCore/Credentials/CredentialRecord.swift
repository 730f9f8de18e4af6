/// One account's password hashes as dumped from a domain controller (`secretsdump`, `pwdump`, DSInternals).
/// Lives only in memory while analysing; not `Codable` so it cannot be written out by accident.
public struct CredentialRecord: Sendable, Hashable {
    /// The account name as written in the dump (without any `DOMAIN\` prefix).
    public var accountName: String
    /// The `DOMAIN\` or `fqdn\` prefix the dump gave, if any.
    public var domain: String?
    /// The relative identifier.
    public var rid: UInt32
    /// The current NT hash; `nil` when the dump had none.
    public var ntHash: NTHash?
    /// Whether a non-empty LM hash is stored (LM hashes are trivially cracked).
    public var hasLMHash: Bool
    /// Previous NT hashes, most recent first (`user_history0`, `user_history1`, …).
    public var history: [NTHash]
    /// Where the current hash was read.
    public var source: EvidenceReference
    /// Whether the entry is a local account of one computer (secretsdump's "Dumping local SAM hashes" section) rather
    /// than a domain account: a member server's local `Administrator` is not the domain's, though both have RID 500.
    public var isLocalAccount: Bool
    /// Whether the dump says the account is enabled (secretsdump's `-user-status`: `(status=Enabled)`); `nil` when it
    /// does not say. The directory export's account flags, when it holds the account, are what count.
    public var enabled: Bool?

    public init(
        accountName: String,
        domain: String? = nil,
        rid: UInt32,
        ntHash: NTHash?,
        hasLMHash: Bool,
        history: [NTHash] = [],
        source: EvidenceReference,
        isLocalAccount: Bool = false,
        enabled: Bool? = nil
    ) {
        self.accountName = accountName
        self.domain = domain
        self.rid = rid
        self.ntHash = ntHash
        self.hasLMHash = hasLMHash
        self.history = history
        self.source = source
        self.isLocalAccount = isLocalAccount
        self.enabled = enabled
    }

    /// Whether the name is a computer account's (`NAME$`).
    public var isMachineAccount: Bool { accountName.hasSuffix("$") }
}
