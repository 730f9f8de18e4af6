/// A check Vigil makes, with everything a reader needs to understand and act on its findings.
public struct Rule: Codable, Sendable, Hashable, Identifiable {
    /// How much work fixing one instance usually takes.
    public enum Effort: String, Codable, Sendable, CaseIterable, Comparable {
        case low, medium, high

        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The stable identifier.
    public var id: RuleID
    /// The part of the assessment the rule belongs to.
    public var area: AssessmentArea
    /// A short title naming the failing (`Password shared between accounts`).
    public var title: String
    /// The base severity of a finding; ``escalations`` raise it in documented circumstances.
    public var severity: Severity
    /// The circumstances that raise a finding above ``severity``, each with the severity it takes.
    public var escalations: [Escalation]
    /// How far an attacker reaches through a finding of the rule when no escalation says otherwise.
    public var reach: Escalation.Reach
    /// What the rule detects, in one or two sentences.
    public var summary: String
    /// Why it matters, in plain words.
    public var rationale: String
    /// What to do about a finding.
    public var remediation: String
    /// Usual effort to fix one finding.
    public var effort: Effort
    /// The framework controls the rule bears on.
    public var controls: [Control]
    /// Public references (guidance, vendor documentation).
    public var references: [String]

    public init(
        id: RuleID,
        area: AssessmentArea,
        title: String,
        severity: Severity,
        summary: String,
        rationale: String,
        remediation: String,
        effort: Effort,
        controls: [Control],
        references: [String] = [],
        escalations: [Escalation] = [],
        reach: Escalation.Reach = .subject
    ) {
        self.id = id
        self.area = area
        self.title = title
        self.severity = severity
        self.summary = summary
        self.rationale = rationale
        self.remediation = remediation
        self.effort = effort
        self.controls = controls
        self.references = references
        self.escalations = escalations
        self.reach = reach
    }
}

/// The parts of an assessment, one per failing the national review named.
public enum AssessmentArea: String, Codable, Sendable, CaseIterable, Comparable {
    /// Account hygiene: stale, unexpiring, unprotected accounts.
    case accounts
    /// Weak, breached and shared passwords.
    case credentials
    /// Missing security updates and unsupported systems.
    case updates
    /// Patient identifiers in files and exports.
    case patientData = "patient-data"
    /// Who can reach confidential data.
    case access
    /// Exposure to a worm such as WannaCry.
    case wormExposure = "worm-exposure"
    /// Self-assessment claims against the evidence.
    case assurance

    /// The area's name for people.
    public var title: String {
        switch self {
        case .accounts: "Account hygiene"
        case .credentials: "Passwords"
        case .updates: "Security updates"
        case .patientData: "Patient data"
        case .access: "Access to confidential data"
        case .wormExposure: "Worm exposure"
        case .assurance: "Self-assessment"
        }
    }

    /// The evidence that lets this area be assessed, for "not assessed" notes.
    public var evidenceNeeded: String {
        switch self {
        case .accounts: "a directory export (LDIF from ldifde or ldapsearch)"
        case .credentials: "a directory export and an NT hash dump (secretsdump or DSInternals)"
        case .updates: "host inventories (systeminfo, wmic qfe or osquery) and advisories"
        case .patientData: "a file-share scan (vigil scan) or a scan section in vigil.yaml"
        case .access: "share and folder ACL exports (icacls, Get-Acl) or role exports with access logs"
        case .wormExposure: "host inventories (a network scan, nmap XML, is not read yet)"
        case .assurance: "the self-assessment answers (not read yet)"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
