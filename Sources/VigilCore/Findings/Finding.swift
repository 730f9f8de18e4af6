import Crypto
import Foundation

/// One failing found in the evidence: a rule broken by a subject, with the evidence that shows it.
public struct Finding: Codable, Sendable, Hashable {
    /// The rule broken; its title, rationale, remediation and controls are in the ``RuleCatalogue``.
    public var rule: RuleID
    /// The severity of this instance: the rule's base severity, or the severity of the rule's escalation named in
    /// `facts["escalation"]` when its circumstance holds.
    public var severity: Severity
    /// What the finding is about.
    public var subject: Subject
    /// A specific, plain-words statement of what is wrong with the subject. Never a hash, password or identifier.
    public var detail: String
    /// The records that show it.
    public var evidence: [EvidenceReference]
    /// Other subjects involved (e.g. the other accounts sharing a password), at most ``relatedLimit``; `facts` carries
    /// the full count where it matters.
    public var related: [Subject]
    /// Machine-readable facts behind the finding (`"daysSinceLogon": "412"`), as text; each fact's kind is declared
    /// in ``factKinds``, by which `assessment.json` writes it as a number, boolean, list or string.
    public var facts: [String: String]
    /// The steps that show the finding holds, one sentence each (for a missing update: the product, the updates that
    /// would fix it and what the host has installed); empty for rules whose evidence speaks for itself.
    public var proof: [String]
    /// A stable identity for this rule and subject across assessments.
    public var fingerprint: String

    /// The most related subjects a finding lists: a default password shared by thousands must not make every one of
    /// their findings list every other.
    public static let relatedLimit = 20

    /// The fact naming the rule escalation that raised this finding above the rule's base severity.
    public static let escalationFact = "escalation"

    /// How far an attacker reaches through this finding: its escalation's reach, else its rule's.
    public var reach: Rule.Escalation.Reach {
        escalation?.reach ?? RuleCatalogue.rule(rule).reach
    }

    /// The escalation of the finding's rule that raised it, if any.
    public var escalation: Rule.Escalation? {
        facts[Finding.escalationFact].flatMap { RuleCatalogue.rule(rule).escalation(Rule.Escalation.ID(rawValue: $0)) }
    }

    /// A finding of `rule` at the rule's base severity, or, given `escalation`, at the severity of that escalation of
    /// the rule (recorded in `facts["escalation"]`). `severity` overrides both, for tests and documents read back.
    public init(
        rule: RuleID,
        severity: Severity? = nil,
        escalation: Rule.Escalation.ID? = nil,
        subject: Subject,
        detail: String,
        evidence: [EvidenceReference],
        related: [Subject] = [],
        facts: [String: String] = [:],
        proof: [String] = []
    ) {
        var facts = facts
        var raised: Severity?
        // The catalogue is consulted only when needed: a finding given its severity may name a rule outside it.
        if let escalation, let found = RuleCatalogue.rule(rule).escalation(escalation) {
            raised = found.severity
            facts[Finding.escalationFact] = escalation.rawValue
        }
        self.rule = rule
        self.severity = severity ?? raised ?? RuleCatalogue.rule(rule).severity
        self.subject = subject
        self.detail = detail
        // Each place once: an account a hash dump stands in for is read at its hash's own line.
        self.evidence = Set(evidence).sorted()
        self.related = Array(related.prefix(Finding.relatedLimit))
        self.facts = facts
        self.proof = proof
        self.fingerprint = Finding.fingerprint(rule: rule, subject: subject)
    }

    /// SHA-256 over rule and subject identity, truncated to 128 bits and hex-encoded. Stable across runs, machines and
    /// changes of wording, so the national service can tell new, persisting and fixed findings apart.
    public static func fingerprint(rule: RuleID, subject: Subject) -> String {
        let key = "vigil-finding-v1\u{1F}\(rule.rawValue)\u{1F}\(subject.kind.rawValue)\u{1F}\(subject.id)"
        return HexDigit.encode(SHA256.hash(data: Data(key.utf8)).prefix(16))
    }

    private enum CodingKeys: String, CodingKey {
        case rule, severity, subject, detail, evidence, related, facts, proof, fingerprint
        case title, area, remediation, controls
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rule = try container.decode(RuleID.self, forKey: .rule)
        severity = try container.decode(Severity.self, forKey: .severity)
        subject = try container.decode(Subject.self, forKey: .subject)
        detail = try container.decode(String.self, forKey: .detail)
        evidence = try container.decode([EvidenceReference].self, forKey: .evidence)
        related = try container.decode([Subject].self, forKey: .related)
        // Typed values (schema 2) and the text values of schema 1 documents both read back as text.
        let values = try container.decode([String: FactValue].self, forKey: .facts)
        facts = Dictionary(uniqueKeysWithValues: values.map { ($0.key, $0.value.text(name: $0.key)) })
        proof = try container.decodeIfPresent([String].self, forKey: .proof) ?? []
        fingerprint = try container.decode(String.self, forKey: .fingerprint)
    }

    /// Encodes the finding with its rule's title, area, remediation and controls alongside, so that each finding in
    /// `assessment.json` is understandable on its own.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(severity, forKey: .severity)
        try container.encode(subject, forKey: .subject)
        try container.encode(detail, forKey: .detail)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(related, forKey: .related)
        try container.encode(
            Dictionary(uniqueKeysWithValues: facts.map { ($0.key, FactValue(name: $0.key, text: $0.value)) }),
            forKey: .facts)
        try container.encode(proof, forKey: .proof)
        try container.encode(fingerprint, forKey: .fingerprint)
        let metadata = RuleCatalogue.rule(rule)
        try container.encode(metadata.title, forKey: .title)
        try container.encode(metadata.area, forKey: .area)
        try container.encode(metadata.remediation, forKey: .remediation)
        try container.encode(metadata.controls, forKey: .controls)
    }

    /// The canonical order for output: severity (worst first), then rule, then subject.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.rule != rhs.rule { return lhs.rule < rhs.rule }
        return lhs.subject < rhs.subject
    }
}
