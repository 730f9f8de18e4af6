import ArgumentParser
import Foundation
import Logging
import VigilEngine
import VigilIO
import VigilReport
import VigilServer
import VigilSynth

/// `vigil demo`: generate a synthetic estate with known ground truth, assess it, and show where the reports are.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a synthetic trust and GP practices, assess them, and write their reports.",
        discussion: """
            Writes, under --out: estates/<code>/ (each organisation's exports in the real formats: LDIF directory \
            export, secretsdump hash dump, vigil.yaml), ground-truth/<code>.json (every failing seeded), \
            reports/<code>/ (report.html, assessment.json, findings.csv, and least-privilege.csv and \
            unused-access.csv where the evidence gives them), reference/ (the synthetic breach corpus and its index) \
            and index.html (all organisations). Then \
            compares each assessment with its ground truth. The same seed gives the same estate. Everything it writes \
            (the estates' synthetic hash dumps and patient lists too, reports, ground truth, index.html) is readable \
            by its owner only (files 0600, folders it creates 0700) unless --mode widens them.

            --out must be empty, missing, or a folder an earlier `vigil demo` wrote (it leaves a .vigil-demo marker \
            file): the demo then removes only what it wrote there before writing again, so old files never mix with \
            the new estate. Any other non-empty folder is refused.

            With --serve the demo then runs the national service on a SQLite file under --out (national.sqlite): the \
            organisations placed in regions and integrated care boards, a synthetic year of weekly submissions \
            derived from their assessments (some improving, some getting worse, one that stopped submitting), one \
            alert closed by evidence for some organisations and open for others, and a national analyst whose \
            password, made for this run, is printed with the address. It runs until Ctrl-C.

            Exit codes: 0 every assessment matched its ground truth; 70 an assessment differs from its ground truth \
            (a fault in Vigil); 69 (--serve) the service could not be set up or the address bound; 73 --out is a non-empty folder the demo did not write, or cannot be written.
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

    @Flag(
        help:
            "Then run the national service with a synthetic year of history and print how to sign in (with --as-of, the service's clock starts on that day, as its history does)."
    )
    var serve = false

    @Option(help: ArgumentHelp("With --serve, where to listen: HOST:PORT, :PORT or PORT.", valueName: "address"))
    var listen = "127.0.0.1:8080"

    func validate() throws {
        guard trustStaff >= 20 else { throw ValidationError("--trust-staff must be at least 20") }
        guard (0...50).contains(practices) else { throw ValidationError("--practices must be between 0 and 50") }
        guard ServerConfiguration.listenAddress(listen) != nil else {
            throw ValidationError("--listen is HOST:PORT, :PORT or PORT (0 to 65535)")
        }
    }

    func run() async throws {
        let permissions = try outputMode.permissions()
        // The estates hold synthetic hash dumps and patient lists, written by generators that take no permissions:
        // everything the demo creates gets the reports' permissions from creation.
        try await permissions.withCreationMask { try await run(permissions: permissions) }
    }

    private func run(permissions: OutputPermissions) async throws {
        let started = ContinuousClock.now
        let demo = SyntheticDemo(
            seed: seed, trustStaff: trustStaff, practices: practices, asOf: try asOf.date(),
            root: URL(fileURLWithPath: out), permissions: permissions)
        let progress = ProgressLine(enabled: Terminal.standardErrorIsTerminal && !quiet)
        let engine = AssessmentEngine(logger: Logger.vigil("vigil.demo", verbose: false))

        try prepareFolder(demo, progress: progress)
        // Every estate first, then the breach corpus that knows their breached passwords, indexed, then assessments.
        let truths = try generate(demo, progress: progress)
        var outcomes: [SyntheticDemo.Outcome] = []
        for (specification, truth) in zip(demo.specifications, truths) {
            progress.show("Assessing \(specification.organisation.name)", force: true)
            let outcome = try await demo.assess(specification, truth: truth, engine: engine)
            try writeReports(outcome, demo: demo, progress: progress)
            outcomes.append(outcome)
        }
        let index = try writeIndex(outcomes, demo: demo, progress: progress)
        progress.clear()
        try summarise(outcomes, demo: demo, index: index, elapsed: ContinuousClock.now - started)
        if serve { try await self.serve(outcomes, demo: demo) }
    }

    /// Makes the output folder ready, or refuses it (``CommandFolder``).
    private func prepareFolder(_ demo: SyntheticDemo, progress: ProgressLine) throws {
        do {
            try CommandFolder.demo.prepare(demo.root, permissions: demo.permissions)
        } catch {
            progress.clear()
            Terminal.error("vigil: \(error)")
            throw VigilExit.cannotCreate
        }
    }

    /// Writes every organisation's estate and ground truth, then the breach corpus, returning the ground truths.
    private func generate(_ demo: SyntheticDemo, progress: ProgressLine) throws -> [GroundTruth] {
        do {
            var truths: [GroundTruth] = []
            for specification in demo.specifications {
                progress.show("Generating \(specification.organisation.name)", force: true)
                truths.append(try demo.generate(specification))
            }
            progress.show("Writing and indexing a synthetic breach corpus", force: true)
            try demo.writeBreachCorpus()
            return truths
        } catch {
            progress.clear()
            Terminal.error("vigil: cannot write the synthetic estate under \(out): \(error)")
            throw VigilExit.cannotCreate
        }
    }

    /// Writes one organisation's reports into `reports/<code>`.
    private func writeReports(_ outcome: SyntheticDemo.Outcome, demo: SyntheticDemo, progress: ProgressLine) throws {
        let reports = demo.root.appendingPathComponent("reports").appendingPathComponent(
            outcome.specification.organisation.code)
        do {
            _ = try ReportSet.write(
                outcome.assessment, formats: format.formats, to: reports, permissions: demo.permissions)
        } catch {
            progress.clear()
            Terminal.error("vigil: cannot write reports into \(reports.path): \(error.localizedDescription)")
            throw VigilExit.cannotCreate
        }
    }

    /// Writes `index.html`, linking every organisation's report, and returns where.
    private func writeIndex(
        _ outcomes: [SyntheticDemo.Outcome], demo: SyntheticDemo, progress: ProgressLine
    ) throws -> URL {
        let entries = outcomes.map {
            OrganisationIndexRenderer.Entry(
                assessment: $0.assessment, link: "reports/\($0.specification.organisation.code)/report.html")
        }
        let index = demo.root.appendingPathComponent("index.html")
        do {
            try AtomicFile.write(
                Data(
                    OrganisationIndexRenderer.render(entries, title: "Vigil demo: synthetic estate (seed \(seed))").utf8
                ),
                to: index, permissions: demo.permissions)
        } catch {
            progress.clear()
            Terminal.error("vigil: cannot write \(index.path): \(error.localizedDescription)")
            throw VigilExit.cannotCreate
        }
        return index
    }
}
