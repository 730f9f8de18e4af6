public import VigilCore

/// The facts a finding may carry to the national service: an allow-list by key, each with the one shape its value may
/// take (a count, a date, an update number, CVE ids, a code from Vigil's own vocabulary). Anything else is dropped:
/// detail text, names, paths, groups' and hosts' names and proof sentences stay in the organisation. A shape rather
/// than a per-rule list because the same key means the same thing under every rule, and a value that fits the shape
/// cannot carry a name whatever rule it came from.
public enum SubmissionFacts {
    /// The shape a value must have.
    public enum Shape: Sendable {
        /// A non-negative integer of at most 12 digits.
        case count
        /// `YYYY-MM-DD`.
        case date
        /// `KB` and 4 to 8 digits.
        case update
        /// Comma-separated `CVE-YYYY-NNNN…`, at most 64.
        case cves
        /// A Windows build (`17763.379`).
        case build
        /// One of the given codes.
        case code(Set<String>)
    }

    /// Keys earlier versions sent and the service now drops on reading (see ``allowed``).
    public static let retired: Set<String> = ["breachCount", "length"]

    /// The allowed keys and their shapes. `escalation` is checked against the rule's own escalations instead.
    ///
    /// Not every count is harmless: a breached password's `breachCount` (how often the corpus has seen it) names the
    /// one hash with that count in the public corpus as often as not, and a guessable one's `length` narrows its
    /// pattern to a handful of words; both stay in the organisation's own report.
    public static let allowed: [String: Shape] = [
        "accounts": .count, "critical": .count, "daysExposed": .count,
        "daysSinceLogon": .count, "daysUnsupported": .count, "groupSize": .count, "high": .count,
        "historyPosition": .count, "lockoutThreshold": .count, "low": .count,
        "maximumAgeDays": .count, "medium": .count, "minimumLength": .count, "passwordAgeDays": .count,
        "patients": .count, "privilegedInGroup": .count, "spns": .count, "thresholdDays": .count,
        "vulnerabilities": .count, "undecided": .count,
        "endOfSupport": .date, "exploitedSince": .date, "installBy": .date,
        "install": .update, "listed": .cves, "build": .build,
        "confidence": .code(["low", "medium", "high"]),
        "classification": .code(Set(PatientDataClassification.allCases.map(\.rawValue))),
        "ransomware": .code(["known"]),
    ]

    /// The facts of `finding`, a finding of `rule`, that may leave the organisation.
    public static func filter(_ finding: Finding, rule: Rule) -> [String: String] {
        var kept: [String: String] = [:]
        for (key, value) in finding.facts {
            if key == Finding.escalationFact {
                let known = rule.escalation(Rule.Escalation.ID(rawValue: value)) != nil
                if known { kept[key] = value }
                continue
            }
            if let shape = allowed[key], fits(value, shape) {
                kept[key] = value
            } else if case .cves? = allowed[key], let first = firstCVEs(value), fits(first, .cves) {
                // A host's every missing vulnerability (`--all-missing-updates`): the worst 64 go, in order, and the
                // finding's count says there are more; dropping the list would leave nothing for alerts to match.
                kept[key] = first
            }
        }
        return kept
    }

    /// The first 64 of a longer comma-separated list.
    static func firstCVEs(_ value: String) -> String? {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count > 64 else { return nil }
        return parts.prefix(64).joined(separator: ",")
    }

    /// Whether `value` has `shape`.
    public static func fits(_ value: String, _ shape: Shape) -> Bool {
        let bytes = Array(value.utf8)
        switch shape {
        case .count:
            return (1...12).contains(bytes.count) && bytes.allSatisfy(isDigit)
        case .date:
            return bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
                && bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || isDigit($0.element) }
        case .update:
            return (6...10).contains(bytes.count) && value.hasPrefix("KB") && bytes.dropFirst(2).allSatisfy(isDigit)
        case .cves:
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
            return (1...64).contains(parts.count) && parts.allSatisfy(isCVE)
        case .build:
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            return (1...2).contains(parts.count)
                && parts.allSatisfy { (1...6).contains($0.utf8.count) && $0.utf8.allSatisfy(isDigit) }
        case .code(let codes):
            return codes.contains(value)
        }
    }

    /// Whether `value` is `CVE-YYYY-N…` with 4 to 7 digits after the year.
    static func isCVE(_ value: Substring) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "CVE" && parts[1].utf8.count == 4 && parts[1].utf8.allSatisfy(isDigit)
            && (4...7).contains(parts[2].utf8.count) && parts[2].utf8.allSatisfy(isDigit)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
