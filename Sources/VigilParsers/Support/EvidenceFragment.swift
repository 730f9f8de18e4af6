public import VigilCore

/// What one evidence file contributed to the estate, with its diagnostics. The engine merges fragments into an
/// ``Estate``; how their collections combine is ``EstateCollections``'s to say.
public struct EvidenceFragment: EstateCollections, Sendable {
    /// Directory domains.
    public var domains: [DirectoryDomain] = []
    /// Directory accounts.
    public var accounts: [Account] = []
    /// Directory groups.
    public var groups: [DirectoryGroup] = []
    /// Password hash records.
    public var credentials: [CredentialRecord] = []
    /// Hosts.
    public var hosts: [Machine] = []
    /// Shares, folders, files, applications and databases.
    public var resources: [Resource] = []
    /// Permissions on resources.
    public var grants: [Grant] = []
    /// Audit log entries.
    public var accessEvents: [AccessEvent] = []
    /// Security advisories.
    public var advisories: [Advisory] = []
    /// Network scan results.
    public var networkObservations: [NetworkObservation] = []
    /// Self-assessment answers.
    public var claims: [Claim] = []
    /// Folder trees scanned for patient identifiers.
    public var fileScans: [FileScanRecord] = []
    /// Files found to hold patient identifiers.
    public var patientData: [PatientDataExposure] = []
    /// Roles held in clinical applications.
    public var roleAssignments: [RoleAssignment] = []
    /// What each clinical role may do.
    public var rolePermissions: [RolePermission] = []
    /// Record counts and diagnostics.
    public var log: DiagnosticLog

    public init(file: String) {
        log = DiagnosticLog(file: file)
    }
}
