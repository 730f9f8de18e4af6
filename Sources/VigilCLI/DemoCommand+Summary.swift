import Foundation
import VigilCore
import VigilEngine
import VigilReport

extension DemoCommand {
    /// Says how each organisation's assessment compares with its ground truth and where everything is, and fails with
    /// `selfCheckFailed` when any differs (a fault in Vigil), which is said on standard error even with `--quiet`.
    func summarise(_ outcomes: [SyntheticDemo.Outcome], demo: SyntheticDemo, index: URL, elapsed: Duration) throws {
        let rows = outcomes.map(Self.row)
        let allMatched = outcomes.allSatisfy(\.matchesGroundTruth)
        if !allMatched {
            Terminal.error(
                "vigil: the demo's assessments differ from the ground truth they were generated with (a fault in Vigil):\n"
                    + rows.joined(separator: "\n"))
        }
        guard !quiet else {
            if !allMatched { throw VigilExit.selfCheckFailed }
            return
        }
        print(
            "Vigil demo: \(Wording.count(demo.specifications.count, "synthetic organisation")) (seed \(seed)), as of \(CivilDate.string(demo.asOf))"
        )
        for row in rows { print(row) }
        print("")
        if let trust = outcomes.first?.assessment {
            print(TerminalSummaryRenderer(colour: Terminal.standardOutputIsTerminal).render(trust), terminator: "")
            print("")
        }
        let trustCode = demo.specifications[0].organisation.code
        print(
            "Open \(index.relativePath) for every organisation, or \(demo.root.appendingPathComponent("reports/\(trustCode)/report.html").relativePath) for the trust."
        )
        print(
            "Evidence bundles are in \(demo.root.appendingPathComponent("estates").relativePath)/; assess one yourself with: vigil assess \(demo.root.appendingPathComponent("estates/\(trustCode)").relativePath) --out my-report"
        )
        print(
            "Done in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))).\(allMatched ? "" : " Some findings differ from the ground truth: see above.")"
        )
        if !allMatched { throw VigilExit.selfCheckFailed }
    }

    /// One organisation's line: its size, its findings and how they compare with the ground truth.
    private static func row(_ outcome: SyntheticDemo.Outcome) -> String {
        let organisation = outcome.specification.organisation
        let assessment = outcome.assessment
        let comparison = outcome.comparison
        let counts = assessment.findingsBySeverity
        // The report's own number (the metric accounts.enabled), not the generator's count of accounts it made.
        let enabled = assessment.metric("accounts.enabled")?.value ?? 0
        return
            "  \(organisation.code.padding(to: 7)) \(organisation.name.padding(to: 52)) \(Wording.number(enabled).padding(to: 7)) enabled accounts  "
            + "\(Wording.number(assessment.findings.count).padding(to: 5)) findings (\(counts[.critical, default: 0]) critical, \(counts[.high, default: 0]) high)  "
            + "ground truth: \(comparison.matched)/\(comparison.matched + comparison.missed.count) found, \(comparison.unexpected.count) unexpected"
            + (comparison.uncovered > 0
                ? " (\(Wording.count(comparison.uncovered, "finding")) of rules it does not seed)" : "")
            + (comparison.metricMismatches.isEmpty ? "" : "; \(comparison.metricMismatches.joined(separator: "; "))")
    }
}
