public import Foundation

/// The result of assessing one organisation's evidence: what was read, what could be assessed, what was measured and
/// what was found. This is the document `assessment.json` holds and the national service receives (as findings only).
public struct Assessment: Codable, Sendable {
    /// The version of the JSON document; bumped on any incompatible change (see `schemas/assessment.schema.json`).
    public static let currentSchemaVersion = "2.1"

    /// The document's schema version.
    public var schemaVersion: String
    /// The tool and version that produced it.
    public var tool: ToolIdentity
    /// The organisation assessed.
    public var organisation: Organisation
    /// The date the assessment is as of (injected, so runs are reproducible).
    public var assessedAt: Date
    /// The evidence read.
    public var evidence: EvidenceInventory
    /// Which areas were assessed.
    public var coverage: [Coverage]
    /// Measured quantities, sorted by id.
    public var metrics: [Metric]
    /// Plain-words statements per area, for the first page.
    public var headlines: [Headline]
    /// Findings in report order: severity, rule, subject.
    public var findings: [Finding]
    /// Which subjects the evidence covered, per area and subject kind, by area then kind (schema 2.0; absent in older
    /// documents). The national service closes a finding only on evidence that covered its subject.
    public var covered: [CoveredSubjects]?
    /// Views across findings (advisories missing across hosts), by area then id.
    public var tables: [SummaryTable]
    /// Counts by severity, per rule and per action, derived from the findings (each at its own severity).
    public var summary: AssessmentSummary

    public init(
        tool: ToolIdentity = .current,
        organisation: Organisation,
        assessedAt: Date,
        evidence: EvidenceInventory,
        coverage: [Coverage],
        metrics: [Metric],
        headlines: [Headline],
        findings: [Finding],
        tables: [SummaryTable] = [],
        covered: [CoveredSubjects]? = nil,
        domainReach: Int = 1
    ) {
        self.schemaVersion = Assessment.currentSchemaVersion
        self.tool = tool
        self.organisation = organisation
        self.assessedAt = assessedAt
        self.evidence = evidence
        self.coverage = coverage.sorted { $0.area < $1.area }
        self.metrics = metrics.sorted { $0.id < $1.id }
        self.headlines = headlines.sorted { ($0.area, $0.text) < ($1.area, $1.text) }
        self.findings = Finding.inReportOrder(consume findings)
        self.tables = tables.sorted { ($0.area, $0.id) < ($1.area, $1.id) }
        self.covered = covered?.sorted { ($0.area, $0.kind.rawValue) < ($1.area, $1.kind.rawValue) }
        self.summary = AssessmentSummary(findings: self.findings, domainReach: domainReach)
    }

    /// The metric with `id`, if measured.
    public func metric(_ id: String) -> Metric? {
        metrics.first { $0.id == id }
    }

    /// Number of findings at each severity.
    public var findingsBySeverity: [Severity: Int] {
        var counts: [Severity: Int] = [:]
        // By position: iterating the findings themselves would copy each one.
        for index in findings.indices { counts[findings[index].severity, default: 0] += 1 }
        return counts
    }

    /// The highest severity found, if any.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }
}

/// The name and version of the software that produced a document.
public struct ToolIdentity: Codable, Sendable, Hashable {
    /// `vigil`.
    public var name: String
    /// Semantic version.
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// This build of Vigil.
    public static let current = ToolIdentity(name: "vigil", version: "0.1.0")
}
