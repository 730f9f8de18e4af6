import ArgumentParser
import Foundation
import VigilCore
import VigilEngine
import VigilSynth

/// `vigil generate`: write one synthetic organisation of any size, for benchmarks and tests.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write one synthetic organisation's exports (any size) and its ground truth.",
        discussion: """
            Writes <out>/estate/ (directory.ldif, ntds.ntds, vigil.yaml), <out>/ground-truth.json, and a synthetic \
            breach corpus <out>/pwned-passwords-ntlm.txt with its index <out>/pwned-passwords.vbi (the manifest \
            points at it). Memory stays small whatever --staff is: 1,500,000 accounts write about 1.1 GB of LDIF.

            --out must be empty, missing, or a folder an earlier `vigil generate` wrote (it leaves a .vigil-generate \
            marker): a rerun replaces what the last one wrote and never touches other files there.
            """
    )

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case trust, practice
    }

    @Option(name: [.short, .long], help: ArgumentHelp("Folder to write into.", valueName: "dir"))
    var out: String

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Staff accounts.")
    var staff: Int = 7_000

    @Option(help: "Computer accounts (default: 70% of --staff).")
    var computers: Int?

    @Option(help: "Directory layout: trust or practice.")
    var layout: Layout = .trust

    @Option(
        name: .customLong("corpus-filler"),
        help: "Random hashes in the synthetic breach corpus besides the estate's breached and common passwords.")
    var corpusFiller: Int = 100_000

    @OptionGroup var asOf: AsOfOption

    func validate() throws {
        guard staff >= 1 else { throw ValidationError("--staff must be at least 1") }
        if let computers, computers < 0 { throw ValidationError("--computers cannot be negative") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let root = URL(fileURLWithPath: out)
        let specification = EstateSpecification(
            organisation: Organisation(
                code: layout == .trust ? "R9N" : "Y90001",
                name: layout == .trust ? "Northgate University Hospitals NHS Foundation Trust" : "Riverside Surgery",
                kind: layout == .trust ? .acuteTrust : .gpPractice),
            domain: layout == .trust ? "northgate.nhs.local" : "riverside.nhs.local",
            staff: staff,
            computers: computers ?? staff * 7 / 10,
            layout: layout == .trust ? .trust : .practice,
            seed: seed
        )
        let progress = ProgressLine()
        do {
            try CommandFolder.generate.prepare(root)
        } catch {
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }
        let truth: GroundTruth
        do {
            let date = try asOf.date()
            truth = try EstateGenerator(specification, asOf: date, breachIndex: "../\(SyntheticCorpus.indexName)")
                .write(
                    to: root.appendingPathComponent("estate")
                ) { written in
                    progress.show("Generating: \(Wording.number(written)) of \(Wording.number(staff)) staff accounts")
                }
            try GroundTruthFile.write(truth, to: root.appendingPathComponent("ground-truth.json"))
            progress.show("Writing and indexing a synthetic breach corpus", force: true)
            try SyntheticCorpus.write(for: [specification], asOf: date, seed: seed, filler: corpusFiller, into: root)
        } catch {
            progress.clear()
            Terminal.error("vigil: cannot write the synthetic estate under \(out): \(error)")
            throw VigilExit.cannotCreate
        }
        progress.clear()
        print(
            "Wrote \(Wording.count(truth.accounts, "account")) and \(Wording.count(truth.computers, "computer")) to \(root.appendingPathComponent("estate").relativePath) (\(Wording.count(truth.expected.count, "seeded failing")) in \(root.appendingPathComponent("ground-truth.json").relativePath)) in \((ContinuousClock.now - started).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))."
        )
    }
}
