public import Foundation
import Synchronization
public import VigilCore
import VigilIO

/// A folder tree (or a single file) to scan.
public struct ScanRoot: Sendable, Hashable {
    /// The path to read.
    public var path: String
    /// How reports show the folder (the path as the user gave it, or relative to an evidence bundle).
    public var display: String
    /// The path by which permission evidence (icacls, Get-Acl) names the same folder (`D:\Shares\Clinical`,
    /// `\\fs01\clinical`), so that exposures can be joined with who may read them.
    public var aclPath: String?
    /// The host whose disk holds the folder.
    public var host: String?

    public init(path: String, display: String? = nil, aclPath: String? = nil, host: String? = nil) {
        self.path = path
        self.display = display ?? path
        self.aclPath = aclPath
        self.host = host
    }
}

/// What to scan and how.
public struct ScanOptions: Sendable {
    /// The folders.
    public var roots: [ScanRoot]
    /// When given, only files matching one of these are read.
    public var include: [GlobPattern]
    /// Files and folders matching any of these are left out.
    public var exclude: [GlobPattern]
    /// The incremental state file; `nil` scans everything afresh and remembers nothing.
    public var statePath: String?
    /// Worker threads.
    public var jobs: Int
    /// Zip-bomb and oversized-part limits for Office files.
    public var limits: ArchiveLimits
    /// The deepest folder level entered.
    public var maxDepth: Int
    /// The year "now" is in (dates of birth after it are not dates of birth).
    public var currentYear: Int
    /// Absolute paths never entered or read (the report folder, the state file).
    public var excludedPaths: [String]

    public init(
        roots: [ScanRoot], include: [GlobPattern] = [], exclude: [GlobPattern] = [], statePath: String? = nil,
        jobs: Int = ProcessInfo.processInfo.activeProcessorCount, limits: ArchiveLimits = ArchiveLimits(),
        maxDepth: Int = 256, currentYear: Int, excludedPaths: [String] = []
    ) {
        self.roots = roots
        self.include = include
        self.exclude = exclude
        self.statePath = statePath
        self.jobs = max(1, jobs)
        self.limits = limits
        self.maxDepth = maxDepth
        self.currentYear = currentYear
        self.excludedPaths = excludedPaths
    }
}

/// Progress of a scan, for a front end to draw.
public struct ScanProgress: Sendable {
    /// Whether the folders are still being listed (totals not known yet).
    public var listing: Bool
    public var filesDone: Int
    public var filesTotal: Int
    public var bytesDone: Int
    public var bytesTotal: Int
    /// Seconds since the scan started.
    public var elapsed: Double
}

/// Everything a scan found.
public struct ScanResult: Sendable {
    /// Per folder scanned.
    public var records: [FileScanRecord]
    /// Files holding patient identifiers.
    public var exposures: [PatientDataExposure]
    /// Counts over all folders.
    public var totals: FileScanTotals
    /// Problems (at most ``FileShareScanner/problemLimit``).
    public var problems: [Diagnostic]
    public var problemCount: Int
    public var performance: FileScanPerformance

    /// The `scan.json` document for this result.
    public func report(scannedAt: Date) -> FileScanReport {
        FileScanReport(
            scannedAt: scannedAt, roots: records, totals: totals, exposures: exposures, problems: problems,
            problemCount: problemCount, performance: performance)
    }
}

/// A failure that stops a scan before it starts.
public struct ScanError: Error, Sendable, CustomStringConvertible {
    /// `scan.not-found` or `scan.state`.
    public var code: String
    public var message: String
    public var description: String { message }
}

/// Scans folder trees for patient identifiers on every core: lists the files (``FileWalker``), reuses remembered
/// results of unchanged files (``ScanStateStore``), reads the rest (``FileContentScanner``), and returns per-file
/// exposures with counts and masked samples only. A file that cannot be read is counted and reported, and the scan
/// goes on.
public struct FileShareScanner: Sendable {
    /// The most problems kept; more are counted.
    public static let problemLimit = FileScanReport.problemLimit

    public let options: ScanOptions

    public init(options: ScanOptions) {
        self.options = options
    }

    /// Runs the scan. `progress` is called from worker threads after each file (throttle drawing there).
    /// `recorder` receives every accepted detection, values included, in memory (accuracy tests only).
    public func run(
        progress: (@Sendable (ScanProgress) -> Void)? = nil, recorder: (@Sendable (String, Detection) -> Void)? = nil
    ) async throws(ScanError) -> ScanResult {
        let started = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        for root in options.roots where access(root.path, F_OK) != 0 {
            throw ScanError(code: "scan.not-found", message: "\(root.display): no such file or folder")
        }
        var store: ScanStateStore?
        var remembered: [String: StoredFile] = [:]
        var stateDamaged = false
        if let statePath = options.statePath {
            do throws(ScanStateError) {
                let opened = try ScanStateStore(path: statePath)
                (remembered, stateDamaged) = try opened.load()
                store = opened
            } catch {
                throw ScanError(code: "scan.state", message: error.description)
            }
        }

        // 1. List.
        let walker = FileWalker(
            include: options.include, exclude: options.exclude,
            excludedPaths: Set(
                options.excludedPaths
                    + [options.statePath, options.statePath.map { $0 + "-journal" }].compactMap { $0 }),
            maxDepth: options.maxDepth)
        var files: [WalkedFile] = []
        var walk = WalkTally()
        for (index, root) in options.roots.enumerated() {
            walker.walk(root: root.path, index: index, display: root.display, into: &files, tally: &walk)
            progress?(
                ScanProgress(
                    listing: true, filesDone: 0, filesTotal: files.count, bytesDone: 0, bytesTotal: 0,
                    elapsed: elapsed()))
        }
        let totalBytes = files.reduce(0) { $0 + $1.size }

        // 2. Read, on every core: each worker takes the next file in turn; biggest first for a balanced finish.
        let order = files.indices.sorted { files[$0].size > files[$1].size }
        let detector = IdentifierDetector(currentYear: options.currentYear)
        let key = store?.hashKey ?? 0
        let limits = options.limits
        let walked = files
        // The state file knows files by keyed hashes of their paths; the workers look them up by path.
        let keys = files.map { store?.key($0.path) ?? "" }
        let rootKeys = options.roots.map { store?.key($0.path) ?? "" }
        var known: [String: StoredFile] = [:]
        if store != nil {
            for (file, key) in zip(files, keys) { known[file.path] = remembered[key] }
        }
        let workers = min(options.jobs, max(1, files.count))
        let shared = WorkQueue(
            files: walked, order: order, known: known, totalBytes: totalBytes, started: started, progress: progress,
            recorder: recorder)
        let outcomes = await withTaskGroup(of: [WorkResult].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    shared.work(scanner: FileContentScanner(detector: detector, limits: limits, hashSeed: key))
                }
            }
            var all = [WorkResult?](repeating: nil, count: walked.count)
            for await results in group {
                for result in results { all[result.index] = result }
            }
            return all.map { ($0!.outcome, $0!.reused) }
        }

        // 3. Collect, in path order.
        var totals = FileScanTotals(
            files: files.count, bytes: totalBytes, folders: walk.folders, foldersUnreadable: walk.foldersUnreadable,
            symbolicLinks: walk.symbolicLinks, otherEntries: walk.otherEntries, excluded: walk.excluded)
        // The walk's problems continue in one bounded log: counted all, the first few kept.
        var problems = walk.problems
        var exposures: [PatientDataExposure] = []
        var perRoot = options.roots.map { root in
            FileScanRecord(
                root: root.display, aclRoot: root.aclPath, host: root.host, files: 0, bytes: 0, filesRead: 0,
                filesSkipped: 0, filesFailed: 0)
        }
        var toSave: [(String, StoredFile)] = []
        var toForget: [String] = []
        var bytesRead = 0
        func problem(_ code: String, _ file: String, _ message: String, _ level: Diagnostic.Level = .warning) {
            problems.add(
                Diagnostic(level: level, code: code, location: EvidenceReference(file: file), message: message))
        }
        if stateDamaged, let statePath = options.statePath {
            problem(
                "scan.state-damaged", statePath,
                "the scan state file held rows Vigil does not write (edited or damaged); it was emptied and every file read afresh"
            )
        }
        for index in files.indices.sorted(by: { files[$0].relative < files[$1].relative }) {
            let file = files[index]
            let (outcome, reused) = outcomes[index]
            let root = options.roots[file.root]
            let shown = Self.join(root.display, file.relative)
            perRoot[file.root].files += 1
            perRoot[file.root].bytes += file.size
            bytesRead += outcome.bytesRead
            if reused { totals.filesReused += 1 }
            switch outcome.status {
            case .read(let format):
                if !reused { totals.filesRead += 1 }
                perRoot[file.root].filesRead += 1
                if outcome.changed {
                    totals.filesChanged += 1
                    problem("scan.changed", shown, "the file changed while it was read; read again at the next scan")
                    toForget.append(keys[index])
                } else if !reused {
                    toSave.append(
                        (
                            keys[index],
                            StoredFile(
                                root: rootKeys[file.root], size: outcome.size, modified: outcome.modified,
                                hash: outcome.hash,
                                status: "read:\(format)", findings: outcome.findings)
                        ))
                }
                if let findings = outcome.findings {
                    exposures.append(
                        PatientDataExposure(
                            path: shown, aclPath: root.aclPath.map { Self.windowsJoin($0, file.relative) },
                            host: root.host,
                            bytes: outcome.size, modified: Date(timeIntervalSince1970: Double(outcome.modified) / 1e9),
                            format: format, classification: findings.classification, patients: findings.patients,
                            confidence: findings.confidence, identifiers: findings.identifiers))
                }
            case .skipped(let reason):
                totals.filesSkipped[reason.rawValue, default: 0] += 1
                perRoot[file.root].filesSkipped += 1
                if !reused {
                    toSave.append(
                        (
                            keys[index],
                            StoredFile(
                                root: rootKeys[file.root], size: outcome.size, modified: outcome.modified, hash: nil,
                                status: "skipped:\(reason.rawValue)", findings: nil)
                        ))
                }
            case .failed(let code, let message):
                totals.filesFailed += 1
                perRoot[file.root].filesFailed += 1
                problem(code, shown, message, .error)
                toForget.append(keys[index])
            }
        }
        if let store {
            // Forget files that have gone from the folders scanned.
            let present = Set(keys)
            let scanned = Set(rootKeys)
            for (key, stored) in remembered where !present.contains(key) && scanned.contains(stored.root) {
                toForget.append(key)
            }
            do throws(ScanStateError) {
                try store.save(toSave, forgetting: toForget)
            } catch {
                throw ScanError(code: "scan.state", message: error.description)
            }
        }
        return Self.masked(
            ScanResult(
                records: perRoot, exposures: exposures, totals: totals, problems: problems.kept,
                problemCount: problems.count,
                performance: FileScanPerformance(seconds: elapsed(), bytesRead: bytesRead, jobs: workers)))
    }

    /// The result with health-service numbers in file and folder names masked (``PathMasking``) and bytes of names that
    /// are not UTF-8 shown as `\xE9` (``RawName``), in report order: every path a report, the terminal or the estate
    /// shows leaves the scanner here.
    static func masked(_ result: ScanResult) -> ScanResult {
        var result = result
        func show(_ path: String) -> String { PathMasking.masked(RawName.display(path)) }
        for index in result.records.indices {
            result.records[index].root = show(result.records[index].root)
            result.records[index].aclRoot = result.records[index].aclRoot.map(show)
        }
        for index in result.exposures.indices {
            result.exposures[index].path = show(result.exposures[index].path)
            result.exposures[index].aclPath = result.exposures[index].aclPath.map(show)
        }
        for index in result.problems.indices {
            result.problems[index].location.file = show(result.problems[index].location.file)
        }
        result.exposures.sort()
        result.problems.sort()
        return result
    }

    /// A remembered status as an outcome status, or `nil` when it cannot be reused.
    static func status(_ text: String) -> FileOutcome.Status? {
        if text.hasPrefix("read:") { return .read(String(text.dropFirst(5))) }
        if text.hasPrefix("skipped:"), let reason = SkipReason(rawValue: String(text.dropFirst(8))) {
            return .skipped(reason)
        }
        return nil
    }

    static func join(_ root: String, _ relative: String) -> String {
        guard !relative.isEmpty else { return root }
        if root.isEmpty || root == "." { return relative }
        return root.hasSuffix("/") ? root + relative : root + "/" + relative
    }

    /// `D:\Shares\Clinical` + `lists/a.csv` → `D:\Shares\Clinical\lists\a.csv`.
    static func windowsJoin(_ root: String, _ relative: String) -> String {
        let tail = relative.replacingOccurrences(of: "/", with: "\\")
        guard !tail.isEmpty else { return root }
        return root.hasSuffix("\\") ? root + tail : root + "\\" + tail
    }
}

/// One file's outcome from a worker.
struct WorkResult: Sendable {
    var index: Int
    var outcome: FileOutcome
    var reused: Bool
}

/// The files of a scan shared by its workers: each takes the next in turn.
final class WorkQueue: Sendable {
    let files: [WalkedFile]
    let order: [Int]
    let known: [String: StoredFile]
    let totalBytes: Int
    let started: ContinuousClock.Instant
    let progress: (@Sendable (ScanProgress) -> Void)?
    let recorder: (@Sendable (String, Detection) -> Void)?
    private let next = Atomic<Int>(0)
    private let filesDone = Atomic<Int>(0)
    private let bytesDone = Atomic<Int>(0)

    init(
        files: [WalkedFile], order: [Int], known: [String: StoredFile], totalBytes: Int,
        started: ContinuousClock.Instant, progress: (@Sendable (ScanProgress) -> Void)?,
        recorder: (@Sendable (String, Detection) -> Void)?
    ) {
        self.files = files
        self.order = order
        self.known = known
        self.totalBytes = totalBytes
        self.started = started
        self.progress = progress
        self.recorder = recorder
    }

    /// Scans files until none is left; returns their outcomes.
    func work(scanner: FileContentScanner) -> [WorkResult] {
        var results: [WorkResult] = []
        while true {
            let position = next.add(1, ordering: .relaxed).oldValue
            guard position < order.count else { break }
            let index = order[position]
            let file = files[index]
            if let stored = known[file.path], stored.size == file.size, stored.modified == file.modified,
                let status = FileShareScanner.status(stored.status)
            {
                let outcome = FileOutcome(
                    status: status, findings: stored.findings, size: stored.size, modified: stored.modified,
                    hash: stored.hash, bytesRead: 0)
                results.append(WorkResult(index: index, outcome: outcome, reused: true))
            } else {
                let name = String(file.relative.split(separator: "/").last ?? "")
                var perFile: (@Sendable (Detection) -> Void)?
                if let recorder {
                    let tag = file.relative
                    perFile = { recorder(tag, $0) }
                }
                let outcome = scanner.scan(path: file.path, name: name, recorder: perFile)
                results.append(WorkResult(index: index, outcome: outcome, reused: false))
            }
            let done = filesDone.add(1, ordering: .relaxed).newValue
            let bytes = bytesDone.add(file.size, ordering: .relaxed).newValue
            if let progress {
                let duration = ContinuousClock.now - started
                progress(
                    ScanProgress(
                        listing: false, filesDone: done, filesTotal: files.count, bytesDone: bytes,
                        bytesTotal: totalBytes,
                        elapsed: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18))
            }
        }
        return results
    }
}
