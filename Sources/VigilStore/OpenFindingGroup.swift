public import VigilCore

/// The groups of open findings the pages sum, as the review counted them. Each organisation's count per group is
/// worked out once per change of its findings (kept with it in ``SummaryCache``), not on every page view: at 7,000
/// organisations looking each rule up on every view was a seventh of the national overview's time.
public enum OpenFindingGroup: Int, CaseIterable, Sendable {
    /// Hosts missing the fix for a vulnerability known to be exploited (CISA KEV).
    case knownExploited
    /// Weak passwords: empty, breached, guessable, the account name, a machine default.
    case weakPasswords
    /// Hosts behind on security updates or past support.
    case behindOnUpdates
    /// Patient data exposed.
    case patientData

    /// The rules whose open findings the group counts.
    public var rules: Set<RuleID> {
        switch self {
        case .knownExploited:
            [.updateMissingExploited]
        case .weakPasswords:
            [.emptyPassword, .breachedPassword, .guessablePassword, .usernameAsPassword, .machineDefaultPassword]
        case .behindOnUpdates:
            [.updateOverdue, .unsupportedSystem, .updateMissingExploited]
        case .patientData:
            [
                .patientList, .patientBulkExport, .patientListBroadAccess, .patientListUnencryptedDisk,
                .accessWeakPasswordReachesPatientData,
            ]
        }
    }

    /// Open findings per group (indexed by `rawValue`) of `openByRule`.
    public static func counts(_ openByRule: [RuleID: Int]) -> [Int] {
        allCases.map { group in group.rules.reduce(0) { $0 + (openByRule[$1] ?? 0) } }
    }
}
