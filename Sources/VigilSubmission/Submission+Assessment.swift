public import VigilCore

extension Submission {
    /// The rules of this build, by id; a lookup that cannot trap on a rule an assessment from another version names.
    static let rules: [RuleID: Rule] = Dictionary(
        RuleCatalogue.all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

    /// The submission for `assessment`, with subjects pseudonymised by `key`.
    ///
    /// Built in named stages: areas, findings (facts filtered), coverage (each area's covered subjects keyed the same
    /// way as the findings), metrics (counts only). An assessment without a `covered` section (schema before 2.0)
    /// covers nothing, so on the service its absences leave tickets unverified rather than fixed.
    public init(assessment: Assessment, key: PseudonymKey) throws(SubmissionError) {
        self.init(
            tool: assessment.tool,
            organisation: assessment.organisation.code,
            assessedAt: assessment.assessedAt,
            areas: assessment.coverage.map { AreaStatus(area: $0.area, status: $0.status) },
            findings: try Self.findings(of: assessment, key: key),
            coverage: Self.coverage(of: assessment, key: key),
            metrics: assessment.metrics.map { SubmittedMetric(id: $0.id, value: $0.value, total: $0.total) }
        )
        self.keyFingerprint = key.fingerprint
    }

    /// The findings without names, paths or text; one per rule and subject (the worst, should an assessment hold two).
    static func findings(of assessment: Assessment, key: PseudonymKey) throws(SubmissionError) -> [SubmittedFinding] {
        var submitted: [String: SubmittedFinding] = [:]
        submitted.reserveCapacity(assessment.findings.count)
        for (position, finding) in assessment.findings.enumerated() {
            guard let rule = rules[finding.rule] else {
                throw SubmissionError(
                    .invalid, "the rule is not one this version of Vigil knows; assess again with this version",
                    position: "findings[\(position)].rule")
            }
            let subject = key.subjectKey(kind: finding.subject.kind, id: finding.subject.id)
            let identity = "\(finding.rule.rawValue) \(subject)"
            if let kept = submitted[identity], kept.severity >= finding.severity { continue }
            submitted[identity] = SubmittedFinding(
                rule: finding.rule, severity: finding.severity, area: rule.area, kind: finding.subject.kind,
                subject: subject, facts: SubmissionFacts.filter(finding, rule: rule))
        }
        return Array(submitted.values)
    }

    /// The coverage groups, keyed like the findings.
    static func coverage(of assessment: Assessment, key: PseudonymKey) -> [CoverageGroup] {
        (assessment.covered ?? []).map { covered in
            CoverageGroup(
                area: covered.area, kind: covered.kind, complete: covered.complete,
                subjects: covered.ids.lazy.map { key.coverageKey(kind: covered.kind, id: $0) }, rules: covered.rules)
        }
    }
}
