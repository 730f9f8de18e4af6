public import VigilCore
import VigilIO

/// Collects the diagnostics and record counts of one evidence file, keeping at most
/// ``EvidenceFileSummary/diagnosticLimit`` diagnostics but counting all of them.
public struct DiagnosticLog: Sendable {
    /// The file's path relative to the bundle root, used in every diagnostic.
    public let file: String
    /// Kept diagnostics, in the order found.
    public var diagnostics: [Diagnostic] { kept.kept }
    /// All diagnostics, including those not kept.
    public var count: Int { kept.count }
    /// Records accepted.
    public var recordsRead = 0
    /// Records rejected.
    public private(set) var recordsRejected = 0

    private var kept = BoundedLog<Diagnostic>(limit: EvidenceFileSummary.diagnosticLimit)

    /// An empty log for `file`.
    public init(file: String) {
        self.file = file
    }

    /// Records a rejected record: an error at `line`.
    public mutating func reject(line: Int?, code: String, _ message: String) {
        recordsRejected += 1
        add(.error, line: line, code: code, message)
    }

    /// Records a warning at `line`; the record is still read.
    public mutating func warn(line: Int?, code: String, _ message: String) {
        add(.warning, line: line, code: code, message)
    }

    /// Counts diagnostics that were not kept (from a merged log), `rejected` of them rejections.
    mutating func addUnkept(_ count: Int, rejected: Int) {
        kept.addUnkept(count)
        recordsRejected += rejected
    }

    /// Codes kept even past the cap: they say the file is incomplete, which lowers the coverage of what rests on it,
    /// so a file with many bad records must not lose them. Each is logged at most a few times per file.
    public static let alwaysKept: Set<String> = [
        Diagnostic.Code.ldifTruncated, Diagnostic.Code.ldifPartialRecord, Diagnostic.Code.ldifUnclassified,
    ]

    private mutating func add(_ level: Diagnostic.Level, line: Int?, code: String, _ message: String) {
        let diagnostic = Diagnostic(
            level: level, code: code, location: EvidenceReference(file: file, line: line), message: message)
        if Self.alwaysKept.contains(code) {
            // Past the cap, one that must be kept takes the place of the last ordinary one, so the cap still holds.
            kept.addReplacing(diagnostic) { !Self.alwaysKept.contains($0.code) }
        } else {
            kept.add(diagnostic)
        }
    }
}
