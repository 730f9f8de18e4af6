import Foundation
import Testing
import VigilCore
import VigilReport
import VigilTestSupport

/// `findings.ocsf.jsonl` checked against the OCSF 1.8.0 schema's own files (a copy in `Tests/Fixtures`).
@Suite("OCSF output")
struct OCSFReportTests {
    /// The schema copy in the fixtures (loaded per test: its values are plain JSON, not `Sendable`).
    static func schema() throws -> OCSFSchema { try OCSFSchema(directory: Fixtures.url("ocsf-schema-1.8.0")) }

    /// The events of `assessment`, one decoded object per line.
    static func events(_ assessment: Assessment) throws -> [[String: Any]] {
        let text = OCSFReportRenderer.render(assessment)
        #expect(text.hasSuffix("\n") || assessment.findings.isEmpty)
        return try text.split(separator: "\n").map { try OCSFSchema.decodeEvent(Data($0.utf8)) }
    }

    @Test("every event of the seeded practice's assessment is a valid OCSF 1.8.0 Compliance or Vulnerability Finding")
    func practiceValidates() async throws {
        let schema = try Self.schema()
        #expect(schema.version == OCSFReportRenderer.schemaVersion)
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 7, staff: 24, layout: .practice)
        defer { bundle.scratch.remove() }
        let events = try Self.events(assessment)
        #expect(events.count == assessment.findings.count)
        for (event, finding) in zip(events, assessment.findings) {
            let problems = schema.problems(in: event)
            #expect(problems == [], "\(finding.rule.rawValue): \(problems)")
            #expect((event["finding_info"] as? [String: Any])?["uid"] as? String == finding.fingerprint)
            let isUpdate = OCSFReportRenderer.vulnerabilityRules.contains(finding.rule)
            #expect(event["class_uid"] as? Int == (isUpdate ? 2002 : 2003), "\(finding.rule.rawValue)")
            #expect(event["time"] as? Int == Int(SyntheticBundles.asOf.timeIntervalSince1970) * 1_000)
            let metadata = event["metadata"] as? [String: Any]
            #expect(metadata?["version"] as? String == "1.8.0")
            #expect((metadata?["product"] as? [String: Any])?["name"] as? String == "Vigil")
        }
        let classes = Set(events.compactMap { $0["class_uid"] as? Int })
        #expect(classes == [2002, 2003], "the practice has both kinds of finding")
        // Worse Vigil severities map to higher OCSF severity ids, Critical to 5.
        for (event, finding) in zip(events, assessment.findings) {
            let expected = Severity.allCases.firstIndex(of: finding.severity)! + 1
            #expect(event["severity_id"] as? Int == expected)
        }
    }

    @Test("a missing-update finding lists its advisories as CVEs or advisories, with the update to install")
    func vulnerabilityDetails() throws {
        let finding = Finding(
            rule: .updateMissingExploited, subject: Subject(kind: .host, id: "ws01", name: "WS01"),
            detail: "WS01 lacks every fix for 2 vulnerabilities.", evidence: [.init(file: "WS01.txt", line: 1)],
            facts: ["listed": "CVE-2017-0144,MS08-067", "install": "KB4012212"])
        let assessment = Assessment(
            organisation: .unnamed, assessedAt: SyntheticBundles.asOf, evidence: .init(files: [], unrecognised: []),
            coverage: [], metrics: [], headlines: [], findings: [finding])
        let event = try #require(try Self.events(assessment).first)
        #expect(try Self.schema().problems(in: event) == [])
        let vulnerabilities = try #require(event["vulnerabilities"] as? [[String: Any]])
        #expect((vulnerabilities[0]["cve"] as? [String: Any])?["uid"] as? String == "CVE-2017-0144")
        #expect(vulnerabilities[0]["advisory"] == nil)
        #expect((vulnerabilities[1]["advisory"] as? [String: Any])?["uid"] as? String == "MS08-067")
        #expect(vulnerabilities[0]["is_exploit_available"] as? Bool == true)
        let remediation = vulnerabilities[1]["remediation"] as? [String: Any]
        #expect((remediation?["kb_article_list"] as? [[String: Any]])?.first?["uid"] as? String == "KB4012212")
        #expect((event["resources"] as? [[String: Any]])?.first?["hostname"] as? String == "WS01")
    }

    /// Ways to break a valid Compliance Finding event, each of which the validator must report.
    static let breakages: [(name: String, reported: String)] = [
        ("unknown top-level attribute", "vigil_extra: not an attribute of compliance_finding"),
        ("missing finding_info.uid", "finding_info.uid: required"),
        ("severity_id outside its enum", "severity_id: 7 is not a value"),
        ("severity caption not its id's", "severity: \"Low\" is not the caption"),
        ("time as a string", "time: expected"),
        ("metadata without product", "metadata.product: required"),
        ("wrong type_uid", "type_uid: expected"),
        ("compliance missing", "compliance: required"),
        ("boolean where a number belongs", "timezone_offset: expected"),
        ("deprecated attribute", "resource: deprecated"),
        ("unknown nested attribute", "compliance.verdict: not an attribute of compliance"),
        ("vulnerability with both a CVE and an advisory", "vulnerabilities[0]: vulnerability needs exactly one"),
    ]

    /// Applies the breakage `name` to `event`.
    static func breaking(_ name: String, _ event: inout [String: Any]) {
        switch name {
        case "unknown top-level attribute": event["vigil_extra"] = 1
        case "missing finding_info.uid": event["finding_info"] = ["title": "x"]
        case "severity_id outside its enum": event["severity_id"] = 7
        case "severity caption not its id's": event["severity"] = "Low"
        case "time as a string": event["time"] = "2026-11-01"
        case "metadata without product": event["metadata"] = ["version": "1.8.0"]
        case "wrong type_uid": event["type_uid"] = 200_302
        case "compliance missing": event["compliance"] = nil
        case "boolean where a number belongs": event["timezone_offset"] = true
        case "deprecated attribute": event["resource"] = ["name": "x"]
        case "unknown nested attribute": event["compliance"] = ["status_id": 3, "verdict": "bad"]
        default:
            event["class_uid"] = 2002
            event["type_uid"] = 200_201
            event["class_name"] = "Vulnerability Finding"
            event["type_name"] = "Vulnerability Finding: Create"
            event["compliance"] = nil
            event["remediation"] = nil
            event["vulnerabilities"] = [["cve": ["uid": "CVE-2017-0144"], "advisory": ["uid": "MS17-010"]]]
        }
    }

    @Test("the validator reports each way an event breaks the schema", arguments: breakages)
    func validatorCatches(name: String, reported: String) throws {
        var event = try #require(try Self.events(ReportTests.hostile).first)
        let schema = try Self.schema()
        #expect(schema.problems(in: event) == [])
        Self.breaking(name, &event)
        let problems = schema.problems(in: event)
        #expect(problems.contains { $0.hasPrefix(reported) }, "\(name): \(problems)")
    }

    @Test("ReportSet writes findings.ocsf.jsonl only when asked, and not by default")
    func writtenOnRequest() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let written = try ReportSet.write(ReportTests.hostile, formats: [.ocsf], to: scratch.url)
        #expect(written.map(\.lastPathComponent) == ["findings.ocsf.jsonl"])
        #expect(!ReportFormat.defaults.contains(.ocsf))
        let lines = try String(contentsOf: written[0], encoding: .utf8).split(separator: "\n")
        #expect(lines.count == ReportTests.hostile.findings.count)
    }
}
