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

    public init(id: String, label: String, value: Int, total: Int? = nil) {
        self.id = id
        self.label = label
        self.value = value
        self.total = total
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

    public init(area: AssessmentArea, text: String, severity: Severity?) {
        self.area = area
        self.text = text
        self.severity = severity
    }
}
