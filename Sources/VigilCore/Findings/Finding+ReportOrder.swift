extension Finding {
    /// `findings` in report order: exactly what `findings.sorted(by: Finding.reportOrder)` gives, ties kept in their
    /// order, but several times faster on large estates. Severity, rule and subject kind are ranked once into one small
    /// number per finding, positions are sorted on it (then on subject name and id), and each finding is moved once.
    public static func inReportOrder(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        let ranking = ReportOrderRanking(findings)
        let ranks = findings.map(ranking.rank)
        let order = findings.indices.sorted { lhs, rhs in
            if ranks[lhs] != ranks[rhs] { return ranks[lhs] < ranks[rhs] }
            let left = findings[lhs].subject
            let right = findings[rhs].subject
            return (left.name, left.id) < (right.name, right.id)
        }
        return order.map { findings[$0] }
    }
}

/// The report order's leading keys as one number: findings of one rank share severity, rule and subject kind, and
/// lower ranks come first in ``Finding/reportOrder(_:_:)``.
private struct ReportOrderRanking {
    private let severities: [Severity: Int]
    private let rules: [RuleID: Int]
    private let kinds: [Subject.Kind: Int]

    init(_ findings: [Finding]) {
        severities = Self.positions(Severity.allCases.sorted(by: >))
        rules = Self.positions(Set(findings.lazy.map(\.rule)).sorted())
        kinds = Self.positions(Subject.Kind.allCases.sorted { $0.rawValue < $1.rawValue })
    }

    /// The rank of `finding`: by severity (worst first), then rule, then subject kind.
    func rank(_ finding: Finding) -> Int {
        let severityAndRule = severities[finding.severity]! * rules.count + rules[finding.rule]!
        return severityAndRule * kinds.count + kinds[finding.subject.kind]!
    }

    private static func positions<Key: Hashable>(_ ordered: [Key]) -> [Key: Int] {
        Dictionary(uniqueKeysWithValues: zip(ordered, ordered.indices))
    }
}
