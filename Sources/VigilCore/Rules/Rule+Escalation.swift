extension Rule {
    /// A documented circumstance that raises a finding above its rule's base severity (`Critical when a privileged
    /// account is involved`), or, rarely, lowers it (a lockout that exists but is late is less bad than none). A finding raised by one names it in `facts["escalation"]`, so that every severity in a
    /// report can be traced to the rule's base or to one of its escalations.
    public struct Escalation: Codable, Sendable, Hashable {
        /// The stable identifier a finding carries in `facts["escalation"]` (`privileged`).
        public var id: ID
        /// The severity a finding takes when the circumstance holds.
        public var severity: Severity
        /// The circumstance, completing "Critical when …" (`a privileged account is involved`).
        public var condition: String
        /// How far an attacker reaches through a finding raised by it, for ranking work by the risk it removes.
        public var reach: Reach

        public init(_ id: ID, severity: Severity, when condition: String, reach: Reach = .subject) {
            self.id = id
            self.severity = severity
            self.condition = condition
            self.reach = reach
        }

        /// The identifier of an escalation.
        public struct ID: RawRepresentable, Codable, Sendable, Hashable, Comparable, ExpressibleByStringLiteral {
            public var rawValue: String

            public init(rawValue: String) { self.rawValue = rawValue }
            public init(stringLiteral value: String) { self.rawValue = value }

            public init(from decoder: any Decoder) throws {
                rawValue = try decoder.singleValueContainer().decode(String.self)
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(rawValue)
            }

            public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

            /// A privileged account holds, shares or once held the weak password.
            public static let privileged: ID = "privileged"
            /// The system is one of those WannaCry reached and has no updates at all.
            public static let legacySystem: ID = "legacy-system"
            /// The advisory data alone would call a known-exploited vulnerability missing.
            public static let exploitedPossible: ID = "exploited-possible"
            /// The password policy's minimum length is below 8 characters.
            public static let belowEight: ID = "below-eight"
            /// Accounts do lock out, only after more attempts than Cyber Essentials allows (a lower severity).
            public static let lockoutLate: ID = "lockout-late"
        }

        /// What an attacker who exploits a finding controls.
        public enum Reach: String, Codable, Sendable, Hashable {
            /// The finding's subject only (one account, one host, one file).
            case subject
            /// The whole domain: every account and every host joined to it (a privileged account's password).
            case domain
        }
    }

    /// The escalation with `id`, if the rule has it.
    public func escalation(_ id: Escalation.ID) -> Escalation? {
        escalations.first { $0.id == id }
    }

    /// The severities a finding of this rule can have: the base and each escalation's.
    public var possibleSeverities: Set<Severity> {
        Set([severity] + escalations.map(\.severity))
    }

    /// The severity in words with its escalations: `High; Critical when a privileged account is involved`.
    public var severityDescription: String {
        ([severity.label] + escalations.map { "\($0.severity.label) when \($0.condition)" }).joined(separator: "; ")
    }
}
