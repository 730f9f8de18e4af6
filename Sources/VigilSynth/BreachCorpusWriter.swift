public import Foundation
public import VigilCore

/// Writes a synthetic breach corpus in Have I Been Pwned's downloadable layout — `HASH:COUNT` lines, upper-case NTLM
/// hashes, sorted by hash — holding the estates' breached and common passwords among random filler.
public enum BreachCorpusWriter {
    /// The corpus entries an estate contributes.
    public static func entries(for specification: EstateSpecification, asOf: Date) -> [(NTHash, Int)] {
        EstatePlan(specification, asOf: asOf).breachCorpusEntries()
    }

    /// Writes `entries` and `filler` random hashes (seeded) to `path`, sorted; repeated hashes keep the larger count.
    public static func write(entries: [(NTHash, Int)], filler: Int, seed: UInt64, to path: String) throws {
        var random = SeededRandom(seed: seed, stream: 0xF111E5)
        var all: [NTHash: Int] = Dictionary(entries, uniquingKeysWith: max)
        all.reserveCapacity(entries.count + filler)
        for _ in 0..<filler {
            // Prevalence in real corpora is heavy-tailed: most hashes were seen once or a few times.
            let count = 1 + Int(random.next() % 16) * Int(random.next() % 4 == 0 ? random.next() % 50 + 1 : 1)
            all[NTHash(high: random.next(), low: random.next()), default: 0] = count
        }
        let writer = try EstateFileWriter(path: path)
        for (hash, count) in all.sorted(by: { $0.key < $1.key }) {
            try writer.write(hash.unredactedHex.uppercased() + ":" + String(count) + "\n")
        }
        try writer.close()
    }
}
