public import Foundation
public import VigilCore

/// The findings-only form of an assessment that leaves the organisation for the national service
/// (docs/decisions/0001-national-service.md). It carries rules, severities, pseudonymous subject keys, facts from an
/// allow-list of numbers, dates and codes, what the evidence covered, per-area status and metrics. It never carries a
/// name, a path, a hash, a password, a patient identifier or detail text: subjects are keyed by
/// ``PseudonymKey/subjectKey(kind:id:)``, which only the organisation can map back.
public struct Submission: Codable, Sendable, Hashable {
    /// The version of this document; bumped on any incompatible change (see `schemas/submission.schema.json`).
    public static let currentSchemaVersion = "1.2"
    /// The versions the service reads: 1.1 added coverage groups for some rules only (`rules`), which a 1.0 reader
    /// would take for every rule — it refuses 1.1 instead; 1.2 added the key's fingerprint (`keyFingerprint`).
    public static let readableSchemaVersions: Set<String> = ["1.0", "1.1", "1.2"]

    /// The document's schema version.
    public var schemaVersion: String
    /// The tool and version that produced the assessment.
    public var tool: ToolIdentity
    /// The organisation's ODS code as the assessment states it (the server trusts its token, not this).
    public var organisation: String
    /// The date the assessment is as of.
    public var assessedAt: Date
    /// Per area: assessed, partial or not assessed, by area.
    public var areas: [AreaStatus]
    /// The findings, by rule then subject key.
    public var findings: [SubmittedFinding]
    /// What the evidence covered, by area then kind.
    public var coverage: [CoverageGroup]
    /// Measured counts, by id.
    public var metrics: [SubmittedMetric]
    /// The fingerprint of the pseudonymisation key that keyed the subjects (``PseudonymKey/fingerprint``, 16 hex
    /// digits; from schema 1.2): the service refuses a submission keyed by another key than the organisation's, whose
    /// subjects would match none of its tickets. Required from 1.2; nil in older clients' documents, which the service
    /// takes only while the organisation has no key recorded.
    public var keyFingerprint: String?

    public init(
        tool: ToolIdentity, organisation: String, assessedAt: Date, areas: [AreaStatus],
        findings: [SubmittedFinding], coverage: [CoverageGroup], metrics: [SubmittedMetric]
    ) {
        self.schemaVersion = Submission.currentSchemaVersion
        self.tool = tool
        self.organisation = organisation
        self.assessedAt = assessedAt
        self.areas = areas.sorted { $0.area < $1.area }
        self.findings = findings.sorted { ($0.rule, $0.subject) < ($1.rule, $1.subject) }
        self.coverage = coverage.sorted { ($0.area, $0.kind.rawValue, $0.id) < ($1.area, $1.kind.rawValue, $1.id) }
        self.metrics = metrics.sorted { $0.id < $1.id }
    }

    /// Whether an area was assessed, and so whether an absence in it means anything.
    public struct AreaStatus: Codable, Sendable, Hashable {
        /// The area.
        public var area: AssessmentArea
        /// Assessed, partial or not assessed.
        public var status: Coverage.Status

        public init(area: AssessmentArea, status: Coverage.Status) {
            self.area = area
            self.status = status
        }
    }

    /// One finding without anything that names its subject.
    public struct SubmittedFinding: Codable, Sendable, Hashable {
        /// The rule broken.
        public var rule: RuleID
        /// The finding's own severity.
        public var severity: Severity
        /// The area of the rule, so that the service knows which coverage group decides the finding's closure.
        public var area: AssessmentArea
        /// The kind of subject.
        public var kind: Subject.Kind
        /// The subject's pseudonymous key (32 hex digits).
        public var subject: String
        /// Facts from the allow-list only (``SubmissionFacts``).
        public var facts: [String: String]

        public init(
            rule: RuleID, severity: Severity, area: AssessmentArea, kind: Subject.Kind, subject: String,
            facts: [String: String]
        ) {
            self.rule = rule
            self.severity = severity
            self.area = area
            self.kind = kind
            self.subject = subject
            self.facts = facts
        }
    }

    /// The subjects of one kind the evidence covered for one area's rules, as pseudonymous keys.
    public struct CoverageGroup: Codable, Sendable, Hashable {
        /// The area.
        public var area: AssessmentArea
        /// The kind of subject.
        public var kind: Subject.Kind
        /// Every subject of the kind was covered (the keys are then not listed).
        public var complete: Bool
        /// The covered subjects' keys, sorted and distinct.
        public var subjects: [String]
        /// The rules of the area the subjects were checked for, sorted; absent for every rule of the area (a host
        /// whose updates could not be decided is covered for its SMBv1 state only, accounts without a breach corpus for
        /// every rule but the breached-password one).
        public var rules: [RuleID]?

        public init(
            area: AssessmentArea, kind: Subject.Kind, complete: Bool, subjects: some Sequence<String>,
            rules: [RuleID]? = nil
        ) {
            self.area = area
            self.kind = kind
            self.complete = complete
            // Already in order and distinct (a document read back, normalised twice): kept as it is.
            let given = Array(subjects)
            let ordered = zip(given, given.dropFirst()).allSatisfy { $0 < $1 }
            self.subjects = ordered ? given : Array(Set(given)).sorted()
            self.rules = rules.map { Array(Set($0)).sorted() }
        }

        /// Whether the group speaks for findings of `rule`.
        public func applies(to rule: RuleID) -> Bool {
            rules.map { $0.contains(rule) } ?? true
        }

        /// Whether the group covers the subject with key `subject`: the group is complete, lists the key, or (for a
        /// permission) lists the folder the permission is on (``PseudonymKey/folderCoverageKey(ofPermission:)``).
        public func covers(_ subject: String) -> Bool {
            if complete || subjects.sortedContains(subject) { return true }
            guard kind == .resource, let folder = PseudonymKey.folderCoverageKey(ofPermission: subject) else {
                return false
            }
            return subjects.sortedContains(folder)
        }

        /// The group's name in the store (`updates/host`; `updates/host/VGL-UPD-SMB1-ENABLED` for some rules only).
        public var id: String {
            let base = "\(area.rawValue)/\(kind.rawValue)"
            return rules.map { base + "/" + $0.map(\.rawValue).joined(separator: ",") } ?? base
        }
    }

    /// A measured count (never the metric's label, which is prose).
    public struct SubmittedMetric: Codable, Sendable, Hashable {
        /// The metric's stable id (`accounts.enabled`).
        public var id: String
        /// The count.
        public var value: Int
        /// The population it is a share of, when it is one.
        public var total: Int?

        public init(id: String, value: Int, total: Int?) {
            self.id = id
            self.value = value
            self.total = total
        }
    }
}
