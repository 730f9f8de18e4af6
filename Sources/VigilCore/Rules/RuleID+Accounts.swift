extension RuleID {
    /// Enabled account with no logon for longer than the staleness threshold.
    public static let staleAccount = RuleID("VGL-ACCT-STALE")
    /// Privileged account with no logon for longer than the staleness threshold.
    public static let stalePrivilegedAccount = RuleID("VGL-ACCT-PRIV-STALE")
    /// Enabled account whose password never expires.
    public static let passwordNeverExpires = RuleID("VGL-ACCT-PWD-NEVER-EXPIRES")
    /// Enabled account that is allowed an empty password.
    public static let passwordNotRequired = RuleID("VGL-ACCT-PWD-NOT-REQUIRED")
    /// Enabled account whose password is stored with reversible encryption.
    public static let reversibleEncryption = RuleID("VGL-ACCT-REVERSIBLE-ENCRYPTION")
    /// Account with an LM hash stored.
    public static let lmHashStored = RuleID("VGL-CRED-LM-HASH")
    /// Enabled account with an empty password.
    public static let emptyPassword = RuleID("VGL-CRED-EMPTY-PASSWORD")
    /// Enabled account sharing its password with other accounts.
    public static let sharedPassword = RuleID("VGL-CRED-SHARED")
    /// Privileged account sharing its password with another account.
    public static let privilegedSharedPassword = RuleID("VGL-CRED-PRIV-SHARED")
}
