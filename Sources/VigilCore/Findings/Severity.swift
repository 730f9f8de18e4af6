/// How urgently a finding needs action. Ordered: `info < low < medium < high < critical`.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// Capitalised for people (`Critical`).
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
