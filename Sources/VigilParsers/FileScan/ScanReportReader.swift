import Foundation
import VigilCore
import VigilIO

/// `scan.json` as `vigil scan` writes it, put in an evidence bundle: its folders become file-scan records and its
/// exposures patient-data facts, exactly as if the manifest's `scan:` section had scanned them, so that a scan run on
/// the file server joins the bundle's permission exports by the Windows path it recorded (`--acl-path`).
public struct ScanReportReader: EvidenceReader {
    /// The largest scan.json read: it holds counts and masked samples only, so even a large share's is far smaller.
    public static let sizeLimit = 1 << 30

    public let format = EvidenceFormat(
        id: "vigil-scan",
        name: "vigil scan report (scan.json)",
        producedBy: "vigil scan PATH --acl-path 'D:\\Shares\\X' --host SERVER --out DIR (DIR/scan.json)")

    public init() {}

    /// A JSON object whose first key is `exposures` (JSONEncoder's sorted keys), with an exposure's or the report's
    /// own keys in the opening.
    public func recognises(_ sample: TextSample) -> Bool {
        let text = String(decoding: sample.bytes.prefix(4_096), as: UTF8.self)
        let compact = text.filter { !$0.isWhitespace }
        guard compact.hasPrefix("{\"exposures\":[") else { return false }
        return compact.contains("\"classification\":") || compact.contains("\"performance\":")
    }

    /// The document is one record, so a problem with it is positioned at its first line.
    public func read(path: String, file: String, progress: (@Sendable (Int) -> Void)?) throws -> EvidenceFragment {
        var fragment = EvidenceFragment(file: file)
        guard let bytes = try RawFile.contents(of: path, limit: Self.sizeLimit) else {
            fragment.log.reject(
                line: 1, code: "vigil-scan.too-large",
                "the file is larger than \(Self.sizeLimit >> 20) MiB, more than any scan.json holds; it was not read")
            return fragment
        }
        let data = Data(bytes)
        progress?(data.count)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let report = try? decoder.decode(FileScanReport.self, from: data) else {
            fragment.log.reject(
                line: 1, code: "vigil-scan.invalid",
                "not a scan report Vigil can read: expected the JSON object vigil scan writes (exposures, roots, totals, schemaVersion 1.x)"
            )
            return fragment
        }
        guard report.schemaVersion.hasPrefix("1.") else {
            fragment.log.reject(
                line: 1, code: "vigil-scan.version",
                "scan report schema version \(report.schemaVersion.prefix(16)) is not one this Vigil reads (1.x)")
            return fragment
        }
        fragment.fileScans = report.roots
        fragment.patientData = report.exposures
        fragment.log.recordsRead = report.totals.filesRead
        if report.exposures.contains(where: { $0.isPatientList && $0.aclPath == nil }) {
            fragment.log.warn(
                line: 1, code: "vigil-scan.no-acl-path",
                "the scan recorded no Windows path for its files (vigil scan --acl-path), so permission exports cannot be joined to them"
            )
        }
        return fragment
    }
}
