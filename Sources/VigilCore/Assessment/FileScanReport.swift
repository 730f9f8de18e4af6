public import Foundation

/// The result of `vigil scan`: which folders were scanned, how it went, and every file found to hold patient
/// identifiers, with counts and masked samples only. This is `scan.json` (see `schemas/scan.schema.json`).
public struct FileScanReport: Codable, Sendable {
    /// The version of the JSON document; bumped on any incompatible change.
    public static let currentSchemaVersion = "1.0"

    /// The document's schema version.
    public var schemaVersion: String
    /// The tool and version that produced it.
    public var tool: ToolIdentity
    /// When the scan ran (the as-of date, injected for reproducible output).
    public var scannedAt: Date
    /// Each folder scanned.
    public var roots: [FileScanRecord]
    /// Counts over all folders.
    public var totals: FileScanTotals
    /// Files holding patient identifiers, sorted by path.
    public var exposures: [PatientDataExposure]
    /// Files and folders that could not be read, or changed while read (at most ``problemLimit``).
    public var problems: [Diagnostic]
    /// How many problems there were in all.
    public var problemCount: Int
    /// How fast the scan ran (varies from run to run).
    public var performance: FileScanPerformance

    /// The most problems listed; more are counted.
    public static let problemLimit = 500

    public init(
        tool: ToolIdentity = .current, scannedAt: Date, roots: [FileScanRecord], totals: FileScanTotals,
        exposures: [PatientDataExposure], problems: [Diagnostic], problemCount: Int, performance: FileScanPerformance
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.tool = tool
        self.scannedAt = scannedAt
        self.roots = roots
        self.totals = totals
        self.exposures = exposures.sorted()
        self.problems = problems.sorted()
        self.problemCount = problemCount
        self.performance = performance
    }

    /// Exposures of `classification`.
    public func count(_ classification: PatientDataClassification) -> Int {
        exposures.filter { $0.classification == classification }.count
    }
}

/// Counts over a whole scan.
public struct FileScanTotals: Codable, Sendable, Hashable {
    /// Regular files found after include and exclude patterns.
    public var files: Int
    /// Their bytes.
    public var bytes: Int
    /// Files whose content was read this time.
    public var filesRead: Int
    /// Files unchanged since the last scan whose remembered result was reused without reading them.
    public var filesReused: Int
    /// Files not read, by reason (`binary`, `image`, `pdf`, `legacy-office`, `archive`, `empty`).
    public var filesSkipped: [String: Int]
    /// Files that could not be read (permission denied, broken archive, a safety limit…).
    public var filesFailed: Int
    /// Files whose size or modification time changed while they were read.
    public var filesChanged: Int
    /// Folders walked.
    public var folders: Int
    /// Folders that could not be opened.
    public var foldersUnreadable: Int
    /// Symbolic links seen and not followed.
    public var symbolicLinks: Int
    /// Entries that are neither files, folders nor links (sockets, devices, pipes).
    public var otherEntries: Int
    /// Files and folders left out by include and exclude patterns.
    public var excluded: Int

    public init(
        files: Int = 0, bytes: Int = 0, filesRead: Int = 0, filesReused: Int = 0, filesSkipped: [String: Int] = [:],
        filesFailed: Int = 0, filesChanged: Int = 0, folders: Int = 0, foldersUnreadable: Int = 0,
        symbolicLinks: Int = 0, otherEntries: Int = 0, excluded: Int = 0
    ) {
        self.files = files
        self.bytes = bytes
        self.filesRead = filesRead
        self.filesReused = filesReused
        self.filesSkipped = filesSkipped
        self.filesFailed = filesFailed
        self.filesChanged = filesChanged
        self.folders = folders
        self.foldersUnreadable = foldersUnreadable
        self.symbolicLinks = symbolicLinks
        self.otherEntries = otherEntries
        self.excluded = excluded
    }

    /// All files skipped, whatever the reason.
    public var skipped: Int { filesSkipped.values.reduce(0, +) }
}

/// How fast a scan ran.
public struct FileScanPerformance: Codable, Sendable, Hashable {
    /// Wall-clock seconds from the start of the walk to the last file.
    public var seconds: Double
    /// Bytes read from disk (unchanged files reused from the state are not read).
    public var bytesRead: Int
    /// Worker threads.
    public var jobs: Int

    public init(seconds: Double, bytesRead: Int, jobs: Int) {
        self.seconds = seconds
        self.bytesRead = bytesRead
        self.jobs = jobs
    }

    /// Bytes read per second.
    public var bytesPerSecond: Double { seconds > 0 ? Double(bytesRead) / seconds : 0 }
}
