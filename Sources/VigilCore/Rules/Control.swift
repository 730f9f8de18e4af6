/// A control of a security framework that a rule bears on.
public struct Control: Codable, Sendable, Hashable, Comparable {
    /// The frameworks Vigil maps its rules to.
    public enum Framework: String, Codable, Sendable, CaseIterable {
        /// The UK government's Cyber Essentials technical controls.
        case cyberEssentials = "cyber-essentials"
        /// The National Data Guardian's ten data security standards, assessed through the Data Security and
        /// Protection Toolkit (DSPT).
        case dataSecurityStandards = "nhs-data-security-standards"

        /// The framework's name for people.
        public var title: String {
            switch self {
            case .cyberEssentials: "Cyber Essentials"
            case .dataSecurityStandards: "NHS data security standards"
            }
        }
    }

    /// The framework.
    public var framework: Framework
    /// The control's identifier within the framework (`UAC`, `DSS-4`).
    public var id: String
    /// The control's name.
    public var title: String

    public init(framework: Framework, id: String, title: String) {
        self.framework = framework
        self.id = id
        self.title = title
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.framework.rawValue, lhs.id) < (rhs.framework.rawValue, rhs.id)
    }
}

extension Control {
    /// Cyber Essentials: firewalls.
    public static let ceFirewalls = Control(framework: .cyberEssentials, id: "CE-FW", title: "Firewalls")
    /// Cyber Essentials: secure configuration.
    public static let ceSecureConfiguration = Control(
        framework: .cyberEssentials, id: "CE-SC", title: "Secure configuration")
    /// Cyber Essentials: security update management.
    public static let ceSecurityUpdates = Control(
        framework: .cyberEssentials, id: "CE-SUM", title: "Security update management")
    /// Cyber Essentials: user access control.
    public static let ceUserAccess = Control(
        framework: .cyberEssentials, id: "CE-UAC", title: "User access control")
    /// Cyber Essentials: malware protection.
    public static let ceMalwareProtection = Control(
        framework: .cyberEssentials, id: "CE-MP", title: "Malware protection")

    /// Data security standard 1: personal confidential data.
    public static let dss1PersonalData = Control(
        framework: .dataSecurityStandards, id: "DSS-1", title: "Personal confidential data")
    /// Data security standard 4: managing data access.
    public static let dss4DataAccess = Control(
        framework: .dataSecurityStandards, id: "DSS-4", title: "Managing data access")
    /// Data security standard 5: process reviews.
    public static let dss5ProcessReviews = Control(
        framework: .dataSecurityStandards, id: "DSS-5", title: "Process reviews")
    /// Data security standard 8: unsupported systems.
    public static let dss8UnsupportedSystems = Control(
        framework: .dataSecurityStandards, id: "DSS-8", title: "Unsupported systems")
    /// Data security standard 9: IT protection.
    public static let dss9ITProtection = Control(framework: .dataSecurityStandards, id: "DSS-9", title: "IT protection")
}
