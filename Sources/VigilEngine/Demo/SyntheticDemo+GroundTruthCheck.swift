public import VigilCore
public import VigilSynth

extension SyntheticDemo {
    /// One organisation of the demo, assessed and compared with what its estate was seeded with.
    public struct Outcome: Sendable {
        /// What was generated.
        public var specification: EstateSpecification
        /// What was seeded.
        public var truth: GroundTruth
        /// What the engine found.
        public var assessment: Assessment
        /// How the findings compare with the seeded failings.
        public var comparison: GroundTruth.Comparison

        /// Whether the assessment found every seeded failing and nothing else, for the rules the ground truth covers,
        /// and reported exactly the metrics known by construction: anything else is a fault in Vigil.
        public var matchesGroundTruth: Bool {
            comparison.missed.isEmpty && comparison.unexpected.isEmpty && comparison.metricMismatches.isEmpty
        }
    }

    /// Assesses the bundle written for `specification` with `engine` and compares the assessment with `truth`.
    public func assess(
        _ specification: EstateSpecification, truth: GroundTruth, engine: AssessmentEngine
    ) async throws -> Outcome {
        let assessment = try await engine.assess(directory: estate(of: specification), options: .init(asOf: asOf))
        return Outcome(
            specification: specification, truth: truth, assessment: assessment,
            comparison: truth.compare(with: assessment))
    }
}
