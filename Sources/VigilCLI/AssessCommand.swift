import ArgumentParser
import Foundation
import Logging
import VigilAnalyzers
import VigilCore
import VigilEngine
import VigilParsers
import VigilReport

/// `vigil assess DIR`: assess one organisation's evidence bundle and write its reports.
struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Assess a folder of evidence exports and write the reports.",
        discussion: """
            DIR holds the organisation's exports (an LDIF directory export, a secretsdump/pwdump hash dump, …) and \
            optionally a vigil.yaml manifest naming the organisation, the inputs and their formats. Formats are \
            recognised by content. Vigil lists what it read and every file it did not, then writes report.html, \
            assessment.json and findings.csv into --out (and least-privilege.csv and unused-access.csv where the \
            evidence gives them), readable by their owner only (0600, folders created 0700) unless --mode widens them. Hashes and passwords never appear in any output.

            Run `vigil formats` for the formats read and the commands that produce them.

            Exit codes: 0 assessed (and no finding at or above --fail-on); 1 a finding at or above --fail-on; \
            64 usage error; 65 evidence unusable: nothing recognised, an invalid vigil.yaml, a file that was the only \
            evidence of its kind and of which no record could be read (every record rejected, or content not in the \
            format vigil.yaml declares), or with --strict any rejected record; 66 the bundle or an input vigil.yaml \
            names does not exist; 69 with --submit, the national service refused the submission or could not be reached \
            (the reports are written first); 73 the reports could not be written; 74 an input could not be read.

            With --submit URL --token-file FILE, the findings-only form of the assessment (what `vigil submit` \
            sends: no name, path, hash, password or patient identifier) goes to the national service once the \
            reports are written and the evidence was usable; a finding at or above --fail-on still exits 1 after it.
            """
    )

    @Argument(help: ArgumentHelp("The evidence bundle folder.", valueName: "dir"))
    var directory: String

    @Option(name: [.short, .long], help: ArgumentHelp("Folder to write the reports into.", valueName: "dir"))
    var out: String = "vigil-report"

    @Option(
        help: ArgumentHelp(
            "Report formats to write, comma-separated: html, json, csv, ocsf (OCSF 1.8.0 events for a SIEM, findings.ocsf.jsonl; not written unless named).",
            valueName: "list"))
    var format = ReportFormats(formats: ReportFormat.defaults)

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit with code 1 when a finding at or above this severity exists (info, low, medium, high, critical).",
            valueName: "severity"))
    var failOn: SeverityThreshold?

    @Option(
        name: .customLong("stale-days"),
        help: ArgumentHelp(
            "Days without logon after which an enabled account is stale (default 90, or the manifest's settings.stale-days).",
            valueName: "days"))
    var staleDays: Int?

    @Option(
        name: .customLong("access-window"),
        help: ArgumentHelp(
            "Days of access logs, up to the assessment date, in which access must have been used not to count as unused (default 90, or the manifest's settings.access-window).",
            valueName: "days"))
    var accessWindow: Int?

    @Option(
        name: .customLong("breach-index"),
        help: ArgumentHelp(
            "A breach-corpus index built with `vigil corpus build` (overrides the manifest's reference: breach-index:).",
            valueName: "index"))
    var breachIndex: String?

    @Option(
        help: ArgumentHelp(
            "An advisory database built with `vigil advisories import` (overrides the manifest's reference: advisories:). Vigil's built-in catalogue of critical Windows advisories is always used too.",
            valueName: "db"))
    var advisories: String?

    @Flag(
        name: .customLong("all-missing-updates"),
        help:
            "List every missing advisory of each host in assessment.json (facts.listed), not only the worst 20; large for big estates."
    )
    var allMissingUpdates = false

    @Option(
        name: .customLong("wordlist"),
        help: ArgumentHelp("An extra password word list, one word per line; repeat for several.", valueName: "file"))
    var wordlists: [String] = []

    @Option(
        help: ArgumentHelp(
            "How hard the dictionary attack tries: quick, standard or thorough (default standard, or the manifest's settings: guessing:).",
            valueName: "level"))
    var guessing: String?

    @OptionGroup var asOf: AsOfOption

    @OptionGroup var outputMode: OutputModeOption

    @Flag(
        name: .customLong("allow-outside-bundle"),
        help:
            "Let vigil.yaml name inputs, scan folders and the scan state file outside the bundle (absolute or ../ paths) or through symbolic links; refused otherwise."
    )
    var allowOutsideBundle = false

    @Flag(help: "Exit with code 65 if any evidence record was rejected as malformed.")
    var strict = false

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    @Flag(
        name: [.short, .long],
        help: "List every evidence file read (not only by folder and format) and log each stage to standard error.")
    var verbose = false

    @Option(
        name: .customLong("submit"),
        help: ArgumentHelp(
            "After writing the reports, send the findings-only submission to this national service (https://…).",
            valueName: "url"))
    var submitTo: String?

    @Option(help: ArgumentHelp("With --submit: a file holding the organisation's submission token.", valueName: "file"))
    var tokenFile: String?

    @Option(
        help: ArgumentHelp(
            "With --submit: the pseudonymisation key file (default ~/.config/vigil/pseudonym.key, made on first use).",
            valueName: "file"))
    var pseudonymKey: String?

    func validate() throws {
        if let staleDays, !(1...36_500).contains(staleDays) {
            throw ValidationError("--stale-days must be a number of days from 1 to 36500")
        }
        if let accessWindow, !(1...3660).contains(accessWindow) {
            throw ValidationError("--access-window must be a number of days from 1 to 3660")
        }
        if submitTo != nil, tokenFile == nil { throw ValidationError("--submit needs --token-file FILE") }
        // Checked before the assessment runs, not after: https://, or http:// to this machine only.
        if let submitTo { _ = try SubmitCommand.serverAddress(submitTo) }
        if submitTo == nil, tokenFile != nil || pseudonymKey != nil {
            throw ValidationError("--token-file and --pseudonym-key go with --submit URL")
        }
        if let guessing, GuessingRules.Level(rawValue: guessing) == nil {
            throw ValidationError("--guessing must be quick, standard or thorough")
        }
        // The report folder is left out of the evidence: were it the bundle, or a folder holding it, nothing would
        // be read.
        let bundle = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        let reports = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
        if bundle == reports || bundle.hasPrefix(reports.hasSuffix("/") ? reports : reports + "/") {
            throw ValidationError(
                "--out names the evidence folder itself, or a folder holding it: write the reports elsewhere (the default is vigil-report, beside the evidence: run from the folder above it, or give --out ../vigil-report)"
            )
        }
    }

    func run() async throws {
        let logger = Logger.vigil("vigil.assess", verbose: verbose)
        let bundleURL = URL(fileURLWithPath: directory)
        let outURL = URL(fileURLWithPath: out)
        let progress = ProgressLine(enabled: Terminal.standardErrorIsTerminal && !quiet)
        let quiet = self.quiet
        let engine = AssessmentEngine(logger: logger)
        let assessment: Assessment
        do {
            assessment = try await engine.assess(
                directory: bundleURL,
                options: .init(
                    asOf: try asOf.date(), staleDays: staleDays, excluding: [outURL], breachIndex: breachIndex,
                    wordlists: wordlists,
                    guessing: guessing.flatMap(GuessingRules.Level.init(rawValue:)), advisories: advisories,
                    listAllMissingUpdates: allMissingUpdates, allowOutsideBundle: allowOutsideBundle,
                    accessWindowDays: accessWindow)
            ) { event in
                switch event {
                case .reading(let file, let read, let total):
                    progress.show(
                        "Reading \(file)  \(total > 0 ? "\(min(100, read * 100 / total))%" : "")  \(Wording.number(read >> 20)) MiB"
                    )
                case .inventory(let inventory):
                    progress.clear()
                    if !quiet {
                        let listing = EvidenceListing.render(inventory, everyFile: verbose)
                        print(TerminalText.sanitised(listing), terminator: "")
                    }
                case .analyzing(let name):
                    progress.show("Analysing: \(name)", force: true)
                case .scanning(let update):
                    progress.show(ScanProgressText.render(update))
                case .recognised, .read:
                    break
                }
            }
        } catch let error as EvidenceError {
            progress.clear()
            if error.code == .bundleNotAFolder {
                // A file given where the folder goes is a usage mistake: say what to do instead.
                Terminal.error(
                    "vigil: assess takes the folder that holds the exports, not one file: put it in a folder and give that (vigil inspect FILE shows what Vigil reads from a single file)"
                )
                throw ExitCode.validationFailure
            }
            Terminal.error("vigil: \(error)")
            throw error.code.isMissingInput
                ? VigilExit.noInput : error.code == .readFailed ? VigilExit.ioError : VigilExit.dataError
        } catch let error as BreachIndexError {
            progress.clear()
            Terminal.error("vigil: \(error)")
            // A path that names nothing is input not found (66), as for --advisories and --wordlist.
            if case .unreadable(let path, _) = error, !FileManager.default.fileExists(atPath: path) {
                throw VigilExit.noInput
            }
            throw VigilExit.dataError
        } catch let error as AdvisoryDatabaseError {
            progress.clear()
            Terminal.error("vigil: \(error)")
            throw FileManager.default.fileExists(atPath: error.path) ? VigilExit.dataError : VigilExit.noInput
        }
        progress.clear()
        ProcessLifetime.keepUntilExit(assessment)

        if assessment.evidence.files.isEmpty, let first = assessment.evidence.unrecognised.first(where: \.unreadable) {
            // Nothing read, and something could not be opened: that is the problem to report, not the formats.
            let count = assessment.evidence.unrecognised.filter(\.unreadable).count
            Terminal.error(
                "vigil: nothing was read from \(directory): \(Wording.count(count, "file")) could not be opened (\(TerminalText.sanitised(first.path)): \(first.reason))"
            )
            throw VigilExit.ioError
        }
        if assessment.evidence.files.isEmpty {
            let what =
                assessment.evidence.unrecognised.isEmpty
                ? "\(directory) holds no file to read (is it the right folder?)"
                : "no evidence recognised in \(directory)"
            Terminal.error("vigil: \(what); run `vigil formats` for what Vigil reads")
            throw VigilExit.dataError
        }
        let written: [URL]
        let started = ContinuousClock.now
        do {
            written = try ReportSet.write(
                assessment, formats: format.formats, to: outURL, permissions: outputMode.permissions())
            logger.debug("reports written", metadata: ["vigil.elapsed": "\(ContinuousClock.now - started)"])
        } catch {
            Terminal.error("vigil: cannot write reports into \(out): \(error.localizedDescription)")
            throw VigilExit.cannotCreate
        }
        if !quiet {
            print("")
            print(TerminalSummaryRenderer(colour: Terminal.standardOutputIsTerminal).render(assessment), terminator: "")
            print("")
            print("Reports: " + written.map(\.relativePath).joined(separator: ", "))
        }
        let unusable = assessment.evidence.unusable
        for file in unusable {
            let why = EvidenceInventory.reason(file).map { ": \($0.message) (\($0.location))" } ?? ""
            Terminal.error(
                "vigil: \(file.path) (\(file.format)): no record could be read, so nothing was assessed from it\(why)")
        }
        if !unusable.isEmpty { throw VigilExit.dataError }
        // A file that could not be opened may be the evidence an area lacks: never a silent success.
        let unopened = assessment.evidence.unrecognised.filter(\.unreadable)
        if let first = unopened.first {
            Terminal.error(
                "vigil: \(Wording.count(unopened.count, "file")) of the bundle could not be opened (\(TerminalText.sanitised(first.path)): \(first.reason)); the reports say what was assessed without \(unopened.count == 1 ? "it" : "them")"
            )
            throw VigilExit.ioError
        }
        if strict, assessment.evidence.recordsRejected > 0 {
            Terminal.error("vigil: \(Wording.count(assessment.evidence.recordsRejected, "record")) rejected (--strict)")
            throw VigilExit.dataError
        }
        if let submitTo, let tokenFile {
            let submission = try SubmitCommand.submission(of: assessment, keyFile: pseudonymKey)
            try await SubmitCommand.send(submission, server: submitTo, tokenFile: tokenFile, quiet: quiet)
        }
        if let failOn, let worst = assessment.worstSeverity, worst >= failOn.severity {
            throw VigilExit.findings
        }
    }
}

/// The "what was read" listing printed before the analysis results: by folder and format, with the files that had
/// problems named under their group (every file with `everyFile`, as `-v` asks), then the files not read.
enum EvidenceListing {
    static func render(_ inventory: EvidenceInventory, everyFile: Bool = false) -> String {
        var lines = ["Evidence read:" + (inventory.files.isEmpty ? " none" : "")]
        if everyFile {
            let width = max(20, inventory.files.map(\.path.count).max() ?? 0)
            for file in inventory.files {
                var line =
                    "  \(file.path.padding(to: width))  \(file.format.padding(to: 8))  \(Wording.count(file.recordsRead, "record"))"
                if file.recordsRejected > 0 { line += ", \(Wording.number(file.recordsRejected)) rejected" }
                lines.append(line)
                lines += problems(file)
            }
        } else {
            let groups = inventory.groups
            let width = max(20, groups.map { $0.folder.count + 1 }.max() ?? 0)
            for group in groups {
                var line =
                    "  \((group.folder.isEmpty ? "." : group.folder + "/").padding(to: width))  \(group.format.padding(to: 10))  \(Wording.count(group.files, "file")), \(Wording.count(group.recordsRead, "record"))"
                if group.recordsRejected > 0 { line += ", \(Wording.number(group.recordsRejected)) rejected" }
                lines.append(line)
                for position in group.withProblems.prefix(5) {
                    let file = inventory.files[position]
                    lines.append(
                        "    \(file.path): \(Wording.count(file.recordsRead, "record")), \(Wording.number(file.recordsRejected)) rejected"
                    )
                    lines += problems(file)
                }
                if group.withProblems.count > 5 {
                    lines.append(
                        "    … \(Wording.count(group.withProblems.count - 5, "more file")) with problems (-v lists every file)"
                    )
                }
            }
        }
        if !inventory.unrecognised.isEmpty {
            lines.append("Not read:")
            let shown = everyFile ? inventory.unrecognised[...] : inventory.unrecognised.prefix(20)
            let width = max(20, shown.map(\.path.count).max() ?? 0)
            for file in shown { lines.append("  \(file.path.padding(to: width))  \(file.reason)") }
            if shown.count < inventory.unrecognised.count {
                lines.append(
                    "  … \(Wording.count(inventory.unrecognised.count - shown.count, "more file")) (-v lists every file)"
                )
            }
        }
        for check in inventory.crossChecks { lines.append("Note: \(check.message) [\(check.location)]") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func problems(_ file: EvidenceFileSummary) -> [String] {
        var lines = file.diagnostics.prefix(3).map { "      \($0)" }
        if file.diagnosticCount > 3 {
            lines.append("      … \(Wording.count(file.diagnosticCount - 3, "more problem")) in the report")
        }
        return lines
    }
}

extension String {
    /// Padded with spaces to `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
