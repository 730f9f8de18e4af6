import Foundation
import VigilAnalyzers
import VigilCore
import VigilParsers

/// Benchmark workloads whose results `bench/credentials.sh` compares with peer tools. Each prints one JSON line.
///
///     vigil-bench nthash WORDS ENDINGS TARGETS   the dictionary attack: WORDS × {as listed, Capitalised, UPPER} × ENDINGS
///                                                against TARGETS (NT hashes, hex); taskset it to one core for per-core speed
///     vigil-bench lookup INDEX HASHES            look every hash of HASHES up in a breach index
///     vigil-bench access EDGES COUNTS            distinct enabled readers of each confidential resource of an edge list
///                                                (bench/peers/make_access_graph.py), written to COUNTS as "RES COUNT"
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(
        Data("usage: vigil-bench nthash WORDS ENDINGS TARGETS | lookup INDEX HASHES | access EDGES COUNTS\n".utf8))
    exit(64)
}

func lines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast().map(String.init)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

switch arguments[1] {
case "nthash":
    // Vigil's own dictionary attack (SIMD NT hashing, target table) with rules a peer can express: each word as listed,
    // capitalised and upper case, times each ending, no substitutions.
    let words = try lines(arguments[2]).filter { !$0.isEmpty }.map { CandidateWord($0, base: .commonPassword) }
    let guesser = PasswordGuesser(rules: GuessingRules(endings: try lines(arguments[3]), substitutions: false))
    let targets = try lines(arguments[4]).compactMap { NTHash(hex: $0) }
    let started = ContinuousClock.now
    let recovered = guesser.recover(targets: targets, words: words)
    let elapsed = seconds(ContinuousClock.now - started)
    let candidates = guesser.candidateCount(words)
    print(
        "{\"candidates\": \(candidates), \"recovered\": \(recovered.count), \"seconds\": \(elapsed), \"perSecond\": \(Double(candidates) / elapsed)}"
    )
case "lookup":
    let index = try BreachIndex(path: arguments[2])
    let hashes = try lines(arguments[3]).compactMap { NTHash(hex: $0) }
    let started = ContinuousClock.now
    var found = 0
    for hash in hashes where index.prevalence(of: hash) != nil { found += 1 }
    let elapsed = seconds(ContinuousClock.now - started)
    print(
        "{\"lookups\": \(hashes.count), \"found\": \(found), \"seconds\": \(elapsed), \"nanosecondsPerLookup\": \(elapsed / Double(max(hashes.count, 1)) * 1e9)}"
    )
case "access":
    try accessWorkload(edges: arguments[2], counts: arguments[3])
default:
    FileHandle.standardError.write(Data("unknown workload \(arguments[1])\n".utf8))
    exit(64)
}
