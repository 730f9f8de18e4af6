import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilSynth
import VigilTestSupport

/// The updates analyzer against synthetic estates whose inventories (systeminfo files, an osquery result log,
/// `systeminfo /fo csv` for servers) were seeded with known patch levels, assessed end to end with the built-in
/// advisory catalogue: every seeded failing found and nothing else.
@Suite("Updates against seeded estates")
struct UpdatesGroundTruthTests {
    static let updateRules: Set<RuleID> = [
        .updateMissingExploited, .updateOverdue, .updateMissing, .unsupportedSystem, .smbVersion1Enabled,
        .updateStateUnknown,
    ]

    @Test(
        "every seeded missing update, unsupported system, SMBv1 host and undecidable host is found, nothing else",
        arguments: [(UInt64(3), 400, EstateSpecification.Layout.trust), (5, 30, .practice), (8, 1_200, .trust)])
    func groundTruth(seed: UInt64, staff: Int, layout: EstateSpecification.Layout) async throws {
        let bundle = try SyntheticBundles.make(seed: seed, staff: staff, layout: layout, inventories: true)
        defer { bundle.scratch.remove() }
        let assessment = try await AssessmentEngine().assess(
            directory: bundle.directory, options: .init(asOf: SyntheticBundles.asOf))
        let comparison = bundle.truth.compare(with: assessment, rules: Self.updateRules)
        #expect(comparison.missed == [])
        #expect(comparison.unexpected == [])
        #expect(comparison.matched > staff / 4)
        #expect(assessment.evidence.recordsRejected == 0)
        let seeded = Set(bundle.truth.expected.map(\.rule)).intersection(Self.updateRules)
        #expect(seeded.contains(.updateMissingExploited) && seeded.contains(.unsupportedSystem))
        let hosts = assessment.metric("updates.hosts")?.value ?? 0
        #expect(hosts == staff / 2 + (layout == .trust ? 2 : 1), "every computer and server inventoried once")
    }
}
