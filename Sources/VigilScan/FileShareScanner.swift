public import Foundation
public import VigilCore
public import VigilIO

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

/// A failure that stops a scan: a folder to scan that does not exist, or a state file that cannot be used. Files that
/// cannot be read never throw; they are counted and reported, and the scan goes on.
public struct ScanError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: a struct over a private enum, so codes can be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case rootNotFound = "scan.not-found"
            case state = "scan.state"
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        public var description: String { value.rawValue }

        /// A folder to scan does not exist.
        public static let rootNotFound = Code(.rootNotFound)
        /// The state file could not be opened, read or written.
        public static let state = Code(.state)
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong and what to do, naming the folder or state file, never a file's content.
    public var message: String
    /// The failure underneath (the state file's error), when there is one.
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

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
        let clock = ScanClock()
        try checkRootsExist()
        let state = try openState()
        let listing = list(state: state, clock: clock, progress: progress)
        let outcomes = await read(listing, state: state, clock: clock, progress: progress, recorder: recorder)
        let collected = collect(listing, outcomes: outcomes, state: state)
        try save(collected, listing: listing, state: state)
        return Self.masked(
            ScanResult(
                records: collected.perRoot, exposures: collected.exposures, totals: collected.totals,
                problems: collected.problems.kept, problemCount: collected.problems.count,
                performance: FileScanPerformance(
                    seconds: clock.elapsed(), bytesRead: collected.bytesRead, jobs: listing.workers(options.jobs))))
    }

    /// Refuses a scan of a folder that does not exist before anything is read or written.
    private func checkRootsExist() throws(ScanError) {
        for root in options.roots where access(root.path, F_OK) != 0 {
            // The name as every other output shows it: a folder named after a patient's number is masked here too.
            throw ScanError(
                code: .rootNotFound,
                message: "\(PathMasking.masked(RawName.display(root.display))): no such file or folder")
        }
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
            // Kept in memory for an assessment to join with permissions under its own masks (never encoded).
            result.exposures[index].unmasked = (
                RawName.display(result.exposures[index].path), result.exposures[index].aclPath.map(RawName.display)
            )
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

/// When a scan started, for its progress and its performance figures.
struct ScanClock: Sendable {
    let started = ContinuousClock.now

    /// Seconds since the scan started.
    func elapsed() -> Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
