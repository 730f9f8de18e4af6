public import Foundation
public import VigilCore
public import VigilIO

/// The files `vigil scan` writes: `scan.html`, `scan.json`, `scan.csv`.
public enum ScanReportFormat: String, Sendable, CaseIterable, Hashable {
    case html, json, csv

    /// The file name written for this format.
    public var fileName: String { "scan.\(rawValue)" }
}

/// Renders a ``FileScanReport``: an HTML page (self-contained, no scripts), a JSON document
/// (`schemas/scan.schema.json`) and a CSV of one row per file and kind of identifier. Identifiers appear only masked.
public enum ScanReportRenderer {
    /// Writes `formats` into `directory` (created if needed), returning the files written, with `permissions`
    /// (owner-only unless `--mode` widens them).
    public static func write(
        _ report: FileScanReport, formats: [ScanReportFormat], to directory: URL,
        permissions: OutputPermissions = .ownerOnly
    ) throws -> [URL] {
        try AtomicFile.createFolder(directory, permissions: permissions)
        var written: [URL] = []
        for format in ScanReportFormat.allCases where formats.contains(format) {
            let url = directory.appendingPathComponent(format.fileName)
            let data: Data =
                switch format {
                case .html: Data(html(report).utf8)
                case .json: try json(report)
                case .csv: Data(csv(report).utf8)
                }
            try AtomicFile.write(data, to: url, permissions: permissions)
            written.append(url)
        }
        return written
    }

    /// `scan.json`: sorted keys, ISO 8601 dates.
    public static func json(_ report: FileScanReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(report)
        data.append(0x0A)
        return data
    }

    /// Reads a document written by ``json(_:)``.
    public static func decode(_ data: Data) throws -> FileScanReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(FileScanReport.self, from: data)
    }

    /// The CSV columns.
    public static let columns = [
        "path", "classification", "patients", "confidence", "identifier", "count", "distinct", "test_data",
        "sample", "location", "acl_path", "host", "format", "bytes",
    ]

    /// `scan.csv`: one row per file and kind of identifier, worst files first.
    public static func csv(_ report: FileScanReport) -> String {
        var output = columns.joined(separator: ",") + "\r\n"
        for exposure in ordered(report.exposures) {
            for tally in exposure.identifiers {
                let cells = [
                    exposure.path, exposure.classification.rawValue, String(exposure.patients),
                    exposure.confidence.rawValue, tally.kind.rawValue, String(tally.count), String(tally.distinct),
                    String(tally.testData), tally.sample, tally.location.description, exposure.aclPath ?? "",
                    exposure.host ?? "", exposure.format, String(exposure.bytes),
                ]
                output += cells.map(CSVReportRenderer.cell).joined(separator: ",") + "\r\n"
            }
        }
        return output
    }

    /// Bulk exports first, then patient lists, single identifiers and test data; most patients first; then path.
    public static func ordered(_ exposures: [PatientDataExposure]) -> [PatientDataExposure] {
        exposures.sorted { lhs, rhs in
            if lhs.classification != rhs.classification { return lhs.classification > rhs.classification }
            if lhs.patients != rhs.patients { return lhs.patients > rhs.patients }
            return lhs.path < rhs.path
        }
    }

    /// A rate in bytes per second as ``byteText(_:)`` writes sizes (`984 KiB/s`), held below `Int.max` and at zero or
    /// more whatever the figures (a rate is a division by a measured time).
    public static func rateText(_ bytesPerSecond: Double) -> String {
        let clamped = bytesPerSecond.isFinite ? min(max(bytesPerSecond, 0), Double(Int.max / 2)) : 0
        return byteText(Int(clamped)) + "/s"
    }

    public static func byteText(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return "\(Wording.number(bytes >> 10)) KiB" }
        if bytes < 1 << 30 { return "\(Wording.number(bytes >> 20)) MiB" }
        return "\(String(format: "%.1f", Double(bytes) / Double(1 << 30))) GiB"
    }
}
