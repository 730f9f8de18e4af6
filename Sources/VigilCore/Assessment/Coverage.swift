/// Whether an area of the assessment could be assessed from the evidence given. Absence of evidence is never a pass.
public struct Coverage: Codable, Sendable, Hashable {
    /// How fully an area was assessed.
    public enum Status: String, Codable, Sendable {
        case assessed, partial
        case notAssessed = "not-assessed"
    }

    /// The area.
    public var area: AssessmentArea
    /// Whether it was assessed.
    public var status: Status
    /// What the assessment rested on, or what evidence would let it run.
    public var basis: String

    public init(area: AssessmentArea, status: Status, basis: String) {
        self.area = area
        self.status = status
        self.basis = basis
    }
}

/// A measured quantity of the estate, such as "enabled accounts" or "accounts sharing a password".
public struct Metric: Codable, Sendable, Hashable {
    /// A stable identifier (`accounts.enabled`).
    public var id: String
    /// What it counts, for people.
    public var label: String
    /// The count.
    public var value: Int
    /// The population it is a share of, when it is one (`value` of `total`).
    public var total: Int?
    /// The rules whose findings it counts: when set, ``value`` is the number of distinct subjects of findings of these
    /// rules, and a test holds every assessment to it.
    public var rules: [RuleID]?
    /// What it counts when that is not a count of findings, said so that a reader comparing it with a rule's count
    /// knows why they differ (distinct accounts in breach data, whatever else is wrong with their passwords).
    public var note: String?

    public init(
        id: String, label: String, value: Int, total: Int? = nil, rules: [RuleID]? = nil, note: String? = nil
    ) {
        self.id = id
        self.label = label
        self.value = value
        self.total = total
        self.rules = rules
        self.note = note
    }

    /// `value / total`, when there is a non-zero total.
    public var share: Double? {
        guard let total, total > 0 else { return nil }
        return Double(value) / Double(total)
    }
}

/// A plain-words statement of what an area's assessment found, for the first page of a report.
public struct Headline: Codable, Sendable, Hashable {
    /// The area.
    public var area: AssessmentArea
    /// The statement (`12 of 180 enabled accounts share a password with another account, 1 of them an administrator.`).
    public var text: String
    /// How bad it is: the worst severity behind the statement, or `nil` when nothing is wrong.
    public var severity: Severity?
    /// The ids of the metrics whose values the text states, in the order it states them: every number in a headline
    /// is a metric `assessment.json` carries.
    public var metrics: [String]

    public init(area: AssessmentArea, text: String, severity: Severity?, metrics: [String] = []) {
        self.area = area
        self.text = text
        self.severity = severity
        self.metrics = metrics
    }
}
