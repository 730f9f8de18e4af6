/// A statement the organisation made in its self-assessment (for example a Data Security and Protection Toolkit
/// answer), which Vigil checks against the evidence.
public struct Claim: Codable, Sendable, Hashable, Identifiable {
    /// The answer given.
    public enum Answer: String, Codable, Sendable, CaseIterable {
        case yes, no, partial
        case notApplicable = "not-applicable"
    }

    /// The assertion identifier in the self-assessment (`8.3.5`).
    public var id: String
    /// The statement as worded in the self-assessment.
    public var statement: String
    /// The answer given.
    public var answer: Answer
    /// Where it was read.
    public var source: EvidenceReference

    public init(id: String, statement: String, answer: Answer, source: EvidenceReference) {
        self.id = id
        self.statement = statement
        self.answer = answer
        self.source = source
    }
}
