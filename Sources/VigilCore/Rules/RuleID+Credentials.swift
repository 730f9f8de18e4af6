extension RuleID {
    /// Account with an LM hash stored.
    public static let lmHashStored = RuleID("VGL-CRED-LM-HASH")
    /// Enabled account with an empty password.
    public static let emptyPassword = RuleID("VGL-CRED-EMPTY-PASSWORD")
    /// Enabled account sharing its password with other accounts.
    public static let sharedPassword = RuleID("VGL-CRED-SHARED")
    /// Privileged account sharing its password with another account.
    public static let privilegedSharedPassword = RuleID("VGL-CRED-PRIV-SHARED")
    /// Password found in a breach corpus.
    public static let breachedPassword = RuleID("VGL-CRED-BREACHED")
    /// Password recovered by a targeted dictionary attack.
    public static let guessablePassword = RuleID("VGL-CRED-GUESSABLE")
    /// Password equal to the account name.
    public static let usernameAsPassword = RuleID("VGL-CRED-USERNAME-AS-PASSWORD")
    /// Computer account still holding the default password set when it was pre-created.
    public static let machineDefaultPassword = RuleID("VGL-CRED-MACHINE-DEFAULT")
    /// Current password equal to one of the account's previous passwords.
    public static let reusedPassword = RuleID("VGL-CRED-REUSED")
    /// Current password equal to another account's previous password.
    public static let sharedHistoryPassword = RuleID("VGL-CRED-SHARED-HISTORY")
    /// Service account with an SPN whose password is weak or old (kerberoastable).
    public static let kerberoastable = RuleID("VGL-CRED-KERBEROASTABLE")
}
