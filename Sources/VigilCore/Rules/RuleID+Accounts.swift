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
    /// Enabled account restricted to DES Kerberos keys.
    public static let desOnly = RuleID("VGL-ACCT-DES-ONLY")
    /// Enabled account that does not require Kerberos pre-authentication (AS-REP roastable).
    public static let preAuthNotRequired = RuleID("VGL-ACCT-NO-PREAUTH")
}
