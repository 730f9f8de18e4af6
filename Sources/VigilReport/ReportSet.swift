public import Foundation
public import VigilCore
public import VigilIO

/// The report files an assessment can be written as.
public enum ReportFormat: String, Sendable, CaseIterable, Hashable {
    case html, json, csv
    /// OCSF 1.8.0 events, one per finding, for a SIEM (``OCSFReportRenderer``). Written only when asked for.
    case ocsf

    /// The formats written when none are named: the reports people and spreadsheets read.
    public static let defaults: [ReportFormat] = [.html, .json, .csv]

    /// The file name written for this format.
    public var fileName: String {
        switch self {
        case .html: "report.html"
        case .json: "assessment.json"
        case .csv: "findings.csv"
        case .ocsf: "findings.ocsf.jsonl"
        }
    }
}

/// Writes an assessment's reports into a folder.
public enum ReportSet {
    /// Writes `formats` into `directory` (created if needed), returning the files written in format order; with `csv`,
    /// also the lists of ``TableCSVRenderer`` the assessment has (`least-privilege.csv`, `unused-access.csv`). Each file is
    /// written in pieces as it is rendered and replaces any previous one only once complete. Files and created folders
    /// get `permissions` (owner-only unless `--mode` widens them).
    public static func write(
        _ assessment: Assessment, formats: [ReportFormat], to directory: URL,
        permissions: OutputPermissions = .ownerOnly
    ) throws -> [URL] {
        try AtomicFile.createFolder(directory, permissions: permissions)
        // Each format is written side by side with the others (a national assessment's JSON and CSV take seconds each).
        let chosen = ReportFormat.allCases.filter(formats.contains)
        var written = try concurrentMap(chosen.count) { position in
            let format = chosen[position]
            let url = directory.appendingPathComponent(format.fileName)
            try AtomicFile.write(to: url, permissions: permissions) { output in
                switch format {
                case .html: try output(Array(HTMLReportRenderer().render(assessment).utf8))
                case .json: try JSONReportRenderer.write(assessment, to: output)
                case .csv: try CSVReportRenderer.write(assessment, to: output)
                case .ocsf: try OCSFReportRenderer.write(assessment, to: output)
                }
            }
            return url
        }
        // The lists for the teams who act on them go with the spreadsheet report.
        if formats.contains(.csv) {
            for (id, file) in TableCSVRenderer.files {
                guard let table = assessment.tables.first(where: { $0.id == id }) else { continue }
                let url = directory.appendingPathComponent(file)
                try AtomicFile.write(to: url, permissions: permissions) { output in
                    try output(TableCSVRenderer.render(table))
                }
                written.append(url)
            }
        }
        return written
    }
}
