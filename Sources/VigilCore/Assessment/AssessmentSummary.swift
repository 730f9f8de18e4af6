/// What every summary of an assessment shows, derived from its findings alone, each finding counted at its own
/// severity: the terminal, the report's "Do these first" and rule headings, and `assessment.json`'s `summary` all read
/// this one value, so they cannot disagree with the findings or with each other.
public struct AssessmentSummary: Codable, Sendable, Hashable {
    /// The number of findings.
    public var findings: Int
    /// Findings at each severity.
    public var bySeverity: SeverityCounts
    /// What one finding that reaches the whole domain (a privileged account's password) counts as in ``Action/risk``:
    /// the number of accounts or hosts in the estate, whichever is larger, at least 1.
    public var domainReach: Int
    /// Each rule's findings, most risk removed first.
    public var rules: [RuleCount]
    /// The work to do, one action per rule and severity, most risk removed first: "Do these first" is the head.
    public var actions: [Action]

    /// The summary of `findings`, with `domainReach` the size of the estate a privileged account controls.
    public init(findings: [Finding], domainReach: Int) {
        let reach = max(1, domainReach)
        var byRule: [RuleID: RuleCount] = [:]
        var byAction: [ActionKey: Action] = [:]
        var total = SeverityCounts()
        // By position: iterating the findings themselves would copy each one.
        for index in findings.indices {
            let severity = findings[index].severity
            let rule = findings[index].rule
            let risk = Self.risk(severity: severity, reach: findings[index].reach == .domain ? reach : 1)
            total[severity] += 1
            byRule[rule, default: RuleCount(rule: rule)].add(severity, risk: risk)
            let key = ActionKey(rule: rule, severity: severity)
            var action = byAction[key] ?? Action(rule: rule, severity: severity)
            action.findings += 1
            action.risk = Self.adding(action.risk, risk)
            if let escalation = findings[index].escalation?.id, !action.escalations.contains(escalation) {
                action.escalations.append(escalation)
                action.escalations.sort()
            }
            byAction[key] = action
        }
        self.findings = findings.count
        self.bySeverity = total
        self.domainReach = reach
        self.rules = byRule.values.sorted { lhs, rhs in
            Self.first((lhs.risk, lhs.worst, lhs.findings, lhs.rule), (rhs.risk, rhs.worst, rhs.findings, rhs.rule))
        }
        self.actions = byAction.values.sorted { lhs, rhs in
            Self.first(
                (lhs.risk, lhs.severity, lhs.findings, lhs.rule), (rhs.risk, rhs.severity, rhs.findings, rhs.rule))
        }
    }

    /// How much a finding weighs in the work it takes away: its severity's weight (each level ten times the one
    /// below, so one critical outweighs nine highs) times its reach.
    public static func risk(severity: Severity, reach: Int) -> Int {
        let (product, overflow) = weight(severity).multipliedReportingOverflow(by: reach)
        return overflow ? Int.max : product
    }

    /// The weight of one finding of `severity` reaching only its subject.
    public static func weight(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 1_000
        case .high: 100
        case .medium: 10
        case .low: 1
        case .info: 0
        }
    }

    private static func adding(_ lhs: Int, _ rhs: Int) -> Int {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? Int.max : sum
    }

    /// Most risk first, then worst severity, then most findings, then rule id.
    private static func first(_ lhs: (Int, Severity, Int, RuleID), _ rhs: (Int, Severity, Int, RuleID)) -> Bool {
        if lhs.0 != rhs.0 { return lhs.0 > rhs.0 }
        if lhs.1 != rhs.1 { return lhs.1 > rhs.1 }
        if lhs.2 != rhs.2 { return lhs.2 > rhs.2 }
        return lhs.3 < rhs.3
    }

    private struct ActionKey: Hashable {
        var rule: RuleID
        var severity: Severity
    }

    /// The findings of one rule, counted by their own severities.
    public struct RuleCount: Codable, Sendable, Hashable {
        /// The rule.
        public var rule: RuleID
        /// Its number of findings.
        public var findings: Int
        /// Its findings at each severity ("2 critical, 90 high").
        public var bySeverity: SeverityCounts
        /// The risk fixing all of them removes (see ``AssessmentSummary/risk(severity:reach:)``).
        public var risk: Int

        public init(rule: RuleID) {
            self.rule = rule
            self.findings = 0
            self.bySeverity = SeverityCounts()
            self.risk = 0
        }

        /// The worst severity among its findings.
        public var worst: Severity { bySeverity.worst ?? .info }

        mutating func add(_ severity: Severity, risk: Int) {
            findings += 1
            bySeverity[severity] += 1
            self.risk = AssessmentSummary.adding(self.risk, risk)
        }
    }

    /// One piece of work: fixing the findings of one rule at one severity.
    public struct Action: Codable, Sendable, Hashable {
        /// The rule.
        public var rule: RuleID
        /// The severity every finding of the action has.
        public var severity: Severity
        /// How many findings fixing it closes.
        public var findings: Int
        /// The risk it removes: the sum of its findings' weights times their reach.
        public var risk: Int
        /// The rule escalations that raised its findings to ``severity`` (empty at the rule's base severity).
        public var escalations: [Rule.Escalation.ID]

        public init(rule: RuleID, severity: Severity, findings: Int = 0, risk: Int = 0) {
            self.rule = rule
            self.severity = severity
            self.findings = findings
            self.risk = risk
            self.escalations = []
        }
    }
}

/// A number of findings at each severity, written as an object with one key per severity.
public struct SeverityCounts: Codable, Sendable, Hashable {
    public var critical = 0
    public var high = 0
    public var medium = 0
    public var low = 0
    public var info = 0

    public init() {}

    /// The count at `severity`.
    public subscript(severity: Severity) -> Int {
        get {
            switch severity {
            case .critical: critical
            case .high: high
            case .medium: medium
            case .low: low
            case .info: info
            }
        }
        set {
            switch severity {
            case .critical: critical = newValue
            case .high: high = newValue
            case .medium: medium = newValue
            case .low: low = newValue
            case .info: info = newValue
            }
        }
    }

    /// The sum over severities.
    public var total: Int { critical + high + medium + low + info }

    /// The worst severity counted at least once.
    public var worst: Severity? { Severity.allCases.reversed().first { self[$0] > 0 } }

    /// The non-zero counts, worst first, in words: `2 critical, 90 high`.
    public var description: String {
        Severity.allCases.reversed().filter { self[$0] > 0 }.map { "\(Wording.number(self[$0])) \($0.rawValue)" }
            .joined(separator: ", ")
    }
}
