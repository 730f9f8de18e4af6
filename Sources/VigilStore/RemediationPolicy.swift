public import Foundation
public import VigilCore

/// How many days an affected organisation has to remediate, when the analyst gives no date: by the alert's severity,
/// shorter for a known-exploited vulnerability (docs/decisions/0001-national-service.md, "Clocks and escalation").
/// The defaults follow CISA's: 14 days for a KEV entry, 15 for critical and 30 for high (BOD 19-02); medium and low
/// have no federal figure, so they are Vigil's (60 and 90) and configurable like the rest.
public struct RemediationPolicy: Sendable, Hashable, Codable {
    /// A vulnerability known to be exploited (CISA KEV), whatever its severity.
    public var knownExploited: Int
    /// Critical.
    public var critical: Int
    /// High.
    public var high: Int
    /// Medium.
    public var medium: Int
    /// Low, and informational.
    public var low: Int

    /// The longest clock accepted, in days: a year.
    public static let longest = 365

    public init(knownExploited: Int = 14, critical: Int = 15, high: Int = 30, medium: Int = 60, low: Int = 90) {
        self.knownExploited = knownExploited
        self.critical = critical
        self.high = high
        self.medium = medium
        self.low = low
    }

    /// The days for an alert of `severity`, known to be exploited or not: the shorter of the two when both apply.
    public func days(severity: Severity, knownExploited exploited: Bool) -> Int {
        let bySeverity: Int
        switch severity {
        case .critical: bySeverity = critical
        case .high: bySeverity = high
        case .medium: bySeverity = medium
        case .low, .info: bySeverity = low
        }
        return exploited ? min(knownExploited, bySeverity) : bySeverity
    }

    /// Parses `kev=14,critical=15,high=30,medium=60,low=90` (any subset, the rest kept from `self`), or says which
    /// entry is wrong. Each value is 1 to ``longest`` days.
    public func overriding(_ text: String) -> Result<RemediationPolicy, StoreError> {
        var policy = self
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let days = Int(parts[1].trimmingCharacters(in: .whitespaces)),
                (1...Self.longest).contains(days)
            else {
                return .failure(
                    StoreError(
                        .invalidAlert,
                        "remediation days are NAME=DAYS pairs (kev, critical, high, medium, low), 1 to \(Self.longest) days"
                    ))
            }
            switch parts[0].trimmingCharacters(in: .whitespaces).lowercased() {
            case "kev": policy.knownExploited = days
            case "critical": policy.critical = days
            case "high": policy.high = days
            case "medium": policy.medium = days
            case "low": policy.low = days
            default:
                return .failure(
                    StoreError(.invalidAlert, "remediation days name kev, critical, high, medium or low"))
            }
        }
        return .success(policy)
    }
}

/// How far a missed clock has escalated for one organisation and one alert, read at a given time: the overview and
/// the reminders feed show it, so a missed clock is seen above the organisation that missed it. Levels only rise
/// with time and fall only when the organisation answers or its evidence closes the alert.
public enum Escalation: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// No clock missed.
    case none
    /// The acknowledgement clock was missed: the organisation is reminded (level 1).
    case acknowledgement
    /// The remediation clock was missed by an affected organisation: its region and ICB see it (level 2).
    case remediation
    /// The remediation clock was missed by more than ``Escalation/nationalAfter`` (or missed without ever an
    /// acknowledgement): the national team sees it (level 3).
    case national

    /// A remediation clock missed by this long escalates nationally: 14 days.
    public static let nationalAfter: TimeInterval = 14 * 86_400

    /// 0 to 3.
    public var level: Int {
        switch self {
        case .none: 0
        case .acknowledgement: 1
        case .remediation: 2
        case .national: 3
        }
    }

    public static func < (lhs: Escalation, rhs: Escalation) -> Bool { lhs.level < rhs.level }

    /// The level for these clocks at `now`. `remediateBy` is nil when the organisation has nothing to remediate
    /// (not shown affected, and the alert gave no date).
    public static func at(
        _ now: Date, acknowledgementOverdue: Bool, remediationOverdue: Bool, remediateBy: Date?
    ) -> Escalation {
        if remediationOverdue, let due = remediateBy {
            return acknowledgementOverdue || now.timeIntervalSince(due) >= nationalAfter ? .national : .remediation
        }
        return acknowledgementOverdue ? .acknowledgement : .none
    }
}
