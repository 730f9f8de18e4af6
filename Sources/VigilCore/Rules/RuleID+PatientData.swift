extension RuleID {
    /// A file listing patients (a patient list) on a file share.
    public static let patientList = RuleID("VGL-PD-PATIENT-LIST")
    /// A bulk export of patient records on a file share.
    public static let patientBulkExport = RuleID("VGL-PD-BULK-EXPORT")
    /// A patient list or bulk export readable by Everyone, Authenticated Users, Domain Users or all local users.
    public static let patientListBroadAccess = RuleID("VGL-PD-BROAD-ACCESS")
    /// A patient list or bulk export on a host whose disk is not encrypted.
    public static let patientListUnencryptedDisk = RuleID("VGL-PD-UNENCRYPTED-DISK")
}
