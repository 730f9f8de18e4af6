extension RuleID {
    /// Domain minimum password length below what the standards require.
    public static let policyMinimumLength = RuleID("VGL-POLICY-MIN-LENGTH")
    /// No account lockout or throttling of password guesses.
    public static let policyLockout = RuleID("VGL-POLICY-LOCKOUT")
    /// Passwords forced to expire periodically.
    public static let policyForcedExpiry = RuleID("VGL-POLICY-FORCED-EXPIRY")
    /// Composition (complexity) rules required.
    public static let policyComposition = RuleID("VGL-POLICY-COMPOSITION")
    /// No password history.
    public static let policyHistory = RuleID("VGL-POLICY-HISTORY")
    /// Passwords shorter than the policy's minimum exist.
    public static let policyLengthBypassed = RuleID("VGL-POLICY-LENGTH-BYPASSED")
    /// Passwords that fail the policy's complexity rule exist.
    public static let policyComplexityBypassed = RuleID("VGL-POLICY-COMPLEXITY-BYPASSED")
    /// Accounts reuse a previous password although the policy keeps a history.
    public static let policyHistoryBypassed = RuleID("VGL-POLICY-HISTORY-BYPASSED")
}
