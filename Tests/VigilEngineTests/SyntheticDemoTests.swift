import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilSynth
import VigilTestSupport

/// The demo's library half: generation, the breach corpus, assessment and the ground-truth check, without the CLI.
@Suite("Synthetic demo")
struct SyntheticDemoTests {
    @Test("every demo organisation is written, assessed and found to match exactly what it was seeded with")
    func generatesAssessesAndChecks() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let demo = SyntheticDemo(
            seed: 3, trustStaff: 40, practices: 1, asOf: CivilDate.date(year: 2026, month: 11, day: 1),
            root: scratch.url)
        #expect(demo.specifications.map(\.organisation.kind) == [.acuteTrust, .gpPractice])

        let truths = try demo.specifications.map { try demo.generate($0) }
        try demo.writeBreachCorpus()
        #expect(
            FileManager.default.fileExists(atPath: demo.reference.appendingPathComponent("pwned-passwords.vbi").path))

        for (specification, truth) in zip(demo.specifications, truths) {
            // The ground truth on disk is the one returned.
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let stored = try decoder.decode(
                GroundTruth.self, from: Data(contentsOf: demo.groundTruth(of: specification)))
            #expect(stored.expected == truth.expected && !truth.expected.isEmpty)

            let outcome = try await demo.assess(specification, truth: truth, engine: AssessmentEngine())
            #expect(outcome.assessment.organisation == specification.organisation)
            #expect(outcome.comparison.missed.isEmpty, "missed: \(outcome.comparison.missed)")
            #expect(outcome.comparison.unexpected.isEmpty, "unexpected: \(outcome.comparison.unexpected)")
            #expect(outcome.comparison.matched == truth.expected.count)
            // The access logs' usage numbers, known by construction, are reported exactly.
            #expect(outcome.comparison.metricMismatches.isEmpty, "\(outcome.comparison.metricMismatches)")
            #expect(stored.metrics == truth.metrics)
            if specification.shareFiles > 0 {
                #expect(truth.metrics?["access.log-users-unmatched"] == 1)
                #expect(truth.metrics?["access.shares-logged"] == 1)
            }
            #expect(outcome.matchesGroundTruth)
        }
    }

    @Test("an assessment whose usage numbers differ from those the logs were written with does not match")
    func usageMismatchIsReported() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let demo = SyntheticDemo(
            seed: 5, trustStaff: 150, practices: 0, asOf: CivilDate.date(year: 2026, month: 11, day: 1),
            root: scratch.url)
        let specification = try #require(demo.specifications.first)
        var truth = try demo.generate(specification)
        try demo.writeBreachCorpus()
        let used = try #require(truth.metrics?["access.staff-used-patient-data"])
        #expect(used > 0)
        truth.metrics?["access.staff-used-patient-data"] = used + 1
        let outcome = try await demo.assess(specification, truth: truth, engine: AssessmentEngine())
        #expect(
            outcome.comparison.metricMismatches == [
                "access.staff-used-patient-data: expected \(used + 1), found \(used)"
            ])
        #expect(!outcome.matchesGroundTruth)
    }

    @Test("an assessment that misses a seeded failing does not match")
    func mismatchIsReported() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let demo = SyntheticDemo(
            seed: 5, trustStaff: 20, practices: 0, asOf: CivilDate.date(year: 2026, month: 11, day: 1),
            root: scratch.url)
        let specification = try #require(demo.specifications.first)
        var truth = try demo.generate(specification)
        try demo.writeBreachCorpus()
        truth.expected.append(GroundTruth.Expectation(rule: RuleID("no-such-rule"), subject: "NOBODY\\nobody"))
        truth.rules.append(RuleID("no-such-rule"))
        let outcome = try await demo.assess(specification, truth: truth, engine: AssessmentEngine())
        #expect(outcome.comparison.missed.map(\.subject) == ["NOBODY\\nobody"])
        #expect(!outcome.matchesGroundTruth)
    }
}
