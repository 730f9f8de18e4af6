import ArgumentParser
import Foundation
import Synchronization
import VigilCore
import VigilIO
import VigilReport
import VigilScan

/// `vigil scan PATH…`: find patient identifiers in files and exports.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find patient identifiers in folders and file shares, and write where they are.",
        discussion: """
            Walks each PATH (local folders or mounted shares; symbolic links are never followed) on every core and \
            reads plain text, CSV/TSV, JSON, XML/HTML, logs, HL7 v2 messages, UTF-16 text and Office Open XML \
            (.xlsx, .docx). It finds NHS numbers (Modulus 11, issued ranges; the 999 test range is flagged as test \
            data), Scottish CHI and Northern Ireland H&C numbers, dates of birth beside names, postcodes, and hospital \
            numbers where a header, label or HL7 identifier type says so, and classifies each file as a single \
            identifier, a patient list (5+ patients) or a bulk export (1,000+). Writes scan.html, scan.json and \
            scan.csv into --out, readable by their owner only (0600, folders created 0700) unless --mode widens them; \
            the state file stays owner-only. \
            Identifiers are only ever written masked (401 *** **37).

            A state file (default <out>/.vigil-scan-state.sqlite) remembers each file's size, modification time \
            and result, so a rescan reads only files whose size or modification time changed (a file edited with \
            its time set back is not read again; --no-state reads everything). Binary files, images, PDFs, legacy .xls/.doc \
            and other archives are counted, not read. Unreadable files are listed and the scan goes on.

            To join results with permissions in `vigil assess`, name how ACL exports call each PATH with --acl-path \
            (in the same order as the PATHs), or use the scan: section of vigil.yaml.

            EXIT CODES
              0   scanned (whatever was found, unless --fail-on says otherwise)
              1   a file of the --fail-on class or worse was found
              64  usage error
              65  with --strict: a file or folder could not be read, or a PATH held no file
              66  a PATH does not exist
              73  the output folder or the state file could not be written
            """
    )

    enum FailClass: String, ExpressibleByArgument, CaseIterable {
        case singleIdentifier = "single-identifier"
        case patientList = "patient-list"
        case bulkExport = "bulk-export"

        var classification: PatientDataClassification {
            switch self {
            case .singleIdentifier: .singleIdentifier
            case .patientList: .patientList
            case .bulkExport: .bulkExport
            }
        }
    }

    @Argument(help: ArgumentHelp("Folders or files to scan.", valueName: "path"))
    var paths: [String]

    @Option(
        name: [.short, .long],
        help: ArgumentHelp("Folder to write scan.html, scan.json and scan.csv into.", valueName: "dir"))
    var out: String = "vigil-scan"

    @Option(help: ArgumentHelp("Report formats to write, comma-separated: html, json, csv.", valueName: "list"))
    var format = ScanFormats(formats: ScanReportFormat.allCases)

    @Option(
        name: .customLong("include"),
        help: ArgumentHelp(
            "Read only files matching this pattern (repeatable; `*.csv`, `Clinical/**`; case-insensitive).",
            valueName: "glob"))
    var include: [String] = []

    @Option(
        name: .customLong("exclude"),
        help: ArgumentHelp(
            "Leave out files and folders matching this pattern (repeatable; `~$*`, `**/Archive`).", valueName: "glob"))
    var exclude: [String] = []

    @Option(
        help: ArgumentHelp("The incremental state file (default: <out>/.vigil-scan-state.sqlite).", valueName: "file"))
    var state: String?

    @Flag(name: .customLong("no-state"), help: "Read every file and remember nothing.")
    var noState = false

    @Option(name: [.short, .long], help: ArgumentHelp("Worker threads (default: every core).", valueName: "n"))
    var jobs: Int?

    @Option(
        name: .customLong("acl-path"),
        help: ArgumentHelp(
            "How permission exports name each PATH (repeatable, in PATH order), e.g. 'D:\\Shares\\Clinical'.",
            valueName: "path"))
    var aclPaths: [String] = []

    @Option(
        name: .customLong("host"),
        help: ArgumentHelp("The server holding each PATH (repeatable, in PATH order).", valueName: "name"))
    var hosts: [String] = []

    @Option(
        name: .customLong("max-depth"),
        help: ArgumentHelp(
            "Deepest folder level entered; a deeper folder is listed as a problem (scan.too-deep), not read, and not counted as unreadable by --strict.",
            valueName: "n"))
    var maxDepth: Int = 256

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp(
            "Exit with code 1 when a file of this class or worse is found: single-identifier, patient-list, bulk-export.",
            valueName: "class"))
    var failOn: FailClass?

    @Option(
        help: ArgumentHelp(
            "Also write every identifier found as a JSON line (file, kind, line or sheet and cell; never the value), for measuring accuracy.",
            valueName: "file", visibility: .hidden))
    var locations: String?

    @OptionGroup var asOf: AsOfOption

    @OptionGroup var outputMode: OutputModeOption

    @Flag(help: "Exit with code 65 if any file or folder could not be read, or a PATH holds no file.")
    var strict = false

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    func validate() throws {
        guard (jobs ?? 1) >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard maxDepth >= 1 else { throw ValidationError("--max-depth must be at least 1") }
        guard aclPaths.count <= paths.count, hosts.count <= paths.count else {
            throw ValidationError("give at most one --acl-path and one --host per PATH")
        }
    }

    func run() async throws {
        let date = try asOf.date()
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        // Absolute, as the walk's paths are, so a state file inside a scanned folder is never scanned as a file.
        let statePath =
            noState
            ? nil
            : state.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                ?? outURL.appendingPathComponent(".vigil-scan-state.sqlite").path
        if statePath != nil {
            do {
                try AtomicFile.createFolder(outURL, permissions: outputMode.permissions())
            } catch {
                Terminal.error("vigil: cannot create \(out): \(error.localizedDescription)")
                throw VigilExit.cannotCreate
            }
        }
        let roots = paths.enumerated().map { index, path in
            ScanRoot(
                path: URL(fileURLWithPath: path).standardizedFileURL.path, display: path,
                aclPath: index < aclPaths.count ? aclPaths[index] : nil, host: index < hosts.count ? hosts[index] : nil)
        }
        let options = ScanOptions(
            roots: roots, include: include.map(GlobPattern.init), exclude: exclude.map(GlobPattern.init),
            statePath: statePath, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, maxDepth: maxDepth,
            currentYear: CivilDate.components(days: Int(date.timeIntervalSince1970 / 86_400)).year,
            excludedPaths: [outURL.path])
        let progress = ProgressLine(enabled: Terminal.standardErrorIsTerminal && !quiet)
        let result: ScanResult
        let found = LocationLog(path: locations)
        var recorder: (@Sendable (String, Detection) -> Void)?
        if locations != nil { recorder = { file, detection in found.add(file, detection) } }
        let draw: @Sendable (ScanProgress) -> Void = { update in progress.show(ScanProgressText.render(update)) }
        do {
            result = try await FileShareScanner(options: options).run(progress: draw, recorder: recorder)
            try found.write()
        } catch let error as ScanError {
            progress.clear()
            Terminal.error("vigil: \(error)")
            throw error.code == .rootNotFound ? VigilExit.noInput : VigilExit.cannotCreate
        } catch {
            progress.clear()
            Terminal.error("vigil: cannot write \(locations ?? ""): \(error.localizedDescription)")
            throw VigilExit.cannotCreate
        }
        progress.clear()
        let report = result.report(scannedAt: date)
        let written: [URL]
        do {
            written = try ScanReportRenderer.write(
                report, formats: format.formats, to: outURL, permissions: outputMode.permissions())
        } catch {
            Terminal.error("vigil: cannot write the scan reports into \(out): \(error.localizedDescription)")
            throw VigilExit.cannotCreate
        }
        if !quiet {
            print(TerminalText.sanitised(ScanSummary.render(report)), terminator: "")
            print(
                "Reports: "
                    + written.map {
                        $0.path.replacingOccurrences(of: FileManager.default.currentDirectoryPath + "/", with: "")
                    }.joined(separator: ", "))
        }
        // An empty folder is most often a share that was not mounted: never a silent clean scan.
        let empty = report.roots.filter(\.isEmpty)
        for root in empty {
            let why =
                include.isEmpty && exclude.isEmpty
                ? "holds no file: is the share mounted and the path right?"
                : "holds no file that --include/--exclude let through: is the share mounted, and are the patterns right?"
            Terminal.error("vigil: warning: \(TerminalText.sanitised(root.root)) \(why)")
        }
        if strict, report.totals.filesFailed + report.totals.foldersUnreadable > 0 || !empty.isEmpty {
            Terminal.error(
                "vigil: \(Wording.count(report.totals.filesFailed, "file")) and \(Wording.count(report.totals.foldersUnreadable, "folder")) could not be read, \(Wording.count(empty.count, "folder")) held no file (--strict)"
            )
            throw VigilExit.dataError
        }
        if let failOn, report.exposures.contains(where: { $0.classification >= failOn.classification }) {
            throw VigilExit.findings
        }
    }
}

/// `--format html,json,csv` for scans.
struct ScanFormats: ExpressibleByArgument {
    var formats: [ScanReportFormat]

    init(formats: [ScanReportFormat]) {
        self.formats = formats
    }

    init?(argument: String) {
        var formats: [ScanReportFormat] = []
        for part in argument.split(separator: ",") {
            guard let format = ScanReportFormat(rawValue: part.trimmingCharacters(in: .whitespaces).lowercased())
            else { return nil }
            formats.append(format)
        }
        guard !formats.isEmpty else { return nil }
        self.formats = formats
    }

    var defaultValueDescription: String { formats.map(\.rawValue).joined(separator: ",") }

    static var allValueStrings: [String] { ScanReportFormat.allCases.map(\.rawValue) }
}

/// The progress line of a scan: files, bytes, rate and time left.
enum ScanProgressText {
    static func render(_ progress: ScanProgress) -> String {
        if progress.listing { return "Listing files… \(Wording.number(progress.filesTotal))" }
        let rate = progress.elapsed > 0 ? Double(progress.bytesDone) / progress.elapsed : 0
        var text =
            "Scanning \(Wording.number(progress.filesDone))/\(Wording.number(progress.filesTotal)) files · \(mebibytes(progress.bytesDone))/\(mebibytes(progress.bytesTotal)) · \(mebibytes(Int(rate)))/s"
        if rate > 0, progress.bytesTotal > progress.bytesDone {
            let left = Double(progress.bytesTotal - progress.bytesDone) / rate
            text += " · about \(seconds(left)) left"
        }
        return text
    }

    static func mebibytes(_ bytes: Int) -> String {
        bytes >= 10 << 30 ? "\(Wording.number(bytes >> 30)) GiB" : "\(Wording.number(bytes >> 20)) MiB"
    }

    static func seconds(_ value: Double) -> String {
        value < 90 ? "\(Int(value.rounded(.up))) s" : "\(Int((value / 60).rounded(.up))) min"
    }
}

/// What `vigil scan` prints at the end.
enum ScanSummary {
    /// Patient lists named on the terminal; the rest are counted, and every one is in the reports.
    static let listsShown = 10

    static func render(_ report: FileScanReport) -> String {
        let totals = report.totals
        let performance = report.performance
        var lines: [String] = []
        var read =
            "Scanned \(Wording.count(totals.files, "file")) (\(ScanReportRenderer.byteText(totals.bytes))) under \(Wording.count(report.roots.count, "path")) given: \(Wording.number(totals.filesRead)) read"
        if totals.skipped > 0 {
            read +=
                ", \(Wording.number(totals.skipped)) skipped (\(totals.filesSkipped.sorted { $0.key < $1.key }.map { "\(Wording.number($0.value)) \($0.key)" }.joined(separator: ", ")))"
        }
        if totals.filesFailed > 0 { read += ", \(Wording.number(totals.filesFailed)) could not be read" }
        if totals.foldersUnreadable > 0 { read += ", \(Wording.count(totals.foldersUnreadable, "folder")) not opened" }
        if totals.symbolicLinks > 0 { read += ", \(Wording.count(totals.symbolicLinks, "symbolic link")) not followed" }
        if totals.filesReused > 0 {
            read +=
                "; \(Wording.number(totals.filesReused)) of them unchanged since the last scan, \(totals.filesReused == 1 ? "its" : "their") earlier result reused"
        }
        lines.append(read + ".")
        let rate = performance.bytesPerSecond
        lines.append(
            "Throughput: \(ScanReportRenderer.byteText(performance.bytesRead)) read in \(String(format: "%.2f", performance.seconds)) s = \(ScanReportRenderer.rateText(rate)), \(Wording.number(performance.seconds > 0 ? Int(Double(totals.files) / performance.seconds) : 0)) files/s on \(Wording.count(performance.jobs, "thread"))."
        )
        let bulk = report.count(.bulkExport)
        let lists = report.count(.patientList)
        let single = report.count(.singleIdentifier)
        let test = report.count(.testData)
        lines.append(
            "Found: \(Wording.count(bulk, "bulk export")), \(Wording.count(lists, "patient list")), \(Wording.count(single, "file")) with identifiers of fewer than \(PatientDataExposure.listThreshold) patients, \(Wording.count(test, "file")) of test data only."
        )
        let listed = ScanReportRenderer.ordered(report.exposures).filter(\.isPatientList)
        for exposure in listed.prefix(Self.listsShown) {
            let kinds = exposure.identifiers.filter { $0.count > 0 }.map {
                "\($0.kind.title) \(Wording.number($0.distinct))"
            }.joined(separator: ", ")
            lines.append(
                "  \(exposure.classification.title.padding(to: 12)) \(Wording.number(exposure.patients).padding(to: 8)) \(exposure.path)  (\(kinds))"
            )
        }
        if listed.count > Self.listsShown {
            lines.append(
                "  … \(Wording.count(listed.count - Self.listsShown, "more list", plural: "more lists")) in the report")
        }
        for problem in report.problems.prefix(5) {
            lines.append("  not read: \(problem.location.file): \(problem.message)")
        }
        if report.problemCount > 5 {
            lines.append("  … \(Wording.count(report.problemCount - 5, "more problem")) in the report")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Where identifiers were found (never their values), collected from the scan's workers for `--locations`.
final class LocationLog: Sendable {
    private let path: String?
    private let lines = Mutex<[String]>([])

    init(path: String?) {
        self.path = path
    }

    func add(_ file: String, _ detection: Detection) {
        let location = detection.position.location(sheets: [])
        var fields = ["\"file\":\(Self.quoted(PathMasking.masked(file)))", "\"kind\":\"\(detection.kind.rawValue)\""]
        fields.append("\"isTestData\":\(detection.isTestData)")
        var place: [String] = []
        if let line = location.line { place.append("\"line\":\(line)") }
        if let cell = location.cell { place.append("\"cell\":\"\(cell)\",\"sheet\":\(detection.position.sheet)") }
        fields.append("\"location\":{\(place.joined(separator: ","))}")
        let line = "{" + fields.joined(separator: ",") + "}"
        lines.withLock { $0.append(line) }
    }

    func write() throws {
        guard let path else { return }
        let text = lines.withLock { $0.sorted().joined(separator: "\n") }
        try AtomicFile.write(Data((text + "\n").utf8), to: URL(fileURLWithPath: path))
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
