extension RuleID {
    /// One permission (a principal on a folder) that lets a large share of staff read patient data.
    public static let accessWideGrant = RuleID("VGL-AC-WIDE-GRANT")
    /// An account whose password is breached, guessable, empty or shared can read patient data.
    public static let accessWeakPasswordReachesPatientData = RuleID("VGL-AC-WEAK-PASSWORD-PATIENT-DATA")
    /// Access to patient data that a permission grants and that its holders did not use in the access window.
    public static let accessUnusedAccess = RuleID("VGL-AC-UNUSED-ACCESS")
    /// One clinical role (at one scope) that lets a large share of staff read patient data in a clinical application.
    public static let accessWideRole = RuleID("VGL-AC-WIDE-ROLE")
}
