/// The organisation an estate belongs to: a hospital trust, GP practice or commissioning body.
public struct Organisation: Codable, Sendable, Hashable {
    /// The kind of health organisation, which sets expectations in reports (a GP practice has no SOC).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case acuteTrust = "acute-trust"
        case mentalHealthTrust = "mental-health-trust"
        case communityTrust = "community-trust"
        case ambulanceTrust = "ambulance-trust"
        case gpPractice = "gp-practice"
        case commissioningBody = "commissioning-body"
        case other
    }

    /// The organisation's ODS code (e.g. `RXX` for a trust, `Y12345` for a practice).
    public var code: String
    /// The organisation's name as staff know it.
    public var name: String
    /// The kind of organisation.
    public var kind: Kind

    public init(code: String, name: String, kind: Kind) {
        self.code = code
        self.name = name
        self.kind = kind
    }

    /// Placeholder used when a bundle names no organisation.
    public static let unnamed = Organisation(code: "UNKNOWN", name: "Unnamed organisation", kind: .other)
}
