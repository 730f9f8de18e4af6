import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilEngine
import VigilParsers
import VigilReport
import VigilSynth

/// `vigil demo`: generate a synthetic estate with known ground truth, assess it, and show where the reports are.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a synthetic trust and GP practices, assess them, and write their reports.",
        discussion: """
            Writes, under --out: estates/<code>/ (each organisation's exports in the real formats: LDIF directory \
            export, secretsdump hash dump, vigil.yaml), ground-truth/<code>.json (every failing seeded), \
            reports/<code>/ (report.html, assessment.json, findings.csv) and index.html (all organisations). Then \
            compares each assessment with its ground truth. The same seed gives the same estate. Reports, ground \
            truth and index.html are readable by their owner only (0600) unless --mode widens them.

            --out must be empty, missing, or a folder an earlier `vigil demo` wrote (it leaves a .vigil-demo marker \
            file): the demo then removes only what it wrote there before writing again, so old files never mix with \
            the new estate. Any other non-empty folder is refused.

            Exit codes: 0 every assessment matched its ground truth; 70 an assessment differs from its ground truth \
            (a fault in Vigil); 73 --out is a non-empty folder the demo did not write, or cannot be written.
            """
    )

    @Option(help: "Seed for the synthetic estate.")
    var seed: UInt64 = 1

    @Option(name: [.short, .long], help: ArgumentHelp("Folder to write everything into.", valueName: "dir"))
    var out: String = "vigil-demo"

    @Option(name: .customLong("trust-staff"), help: "Staff accounts of the acute trust.")
    var trustStaff: Int = 7_000

    @Option(help: "Number of GP practices (10–60 staff each).")
    var practices: Int = 4

    @Option(
        help: ArgumentHelp(
            "Report formats to write, comma-separated: html, json, csv, ocsf (OCSF 1.8.0 events for a SIEM, findings.ocsf.jsonl; not written unless named).",
            valueName: "list"))
    var format = ReportFormats(formats: ReportFormat.defaults)

    @OptionGroup var asOf: AsOfOption

    @OptionGroup var outputMode: OutputModeOption

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    func validate() throws {
        guard trustStaff >= 20 else { throw ValidationError("--trust-staff must be at least 20") }
        guard (0...50).contains(practices) else { throw ValidationError("--practices must be between 0 and 50") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let date = try asOf.date()
        let root = URL(fileURLWithPath: out)
        let specifications = EstateSpecification.demo(seed: seed, trustStaff: trustStaff, practices: practices)
        let progress = ProgressLine(enabled: Terminal.standardErrorIsTerminal && !quiet)
        let engine = AssessmentEngine(logger: Logger.vigil("vigil.demo", verbose: false))
        var entries: [OrganisationIndexRenderer.Entry] = []
        var rows: [String] = []
        var allMatched = true

        do {
            try DemoFolder.prepare(root)
        } catch {
            progress.clear()
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }

        // Every estate first, then the breach corpus that knows their breached passwords, indexed, then assessments.
        var truths: [GroundTruth] = []
        do {
            for specification in specifications {
                let code = specification.organisation.code
                progress.show("Generating \(specification.organisation.name)", force: true)
                let truth = try EstateGenerator(
                    specification, asOf: date, breachIndex: "../../reference/\(SyntheticCorpus.indexName)"
                )
                .write(to: root.appendingPathComponent("estates").appendingPathComponent(code))
                try GroundTruthFile.write(
                    truth, to: root.appendingPathComponent("ground-truth").appendingPathComponent("\(code).json"),
                    permissions: outputMode.permissions())
                truths.append(truth)
            }
            progress.show("Writing and indexing a synthetic breach corpus", force: true)
            try SyntheticCorpus.write(
                for: specifications, asOf: date, seed: seed, filler: 200_000,
                into: root.appendingPathComponent("reference"))
        } catch {
            progress.clear()
            Terminal.error("vigil: cannot write the synthetic estate under \(out): \(error)")
            throw VigilExit.cannotCreate
        }

        for (specification, truth) in zip(specifications, truths) {
            let code = specification.organisation.code
            let estate = root.appendingPathComponent("estates").appendingPathComponent(code)
            progress.show("Assessing \(specification.organisation.name)", force: true)
            let assessment = try await engine.assess(directory: estate, options: .init(asOf: date))
            let reports = root.appendingPathComponent("reports").appendingPathComponent(code)
            do {
                _ = try ReportSet.write(
                    assessment, formats: format.formats, to: reports, permissions: outputMode.permissions())
            } catch {
                progress.clear()
                Terminal.error("vigil: cannot write reports into \(reports.path): \(error.localizedDescription)")
                throw VigilExit.cannotCreate
            }
            entries.append(.init(assessment: assessment, link: "reports/\(code)/report.html"))
            let comparison = truth.compare(with: assessment)
            allMatched = allMatched && comparison.missed.isEmpty && comparison.unexpected.isEmpty
            let counts = assessment.findingsBySeverity
            rows.append(
                "  \(code.padding(to: 7)) \(specification.organisation.name.padding(to: 52)) \(Wording.number(truth.accounts).padding(to: 7)) accounts  "
                    + "\(Wording.number(assessment.findings.count).padding(to: 5)) findings (\(counts[.critical, default: 0]) critical, \(counts[.high, default: 0]) high)  "
                    + "ground truth: \(comparison.matched)/\(comparison.matched + comparison.missed.count) found, \(comparison.unexpected.count) unexpected"
            )
        }
        let index = root.appendingPathComponent("index.html")
        do {
            try AtomicFile.write(
                Data(
                    OrganisationIndexRenderer.render(entries, title: "Vigil demo: synthetic estate (seed \(seed))").utf8
                ),
                to: index, permissions: outputMode.permissions())
        } catch {
            progress.clear()
            Terminal.error("vigil: cannot write \(index.path): \(error.localizedDescription)")
            throw VigilExit.cannotCreate
        }
        progress.clear()
        if !allMatched {
            Terminal.error(
                "vigil: the demo's assessments differ from the ground truth they were generated with (a fault in Vigil):\n"
                    + rows.joined(separator: "\n"))
        }
        guard !quiet else {
            if !allMatched { throw VigilExit.selfCheckFailed }
            return
        }
        let elapsed = ContinuousClock.now - started
        print(
            "Vigil demo: \(Wording.count(specifications.count, "synthetic organisation")) (seed \(seed)), as of \(CivilDate.string(date))"
        )
        for row in rows { print(row) }
        print("")
        if let trust = entries.first?.assessment {
            print(TerminalSummaryRenderer(colour: Terminal.standardOutputIsTerminal).render(trust), terminator: "")
            print("")
        }
        print(
            "Open \(index.relativePath) for every organisation, or \(root.appendingPathComponent("reports/\(specifications[0].organisation.code)/report.html").relativePath) for the trust."
        )
        print(
            "Evidence bundles are in \(root.appendingPathComponent("estates").relativePath)/; assess one yourself with: vigil assess \(root.appendingPathComponent("estates/\(specifications[0].organisation.code)").relativePath) --out my-report"
        )
        print(
            "Done in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))).\(allMatched ? "" : " Some findings differ from the ground truth: see above.")"
        )
        if !allMatched { throw VigilExit.selfCheckFailed }
    }
}

/// Writes ground truth as sorted, pretty JSON.
enum GroundTruthFile {
    static func write(_ truth: GroundTruth, to url: URL, permissions: OutputPermissions = .ownerOnly) throws {
        try AtomicFile.createFolder(url.deletingLastPathComponent(), permissions: permissions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(encoder.encode(truth), to: url, permissions: permissions)
    }
}

/// The demo's and `generate`'s breach corpus: a Pwned-Passwords-format file and its index, side by side.
enum SyntheticCorpus {
    static let fileName = "pwned-passwords-ntlm.txt"
    static let indexName = "pwned-passwords.vbi"

    static func write(
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
