public import VigilSynth

extension SyntheticDemo {
    /// Writes the evidence bundle of `specification` and its ground truth, returning the ground truth.
    ///
    /// Its `vigil.yaml` names the breach index ``writeBreachCorpus()`` writes, by a path relative to the bundle.
    public func generate(_ specification: EstateSpecification) throws -> GroundTruth {
        let truth = try EstateGenerator(
            specification, asOf: asOf, breachIndex: "../../reference/\(SyntheticCorpus.indexName)"
        )
        .write(to: estate(of: specification))
        try GroundTruthFile.write(truth, to: groundTruth(of: specification), permissions: permissions)
        return truth
    }

    /// Writes the breach corpus holding every organisation's breached passwords, with filler, and indexes it: run after
    /// the estates, whose bundles name the index.
    public func writeBreachCorpus() throws {
        try SyntheticCorpus.write(
            for: specifications, asOf: asOf, seed: seed, filler: Self.corpusFiller, into: reference)
    }
}
