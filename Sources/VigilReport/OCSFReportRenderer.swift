import Foundation
public import VigilCore

/// `findings.ocsf.jsonl`: every finding as an OCSF 1.8.0 event, one JSON object per line, so that a security
/// operations centre's SIEM ingests Vigil with its stock OCSF mapping instead of a parser written for Vigil.
///
/// Missing security updates become Vulnerability Findings (class 2002) listing the advisories missed (a CVE when the
/// advisory is one, the advisory's own identifier otherwise) and the update to install; every other finding (account
/// hygiene, passwords, patient data, access, unsupported systems) is a Compliance Finding (class 2003) naming the
/// framework controls its rule bears on. Events carry only what `assessment.json` already carries — the subject as
/// Vigil names it, the plain-words detail, evidence positions — so no hash, password or full patient identifier can
/// reach a SIEM through them.
public enum OCSFReportRenderer {
    /// The OCSF schema version the events conform to.
    public static let schemaVersion = "1.8.0"

    /// The rules whose findings are Vulnerability Findings: a host lacks the fixes for named vulnerabilities.
    public static let vulnerabilityRules: Set<RuleID> = [.updateMissingExploited, .updateOverdue, .updateMissing]

    /// Findings per slice rendered by one worker.
    static let sliceSize = 2_000

    /// The JSON-lines text for `assessment`.
    public static func render(_ assessment: Assessment) -> String {
        let context = Context(assessment)
        var text: [UInt8] = []
        for finding in assessment.findings { text += line(finding, context: context) }
        return String(decoding: text, as: UTF8.self)
    }

    /// Writes the events for `assessment` to `output` in pieces, in finding order: lines are made in slices on every
    /// core, and a large estate's file is never held whole.
    public static func write<Failure: Error>(
        _ assessment: Assessment, to output: @Sendable ([UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        let findings = assessment.findings
        let context = Context(assessment)
        let slices = (findings.count + sliceSize - 1) / sliceSize
        try parallelForEachInOrder(slices) { slice -> [UInt8] in
            var bytes: [UInt8] = []
            for finding in findings[slice * sliceSize..<min(findings.count, (slice + 1) * sliceSize)] {
                bytes += line(finding, context: context)
            }
            return bytes
        } consume: { (bytes) throws(Failure) in
            try output(bytes)
        }
    }

    /// What every event of one assessment shares.
    struct Context: Sendable {
        /// The as-of date in milliseconds since 1970 (OCSF's `timestamp_t`).
        var time: Int64
        /// The product block of `metadata`.
        var product: Product
        /// The organisation's ODS code, the tenant a SIEM files the events under.
        var tenant: String

        init(_ assessment: Assessment) {
            // A date outside Int64 milliseconds cannot come from a calendar date; 0 keeps the event valid regardless.
            let milliseconds = (assessment.assessedAt.timeIntervalSince1970 * 1_000).rounded()
            time = milliseconds.magnitude < 9.0e18 ? Int64(milliseconds) : 0
            product = Product(name: "Vigil", vendorName: "Vigil", version: assessment.tool.version)
            tenant = assessment.organisation.code
        }
    }

    /// One event and its line end. Encoding a value of plain strings, numbers and arrays cannot fail; were it ever to,
    /// the finding's line is left out rather than the whole file lost.
    static func line(_ finding: Finding, context: Context) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var bytes = try? Array(encoder.encode(event(finding, context: context))) else { return [] }
        bytes.append(0x0A)
        return bytes
    }

    /// The OCSF event for `finding`.
    static func event(_ finding: Finding, context: Context) -> Event {
        let rule = RuleCatalogue.rule(finding.rule)
        let vulnerabilities = vulnerabilities(finding, rule: rule)
        let findingClass: FindingClass = vulnerabilities.isEmpty ? .compliance : .vulnerability
        let severity = SeverityLevel(finding.severity)
        var resources = [Resource(finding.subject)]
        resources += finding.related.map(Resource.init)
        return Event(
            activityId: 1, activityName: "Create",
            categoryUid: 2, categoryName: "Findings",
            classUid: findingClass.uid, className: findingClass.name,
            typeUid: findingClass.uid * 100 + 1, typeName: "\(findingClass.name): Create",
            severityId: severity.id, severity: severity.name,
            time: context.time, timezoneOffset: 0,
            statusId: 1, status: "New",
            message: finding.detail,
            metadata: Metadata(
                version: schemaVersion, product: context.product, logName: "findings", tenantUid: context.tenant),
            findingInfo: FindingInfo(
                uid: finding.fingerprint, title: rule.title, desc: finding.detail, types: [rule.area.title],
                analytic: Analytic(uid: finding.rule.rawValue, name: rule.title, typeId: 1, type: "Rule"),
                dataSources: finding.evidence.isEmpty ? nil : finding.evidence.map(\.description),
                createdTime: context.time),
            resources: resources,
            compliance: findingClass == .compliance ? compliance(rule) : nil,
            remediation: findingClass == .compliance
                ? Remediation(desc: rule.remediation, references: rule.references.isEmpty ? nil : rule.references)
                : nil,
            vulnerabilities: findingClass == .vulnerability ? vulnerabilities : nil)
    }

    /// The vulnerabilities a missing-update finding lists (`facts["listed"]`, worst first), each with the update to
    /// install; empty for every other finding, which makes it a Compliance Finding.
    static func vulnerabilities(_ finding: Finding, rule: Rule) -> [Vulnerability] {
        guard vulnerabilityRules.contains(finding.rule), let listed = finding.facts["listed"] else { return [] }
        let install = finding.facts["install"].map { [KnowledgeBaseArticle(uid: $0)] }
        let remediation = Remediation(desc: rule.remediation, references: nil, kbArticleList: install)
        return listed.split(separator: ",").map { identifier in
            let id = String(identifier)
            // OCSF allows just one of `cve`, `advisory` and `cwe` per vulnerability.
            let isCVE = id.uppercased().hasPrefix("CVE-")
            return Vulnerability(
                cve: isCVE ? CVE(uid: id) : nil, advisory: isCVE ? nil : Advisory(uid: id), title: id,
                isExploitAvailable: finding.rule == .updateMissingExploited ? true : nil, isFixAvailable: true,
                remediation: remediation)
        }
    }

    /// The compliance block: the rule as the control, its frameworks as standards, and the check failed.
    static func compliance(_ rule: Rule) -> Compliance {
        let standards = Array(Set(rule.controls.map(\.framework.title))).sorted()
        let requirements = rule.controls.map { "\($0.framework.title) \($0.id): \($0.title)" }
        return Compliance(
            control: rule.id.rawValue, standards: standards.isEmpty ? nil : standards,
            requirements: requirements.isEmpty ? nil : requirements, statusId: 3, status: "Fail")
    }

    /// The two OCSF classes Vigil's findings map to.
    enum FindingClass {
        case compliance, vulnerability

        /// `category_uid * 1000 + class uid`, as OCSF numbers classes.
        var uid: Int {
            switch self {
            case .compliance: 2003
            case .vulnerability: 2002
            }
        }

        /// The class caption.
        var name: String {
            switch self {
            case .compliance: "Compliance Finding"
            case .vulnerability: "Vulnerability Finding"
            }
        }
    }

    /// OCSF's `severity_id` and its caption for a Vigil severity (Informational 1 … Critical 5).
    struct SeverityLevel {
        var id: Int
        var name: String

        init(_ severity: Severity) {
            switch severity {
            case .info: (id, name) = (1, "Informational")
            case .low: (id, name) = (2, "Low")
            case .medium: (id, name) = (3, "Medium")
            case .high: (id, name) = (4, "High")
            case .critical: (id, name) = (5, "Critical")
            }
        }
    }

    // MARK: The OCSF shapes Vigil writes (keys are converted to OCSF's snake case when encoded)

    /// A Compliance Finding or Vulnerability Finding event.
    struct Event: Encodable {
        var activityId: Int
        var activityName: String
        var categoryUid: Int
        var categoryName: String
        var classUid: Int
        var className: String
        var typeUid: Int
        var typeName: String
        var severityId: Int
        var severity: String
        var time: Int64
        var timezoneOffset: Int
        var statusId: Int
        var status: String
        var message: String
        var metadata: Metadata
        var findingInfo: FindingInfo
        var resources: [Resource]
        var compliance: Compliance?
        var remediation: Remediation?
        var vulnerabilities: [Vulnerability]?
    }

    /// `metadata`: the schema version and the product that wrote the event.
    struct Metadata: Encodable {
        var version: String
        var product: Product
        var logName: String
        var tenantUid: String
    }

    /// `product`.
    struct Product: Encodable {
        var name: String
        var vendorName: String
        var version: String
    }

    /// `finding_info`: the fingerprint as the finding's stable identity, and the rule as its analytic.
    struct FindingInfo: Encodable {
        var uid: String
        var title: String
        var desc: String
        var types: [String]
        var analytic: Analytic
        var dataSources: [String]?
        var createdTime: Int64
    }

    /// `analytic`: the Vigil rule that raised the finding.
    struct Analytic: Encodable {
        var uid: String
        var name: String
        var typeId: Int
        var type: String
    }

    /// `resource_details`: a subject as Vigil names it.
    struct Resource: Encodable {
        var uid: String
        var name: String
        var type: String
        var hostname: String?

        init(_ subject: Subject) {
            uid = subject.id
            name = subject.name
            type = subject.kind.rawValue
            hostname = subject.kind == .host ? subject.name : nil
        }
    }

    /// `compliance`.
    struct Compliance: Encodable {
        var control: String
        var standards: [String]?
        var requirements: [String]?
        var statusId: Int
        var status: String
    }

    /// `remediation`.
    struct Remediation: Encodable {
        var desc: String
        var references: [String]?
        var kbArticleList: [KnowledgeBaseArticle]? = nil
    }

    /// `kb_article`.
    struct KnowledgeBaseArticle: Encodable {
        var uid: String
    }

    /// `vulnerability`.
    struct Vulnerability: Encodable {
        var cve: CVE?
        var advisory: Advisory?
        var title: String
        var isExploitAvailable: Bool?
        var isFixAvailable: Bool
        var remediation: Remediation
    }

    /// `cve`.
    struct CVE: Encodable {
        var uid: String
    }

    /// `advisory`.
    struct Advisory: Encodable {
        var uid: String
    }
}
