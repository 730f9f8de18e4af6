extension RuleID {
    /// A host misses the fix for a vulnerability that is known to be exploited (CISA KEV).
    public static let updateMissingExploited = RuleID("VGL-UPD-MISSING-EXPLOITED")
    /// A host misses critical or high security updates released more than 14 days ago.
    public static let updateOverdue = RuleID("VGL-UPD-OVERDUE")
    /// A host misses other security updates (lower severity, or released within the last 14 days).
    public static let updateMissing = RuleID("VGL-UPD-MISSING")
    /// A host runs an operating system past the end of its vendor support.
    public static let unsupportedSystem = RuleID("VGL-UPD-UNSUPPORTED-OS")
    /// A host has the SMBv1 server enabled.
    public static let smbVersion1Enabled = RuleID("VGL-UPD-SMB1-ENABLED")
    /// A host whose update state the evidence cannot decide.
    public static let updateStateUnknown = RuleID("VGL-UPD-UNKNOWN")
}
