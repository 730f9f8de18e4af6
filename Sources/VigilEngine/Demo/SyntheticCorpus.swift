public import Foundation
import VigilParsers
public import VigilSynth

/// The breach corpus of `vigil demo` and `vigil generate`: a Pwned-Passwords-format file and its index, side by side.
public enum SyntheticCorpus {
    /// The corpus file's name.
    public static let fileName = "pwned-passwords-ntlm.txt"
    /// The index's name, which generated bundles name in their `vigil.yaml`.
    public static let indexName = "pwned-passwords.vbi"

    /// Writes into `folder` a corpus holding the breached passwords of every estate of `specifications` and `filler`
    /// others, then its index.
    public static func write(
        for specifications: [EstateSpecification], asOf: Date, seed: UInt64, filler: Int, into folder: URL
    ) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let corpus = folder.appendingPathComponent(fileName).path
        try BreachCorpusWriter.write(
            entries: specifications.flatMap { BreachCorpusWriter.entries(for: $0, asOf: asOf) }, filler: filler,
            seed: seed, to: corpus)
        var options = BreachIndexBuilder.Options()
        options.resume = false
        _ = try BreachIndexBuilder(options: options).build(
            source: corpus, output: folder.appendingPathComponent(indexName).path)
    }
}
