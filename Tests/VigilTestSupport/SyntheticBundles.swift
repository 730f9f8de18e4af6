public import Foundation
import VigilCore
import VigilParsers
public import VigilSynth

/// Generates synthetic bundles for tests, each in its own scratch folder, with a synthetic breach corpus indexed beside
/// the bundle (its manifest points at it), as `vigil generate` writes them.
public enum SyntheticBundles {
    /// The fixed date tests assess as of.
    public static let asOf = CivilDate.date(year: 2026, month: 11, day: 1)

    /// A generated bundle and its ground truth.
    public struct Bundle: Sendable {
        public let scratch: ScratchDirectory
        public let truth: GroundTruth
        public var directory: URL { scratch.url.appendingPathComponent("estate") }
        public var breachIndex: URL { scratch.url.appendingPathComponent("pwned-passwords.vbi") }
    }

    /// Writes an estate of `staff` accounts in `layout` for `seed`, with a file share of `shareFiles` files and, when
    /// `inventories`, host inventories of its computers and servers.
    public static func make(
        seed: UInt64, staff: Int, layout: EstateSpecification.Layout, computers: Int? = nil, shareFiles: Int = 0,
        inventories: Bool = false
    ) throws -> Bundle {
        let scratch = try ScratchDirectory("vigil-estate")
        let specification = EstateSpecification(
            organisation: Organisation(
                code: layout == .trust ? "R9N" : "Y90001", name: layout == .trust ? "Test Trust" : "Test Practice",
                kind: layout == .trust ? .acuteTrust : .gpPractice),
            domain: layout == .trust ? "testtrust.nhs.local" : "testpractice.nhs.local",
            staff: staff,
            computers: computers ?? staff / 2,
            layout: layout,
            seed: seed,
            shareFiles: shareFiles,
            inventories: inventories
        )
        let truth = try EstateGenerator(specification, asOf: asOf, breachIndex: "../pwned-passwords.vbi").write(
            to: scratch.url.appendingPathComponent("estate"))
        let corpus = scratch.url.appendingPathComponent("pwned-passwords-ntlm.txt").path
        try BreachCorpusWriter.write(
            entries: BreachCorpusWriter.entries(for: specification, asOf: asOf), filler: 2_000, seed: seed, to: corpus)
        _ = try BreachIndexBuilder().build(
            source: corpus, output: scratch.url.appendingPathComponent("pwned-passwords.vbi").path)
        return Bundle(scratch: scratch, truth: truth)
    }
}
