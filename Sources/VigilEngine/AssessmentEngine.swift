public import Foundation
public import Logging
public import VigilAnalyzers
public import VigilCore
import VigilIO
public import VigilParsers
import VigilScan

/// The one pipeline every front end calls: bundle → readers → estate → analyzers → assessment.
public struct AssessmentEngine: Sendable {
    /// Options of one run.
    public struct Options: Sendable {
        /// The date the assessment is as of (inject a fixed one for reproducible output).
        public var asOf: Date
        /// The organisation, overriding the manifest's.
        public var organisation: Organisation?
        /// Days without logon after which an enabled account is stale, overriding the manifest's.
        public var staleDays: Int?
        /// Folders inside the bundle not to read (such as the report folder).
        public var excluding: [URL]
        /// A breach index (`vigil corpus build`), overriding the manifest's `reference: breach-index:`.
        public var breachIndex: String?
        /// Extra password word lists, in addition to the manifest's.
        public var wordlists: [String]
        /// How hard the dictionary attack tries, overriding the manifest's `settings: guessing:`.
        public var guessing: GuessingRules.Level?
        /// An advisory database (`vigil advisories import`), overriding the manifest's `reference: advisories:`.
        public var advisories: String?
        /// List every missing advisory per host in update findings.
        public var listAllMissingUpdates: Bool
        /// Let `vigil.yaml` name paths outside the bundle or through symbolic links (`--allow-outside-bundle`).
        public var allowOutsideBundle: Bool
        /// Days of access logs in which access must have been used, overriding the manifest's `settings: access-window:`.
        public var accessWindowDays: Int?

        public init(
            asOf: Date,
            organisation: Organisation? = nil,
            staleDays: Int? = nil,
            excluding: [URL] = [],
            breachIndex: String? = nil,
            wordlists: [String] = [],
            guessing: GuessingRules.Level? = nil,
            advisories: String? = nil,
            listAllMissingUpdates: Bool = false,
            allowOutsideBundle: Bool = false,
            accessWindowDays: Int? = nil
        ) {
            self.asOf = asOf
            self.organisation = organisation
            self.staleDays = staleDays
            self.excluding = excluding
            self.breachIndex = breachIndex
            self.wordlists = wordlists
            self.guessing = guessing
            self.advisories = advisories
            self.listAllMissingUpdates = listAllMissingUpdates
            self.allowOutsideBundle = allowOutsideBundle
            self.accessWindowDays = accessWindowDays
        }
    }

    /// The analyzers run, in order.
    public let analyzers: [any Analyzer]
    /// The readers tried for recognition.
    public let readers: [any EvidenceReader]
    private let logger: Logger

    public init(
        analyzers: [any Analyzer] = AnalyzerCatalogue.all,
        readers: [any EvidenceReader] = ReaderCatalogue.all,
        logger: Logger = Logger(label: "vigil.engine")
    ) {
        self.analyzers = analyzers
        self.readers = readers
        self.logger = logger
    }

    /// Assesses the bundle in `directory`.
    public func assess(
        directory: URL,
        options: Options,
        events: @escaping @Sendable (EngineEvent) -> Void = { _ in }
    ) async throws -> Assessment {
        let bundle = try EvidenceBundle(
            directory: directory, excluding: options.excluding, allowOutside: options.allowOutsideBundle)
        let evidence = try await collect(bundle, organisation: options.organisation, asOf: options.asOf, events: events)
        let settings = AnalysisSettings(
            staleDays: options.staleDays ?? bundle.manifest.staleDays ?? AnalysisSettings.defaultStaleDays,
            listAllMissingUpdates: options.listAllMissingUpdates,
            accessWindowDays: options.accessWindowDays ?? bundle.manifest.accessWindowDays
                ?? AnalysisSettings.defaultAccessWindowDays)
        let reference = try ReferenceLoader.load(bundle: bundle, options: options, estate: evidence.estate)
        // CPU work from here on: on a Dispatch thread, spread over the cores below it.
        return await blockingWork { [self] in
            let started = ContinuousClock.now
            let context = AnalysisContext(
                estate: evidence.estate, asOf: options.asOf, settings: settings, reference: reference,
                startingAccessAnalysis: true)
            logger.debug("directory index built", metadata: ["vigil.elapsed": "\(ContinuousClock.now - started)"])
            // The cross-checks only read the context: beside the analyzers, which build what they share once. The
            // evidence listing goes out as soon as they are done, while the analyzers still run.
            let (outputs, inventory) = parallelPair(
                { runAnalyzers(context, events: events) },
                {
                    var inventory = evidence.inventory
                    inventory.crossChecks = Self.crossChecks(context)
                    events(.inventory(inventory))
                    return inventory
                })
            return assemble(outputs, context: context, evidence: inventory)
        }
    }

    /// What the files say of each other (members that point nowhere, role users the directory does not hold), sorted.
    static func crossChecks(_ context: AnalysisContext) -> [Diagnostic] {
        (CrossChecks.diagnose(context.directory, estate: context.estate) + CrossChecks.access(context)
            + CrossChecks.accessLog(estate: context.estate) + CrossChecks.clinicalRoles(context)).sorted()
    }

    /// Recognises and reads every file of `bundle` into one estate, and runs the scan its manifest asks for, without
    /// analysing anything (`vigil inspect` stops here). `asOf` fixes the year dates of birth are judged against.
    public func collect(
        _ bundle: EvidenceBundle,
        organisation: Organisation? = nil,
        asOf: Date = Date(),
        events: @escaping @Sendable (EngineEvent) -> Void = { _ in }
    ) async throws -> CollectedEvidence {
        let started = ContinuousClock.now
        let (recognised, unrecognised) = try recognise(bundle, events: events)
        let fragments = try await read(recognised, events: events)
        var estate = Estate(organisation: organisation ?? bundle.manifest.organisation ?? .unnamed)
        for read in fragments { estate.append(contentsOf: read.fragment) }
        // Resources vigil.yaml names as confidential, beside the ones the ACL exports list (always unclassified).
        estate.resources += bundle.manifest.resources
        estate.hosts = Machine.withDirectoryRoles(Machine.mergedByName(estate.hosts), accounts: estate.accounts)
        var summaries = fragments.map(\.summary)
        if let scan = bundle.manifest.scan {
            let result = try await self.scan(scan, bundle: bundle, asOf: asOf, events: events)
            // Added to what a scan.json in the bundle brought, if any.
            estate.fileScans += result.records
            estate.patientData += result.exposures
            summaries += result.summaries
        }
        // Once every path is in: the scan's, the permission evidence's, the access logs'.
        estate.maskHealthNumbersInPaths()
        logger.debug(
            "evidence read",
            metadata: ["vigil.files": "\(fragments.count)", "vigil.elapsed": "\(ContinuousClock.now - started)"])
        let inventory = EvidenceInventory(
            files: summaries,
            unrecognised: unrecognised + bundle.skipped.map { UnrecognisedFile(path: $0.path, reason: $0.reason) }
        )
        // The inventory lists files by path, not in the order they were read; a folder the scan read took no reader.
        let readTime = Dictionary(fragments.map { ($0.fragment.log.file, $0.elapsed) }, uniquingKeysWith: +)
        return CollectedEvidence(
            estate: estate, inventory: inventory, readTimes: inventory.files.map { readTime[$0.path] ?? .zero })
    }

    /// Runs the analyzers on an estate already built (the demo and tests use this directly).
    public func analyze(
        _ context: AnalysisContext,
        evidence: EvidenceInventory,
        events: @escaping @Sendable (EngineEvent) -> Void = { _ in }
    ) -> Assessment {
        assemble(runAnalyzers(context, events: events), context: context, evidence: evidence)
    }

    /// The assessment from the analyzers' outputs, in catalogue order: their findings joined across analyzers, each
    /// area's coverage, and the subjects the evidence covered.
    private func assemble(_ outputs: [AnalyzerOutput], context: AnalysisContext, evidence: EvidenceInventory)
        -> Assessment
    {
        var findings: [Finding] = []
        var metrics: [Metric] = []
        var coverageByArea: [AssessmentArea: [Coverage]] = [:]
        var headlines: [Headline] = []
        var tables: [SummaryTable] = []
        var unchecked: [UncheckedSubjects] = []
        for output in outputs {
            unchecked += output.unchecked
            // The first findings are taken as they are: appending copies each one, retaining all its strings.
            if findings.isEmpty { findings = output.findings } else { findings += output.findings }
            metrics += output.metrics
            headlines += output.headlines
            tables += output.tables
            for entry in output.coverage { coverageByArea[entry.area, default: []].append(entry) }
        }
        let assessedAreas = AssessmentArea.allCases.map { area in
            guard let entries = coverageByArea[area], !entries.isEmpty else {
                return Coverage(
                    area: area, status: .notAssessed,
                    basis: Self.noEvidenceBasis(area, updatesAssessed: coverageByArea[.updates]?.isEmpty == false))
            }
            let status: Coverage.Status =
                if entries.allSatisfy({ $0.status == .assessed }) {
                    .assessed
                } else if entries.allSatisfy({ $0.status == .notAssessed }) {
                    .notAssessed
                } else {
                    .partial
                }
            return Coverage(area: area, status: status, basis: entries.map(\.basis).joined(separator: "; "))
        }
        let areas = IncompleteEvidence.adjust(assessedAreas, evidence: evidence)
        // Joins across analyzers (weak passwords that reach patient data) read the findings raised above; the covered
        // subjects, only the context and the areas: side by side.
        let (joined, covered) = parallelPair(
            { AccessJoin.findings(findings, context: context) },
            { [unchecked] in CoveredSubjects.covered(by: context, areas: areas, unchecked: unchecked) })
        findings += joined.findings
        metrics += joined.metrics
        var coveredSubjects = covered
        var coverage = areas
        AssessmentMasking(estate: context.estate).mask(
            findings: &findings, tables: &tables, headlines: &headlines, metrics: &metrics, coverage: &coverage,
            covered: &coveredSubjects)
        let started = ContinuousClock.now
        let assessment = Assessment(
            organisation: context.estate.organisation,
            assessedAt: context.asOf,
            evidence: evidence,
            coverage: coverage,
            metrics: metrics,
            headlines: headlines,
            // Consumed, so that they are put in order in place rather than copied.
            findings: consume findings,
            tables: tables,
            covered: coveredSubjects,
            // A privileged account's password reaches every account and every host of the domain.
            domainReach: max(context.estate.accounts.count, context.estate.hosts.count)
        )
        logger.debug("findings put in report order", metadata: ["vigil.elapsed": "\(ContinuousClock.now - started)"])
        return assessment
    }

    // MARK: Stages

    /// Runs every analyzer on `context`, side by side (each reads the context only; what they share is built once,
    /// under a lock, by ``SharedAnalyses``), and returns their outputs in catalogue order, so that the assessment is
    /// the same whichever finishes first.
    private func runAnalyzers(
        _ context: AnalysisContext, events: @escaping @Sendable (EngineEvent) -> Void
    ) -> [AnalyzerOutput] {
        let analyzers = self.analyzers
        let logger = self.logger
        return concurrentMap(analyzers.count) { position in
            let analyzer = analyzers[position]
            events(.analyzing(analyzer.name))
            let started = ContinuousClock.now
            let output = analyzer.analyze(context)
            logger.debug(
                "analyzer finished",
                metadata: [
                    "vigil.analyzer": "\(analyzer.name)", "vigil.findings": "\(output.findings.count)",
                    "vigil.elapsed": "\(ContinuousClock.now - started)",
                ])
            return output
        }
    }

    /// Runs the manifest's patient-data scan; each folder becomes an evidence file of format `file-scan` whose records
    /// are the files read and whose rejections are the files that could not be.
    private func scan(
        _ scan: BundleManifest.Scan, bundle: EvidenceBundle, asOf: Date,
        events: @escaping @Sendable (EngineEvent) -> Void
    ) async throws -> (records: [FileScanRecord], exposures: [PatientDataExposure], summaries: [EvidenceFileSummary]) {
        let roots = scan.roots.map { root in
            ScanRoot(
                path: EvidenceBundle.resolve(root.path, in: bundle.root).path, display: root.path,
                aclPath: root.aclPath,
                host: root.host)
        }
        for (index, root) in roots.enumerated() where !FileManager.default.fileExists(atPath: root.path) {
            // The path is not quoted (vigil.yaml values stay out of messages): its line and key find it.
            throw EvidenceError(
                code: .manifestMissingInput, path: EvidenceBundle.manifestPosition(scan.roots[index].line),
                message: "scan.paths[\(index)] names a folder that does not exist (a share not mounted?)")
        }
        let options = ScanOptions(
            roots: roots, include: scan.include.map(GlobPattern.init), exclude: scan.exclude.map(GlobPattern.init),
            statePath: scan.state.map { EvidenceBundle.resolve($0, in: bundle.root).path },
            jobs: scan.jobs ?? ProcessInfo.processInfo.activeProcessorCount,
            currentYear: CivilDate.components(days: Int((asOf.timeIntervalSince1970 / 86_400).rounded(.down))).year)
        let result: ScanResult
        do {
            result = try await FileShareScanner(options: options).run { events(.scanning($0)) }
        } catch {
            let code: EvidenceError.Code = error.code == .rootNotFound ? .scanRootNotFound : .scanState
            throw EvidenceError(code: code, path: BundleManifest.fileName, message: error.message, cause: error)
        }
        let summaries = result.records.map { record in
            let prefix = record.root + "/"
            let problems = result.problems.filter {
                $0.location.file == record.root || $0.location.file.hasPrefix(prefix)
            }
            return EvidenceFileSummary(
                path: record.root, format: "file-scan", bytes: record.bytes, recordsRead: record.filesRead,
                recordsRejected: record.filesFailed,
                diagnostics: Array(problems.prefix(EvidenceFileSummary.diagnosticLimit)),
                diagnosticCount: problems.count)
        }
        logger.debug(
            "patient-data scan finished",
            metadata: [
                "vigil.files": "\(result.totals.files)", "vigil.exposures": "\(result.exposures.count)",
                "vigil.elapsed": "\(result.performance.seconds)",
            ])
        return (result.records, result.exposures, summaries)
    }

    private func recognise(
        _ bundle: EvidenceBundle,
        events: @Sendable (EngineEvent) -> Void
    ) throws -> ([(EvidenceBundle.Input, any EvidenceReader, Int)], [UnrecognisedFile]) {
        let sniffer = FormatSniffer(readers: readers)
        var recognised: [(EvidenceBundle.Input, any EvidenceReader, Int)] = []
        var unrecognised: [UnrecognisedFile] = []
        for input in bundle.inputs {
            let size = (try? FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int) ?? 0
            if let format = input.format, let reader = ReaderCatalogue.reader(for: format) {
                var declared = input
                let sample = try? FormatSniffer.sample(path: input.path)
                declared.formatMismatch = Self.formatMismatch(
                    declared: reader, input: input, sample: sample, sniffer: sniffer)
                if let nulBytes = sample.map({ FormatSniffer.nulBytes(in: $0) }), nulBytes > 0 {
                    declared.damage = Self.damage(nulBytes: nulBytes, input: input)
                }
                recognised.append((declared, reader, size))
                events(.recognised(file: input.displayPath, format: reader.format.id, bytes: size))
                continue
            }
            let verdict: FormatSniffer.Verdict
            do {
                verdict = try sniffer.examine(path: input.path)
            } catch {
                unrecognised.append(UnrecognisedFile(path: input.displayPath, reason: error.message, unreadable: true))
                events(.recognised(file: input.displayPath, format: nil, bytes: size))
                continue
            }
            switch verdict {
            case .recognised(let reader):
                recognised.append((input, reader, size))
                events(.recognised(file: input.displayPath, format: reader.format.id, bytes: size))
            case .damaged(let reader, let nulBytes):
                var damaged = input
                damaged.damage = Self.damage(nulBytes: nulBytes, input: input)
                recognised.append((damaged, reader, size))
                events(.recognised(file: input.displayPath, format: reader.format.id, bytes: size))
            case .empty:
                unrecognised.append(UnrecognisedFile(path: input.displayPath, reason: "empty file"))
                events(.recognised(file: input.displayPath, format: nil, bytes: size))
            case .binary:
                unrecognised.append(
                    UnrecognisedFile(
                        path: input.displayPath,
                        reason: ReferenceFile.explain(path: input.path) ?? "binary file (not a text export Vigil reads)"
                    ))
                events(.recognised(file: input.displayPath, format: nil, bytes: size))
            case .unrecognised:
                unrecognised.append(
                    UnrecognisedFile(
                        path: input.displayPath,
                        reason: ReferenceFile.explain(path: input.path) ?? "format not recognised"
                    ))
                events(.recognised(file: input.displayPath, format: nil, bytes: size))
            }
        }
        return (recognised, unrecognised)
    }

    /// The warning for a text export whose opening holds NUL bytes: read, but not whole.
    static func damage(nulBytes: Int, input: EvidenceBundle.Input) -> Diagnostic {
        Diagnostic(
            level: .warning, code: Diagnostic.Code.nulBytes, location: EvidenceReference(file: input.displayPath),
            message:
                "\(nulBytes) NUL byte\(nulBytes == 1 ? "" : "s") in the file's opening (zero fill after a crash or a log's rotation, or damage in copying): read as text, NULs at a line's start or end dropped; a line they break is rejected on its own"
        )
    }

    /// A warning when a file's content does not look like the format `vigil.yaml` declares for it, saying what it does
    /// look like: a hash dump declared as `ldif` otherwise reads as "0 records accepted" and nothing more.
    static func formatMismatch(
        declared reader: any EvidenceReader, input: EvidenceBundle.Input, sample: TextSample?, sniffer: FormatSniffer
    ) -> Diagnostic? {
        guard let sample, !reader.recognises(FormatSniffer.droppingNULs(sample)) else { return nil }
        let looksLike: String
        switch try? sniffer.examine(path: input.path) {
        case .recognised(let other)?: looksLike = "\(other.format.name) (format: \(other.format.id))"
        case .empty?: looksLike = "an empty file"
        case .damaged(let other, _)?: looksLike = "\(other.format.name) (format: \(other.format.id)), with NUL bytes"
        case .binary?: looksLike = "a binary file, not a text export"
        case .unrecognised?, nil: looksLike = "no format Vigil reads"
        }
        return Diagnostic(
            level: .warning, code: Diagnostic.Code.formatMismatch, location: EvidenceReference(file: input.displayPath),
            message:
                "vigil.yaml declares this file as \(reader.format.name) (format: \(reader.format.id)), but its content looks like \(looksLike); correct or remove its format: entry"
        )
    }

    /// Reads every recognised file concurrently, returning fragments in input order.
    private func read(
        _ inputs: [(EvidenceBundle.Input, any EvidenceReader, Int)],
        events: @escaping @Sendable (EngineEvent) -> Void
    ) async throws -> [ReadFragment] {
        // Files side by side, each spreading its own parsing over the cores (see `concurrentMap`).
        try await blockingWork {
            try concurrentMap(inputs.count) { position in
                let (input, reader, size) = inputs[position]
                let started = ContinuousClock.now
                let fragment: EvidenceFragment
                do {
                    fragment = try reader.read(path: input.path, file: input.displayPath) { bytes in
                        events(.reading(file: input.displayPath, bytesRead: bytes, totalBytes: size))
                    }
                } catch let error as FileError {
                    // Named as the bundle shows the file (masked), never by the full path the file layer opened.
                    var mapped = EvidenceError(error)
                    mapped.path = input.displayPath
                    throw mapped
                }
                let read = ReadFragment(
                    fragment: fragment, format: reader.format.id, bytes: size,
                    elapsed: ContinuousClock.now - started,
                    notes: [input.formatMismatch, input.damage].compactMap { $0 })
                events(.read(read.summary))
                return read
            }
        }
    }
}

/// A fragment with the facts needed to summarise its file.
struct ReadFragment: Sendable {
    var fragment: EvidenceFragment
    var format: String
    var bytes: Int
    var elapsed: Duration
    /// Problems with the file as a whole, found before reading it (a declared format its content does not match).
    var notes: [Diagnostic] = []

    var summary: EvidenceFileSummary {
        EvidenceFileSummary(
            path: fragment.log.file,
            format: format,
            bytes: bytes,
            recordsRead: fragment.log.recordsRead,
            recordsRejected: fragment.log.recordsRejected,
            diagnostics: notes + fragment.log.diagnostics,
            diagnosticCount: notes.count + fragment.log.count
        )
    }
}

/// Everything read from a bundle, before analysis.
public struct CollectedEvidence: Sendable {
    /// The estate the evidence describes.
    public var estate: Estate
    /// What was read and what was not.
    public var inventory: EvidenceInventory
    /// How long reading each file of ``EvidenceInventory/files`` took, in the same order.
    public var readTimes: [Duration]
}

extension AssessmentEngine {
    /// Why an area without an analyzer's entry is not assessed. The areas whose evidence Vigil does not read yet say
    /// so, never asking for an export it would list as not recognised; worm exposure says where what the inventories
    /// did show is (each host's MS17-010 and SMBv1 state, under Security updates), so "not assessed" never reads as
    /// "nothing known" beside those findings.
    static func noEvidenceBasis(_ area: AssessmentArea, updatesAssessed: Bool) -> String {
        switch area {
        case .wormExposure:
            let known =
                updatesAssessed
                ? "each inventoried host's MS17-010 and SMBv1 state is under Security updates"
                : "host inventories (systeminfo, wmic qfe or osquery) give each host's MS17-010 and SMBv1 state, under Security updates"
            return
                "Which hosts a worm could reach needs a network scan (nmap XML), which Vigil does not read yet; \(known)."
        case .assurance:
            return
                "Comparing the organisation's self-assessment (its Data Security and Protection Toolkit answers) with the evidence needs those answers, which Vigil does not read yet."
        default:
            return "No evidence: provide \(area.evidenceNeeded)."
        }
    }
}
