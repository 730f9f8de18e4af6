public import Foundation
public import VigilCore

/// What a synthetic estate was seeded with: every failing an assessment must find, and nothing else.
public struct GroundTruth: Codable, Sendable {
    /// One seeded failing: a rule that must fire for a subject.
    public struct Expectation: Codable, Sendable, Hashable, Comparable {
        /// The rule.
        public var rule: RuleID
        /// The subject's name as reports show it (`NORTHGATE\amy.hall`).
        public var subject: String

        public init(rule: RuleID, subject: String) {
            self.rule = rule
            self.subject = subject
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.rule, lhs.subject) < (rhs.rule, rhs.subject) }
    }

    /// The generator's seed.
    public var seed: UInt64
    /// The date the estate is as of.
    public var asOf: Date
    /// The organisation.
    public var organisation: Organisation
    /// Counts of what was generated.
    public var accounts: Int
    /// Computer accounts generated.
    public var computers: Int
    /// The rules this ground truth is complete for: for these, an assessment must find exactly ``expected``.
    public var rules: [RuleID]
    /// Every seeded failing, sorted.
    public var expected: [Expectation]
    /// Metrics whose values are known by construction (the access logs' usage numbers), by metric id; an assessment
    /// must report exactly these. `nil` in ground truths written before any were recorded.
    public var metrics: [String: Int]?

    /// Compares an assessment's findings with the ground truth, for the rules it covers (or the subset `only`).
    public func compare(with assessment: Assessment, rules only: Set<RuleID>? = nil) -> Comparison {
        let covered = only.map { $0.intersection(rules) } ?? Set(rules)
        let found = Set(
            assessment.findings.filter { covered.contains($0.rule) }.map {
                Expectation(rule: $0.rule, subject: $0.subject.name)
            })
        let wanted = Set(expected.filter { covered.contains($0.rule) })
        return Comparison(
            missed: wanted.subtracting(found).sorted(), unexpected: found.subtracting(wanted).sorted(),
            matched: wanted.intersection(found).count, metricMismatches: metricMismatches(assessment),
            uncovered: assessment.findings.filter { !covered.contains($0.rule) }.count)
    }

    /// How an assessment compares with the ground truth.
    public struct Comparison: Sendable, Equatable {
        /// Seeded failings not found.
        public var missed: [Expectation]
        /// Findings not seeded.
        public var unexpected: [Expectation]
        /// Seeded failings found.
        public var matched: Int
        /// Metrics known by construction whose reported value differs (`access.log-users-unmatched: expected 1, found
        /// 2`), or that were not reported.
        public var metricMismatches: [String] = []
        /// Findings of rules the ground truth does not seed (joins across areas, access use), neither matched nor
        /// unexpected.
        public var uncovered = 0

        /// Found / seeded.
        public var recall: Double { matched + missed.count == 0 ? 1 : Double(matched) / Double(matched + missed.count) }
        /// Correct / found.
        public var precision: Double {
            matched + unexpected.count == 0 ? 1 : Double(matched) / Double(matched + unexpected.count)
        }
    }

    /// The metrics known by construction that `assessment` does not report exactly.
    func metricMismatches(_ assessment: Assessment) -> [String] {
        guard let metrics else { return [] }
        let reported = Dictionary(assessment.metrics.map { ($0.id, $0.value) }, uniquingKeysWith: { first, _ in first })
        return metrics.keys.sorted().compactMap { id in
            let want = metrics[id] ?? 0
            guard let found = reported[id] else { return "\(id): expected \(want), not reported" }
            return found == want ? nil : "\(id): expected \(want), found \(found)"
        }
    }
}
