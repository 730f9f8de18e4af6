import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilSubmission

/// The canonical bytes a submission's digest is taken of are written field by field
/// (``Submission/writtenCanonically()``); they must be exactly `JSONEncoder`'s, which wrote them before and still
/// writes what the writer declines, or a document sent again after an upgrade would no longer be known as a duplicate.
@Suite("canonical submission bytes")
struct CanonicalWriterTests {
    /// A generated document: findings of every area, kind and severity with facts drawn from every allowed key,
    /// coverage groups, metrics with and without totals, a tool version with quotes, a backslash and slashes, and an
    /// assessment time with a fraction of a second.
    static func document(seed: UInt64) -> Submission {
        var random = SeededGenerator(state: seed)
        let keys = Array(SubmissionFacts.allowed.keys).sorted() + [Finding.escalationFact]
        let areas = AssessmentArea.allCases
        let kinds = Subject.Kind.allCases
        let findings = (0..<random.below(60)).map { index in
            var facts: [String: String] = [:]
            for _ in 0..<random.below(6) {
                let key = keys[random.below(keys.count)]
                facts[key] = key == "listed" ? "CVE-2017-0144,CVE-2019-0708" : "\(random.below(100_000))"
            }
            // A rule from the catalogue in its own area: the service refuses any other.
            let rule = RuleCatalogue.all[random.below(RuleCatalogue.all.count)]
            return Submission.SubmittedFinding(
                rule: rule.id, severity: Severity.allCases[random.below(5)],
                area: rule.area, kind: kinds[random.below(kinds.count)],
                subject: String(format: "%032llx", UInt64(index) &* 0x9E37_79B9_7F4A_7C15), facts: facts)
        }
        let coverage = (0..<random.below(4)).map { _ in
            let area = areas[random.below(areas.count)]
            // For every rule of the area, or for some (none, one or several of them).
            let ofArea = RuleCatalogue.all.filter { $0.area == area }.map(\.id)
            let rules = random.below(2) == 0 ? nil : ofArea.filter { _ in random.below(2) == 0 }
            return Submission.CoverageGroup(
                area: area, kind: kinds[random.below(kinds.count)], complete: random.below(2) == 0,
                subjects: (0..<random.below(40)).map { String(format: "%032llx", UInt64($0) &* 0xBF58_476D_1CE4_E5B9) },
                rules: rules)
        }
        let metrics = (0..<random.below(5)).map {
            Submission.SubmittedMetric(
                id: "metric.\($0)", value: random.below(1_000), total: random.below(2) == 0 ? nil : random.below(5_000))
        }
        var document = Submission(
            tool: ToolIdentity(name: "vigil", version: #"1.2.3-"rc"\build/\#(seed)"#), organisation: "RX1",
            assessedAt: Date(timeIntervalSince1970: 1_780_000_000 + Double(random.below(100_000_000)) + 0.375),
            areas: areas.map { .init(area: $0, status: random.below(2) == 0 ? .assessed : .notAssessed) },
            findings: findings, coverage: coverage, metrics: metrics)
        // With the key's fingerprint (schema 1.2) or without (an older client's 1.1 document).
        if random.below(2) == 0 {
            document.keyFingerprint = String(format: "%016llx", seed &* 0x9E37_79B9_7F4A_7C15)
        } else {
            document.schemaVersion = "1.1"
        }
        return document
    }

    @Test("the writer's bytes are the encoder's, on generated documents", arguments: 0..<64)
    func sameBytes(_ seed: UInt64) throws {
        let document = Self.document(seed: seed).normalised
        let written = try #require(document.writtenCanonically())
        #expect(written == Array(try document.encodedCanonically()))
        #expect(try document.canonicalJSON() == Data(written))
    }

    @Test("every fact key allowed, on one finding, in the encoder's order")
    func everyFactKey() throws {
        var facts = Dictionary(uniqueKeysWithValues: SubmissionFacts.allowed.keys.map { ($0, "1") })
        facts[Finding.escalationFact] = "domain-admin"
        let document = Submission(
            tool: ToolIdentity(name: "vigil", version: "1"), organisation: "RX1",
            assessedAt: Date(timeIntervalSince1970: 1_780_000_000), areas: [],
            findings: [
                .init(
                    rule: .updateMissing, severity: .high, area: .updates, kind: .host,
                    subject: String(repeating: "a", count: 32), facts: facts)
            ], coverage: [], metrics: [])
        #expect(try #require(document.writtenCanonically()) == Array(try document.encodedCanonically()))
    }

    @Test(
        "a string the writer declines goes to the encoder, and the digest is the encoder's",
        arguments: ["caf\u{E9}", "tab\there", "nul\u{0}", "del\u{7F}", "emoji \u{1F600}"])
    func declined(_ version: String) throws {
        var document = Self.document(seed: 7)
        document.tool.version = version
        document = document.normalised
        #expect(document.writtenCanonically() == nil)
        #expect(try document.canonicalJSON() == (try document.encodedCanonically()))
    }

    @Test("a fact key outside the allowed list goes to the encoder")
    func unknownFactKey() throws {
        var document = Self.document(seed: 11)
        document.findings.append(
            .init(
                rule: .updateMissing, severity: .low, area: .updates, kind: .host,
                subject: String(repeating: "f", count: 32), facts: ["Zeta": "1"]))
        #expect(document.normalised.writtenCanonically() == nil)
        #expect(try document.canonicalJSON() == (try document.normalised.encodedCanonically()))
    }
}
