public import Foundation
public import VigilCore

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

    /// `scan.html`.
    public static func html(_ report: FileScanReport, rowLimit: Int = 1_000) -> String {
        var page = HTMLPage(title: "Patient data scan")
        let totals = report.totals
        page.raw("<header><p class=\"kicker\">Vigil patient data scan</p><h1>Patient identifiers in files</h1>")
        page.raw(
            "<p class=\"meta\">\(report.roots.map { "<code>\(escape($0.root))</code>" }.joined(separator: ", ")) · scanned \(CivilDate.string(report.scannedAt))</p>"
        )
        page.raw(
            "<nav><a href=\"#glance\">At a glance</a> <a href=\"#files\">Files</a> <a href=\"#problems\">Not read</a></nav></header>"
        )
        let bulk = report.count(.bulkExport)
        let lists = report.count(.patientList)
        let single = report.count(.singleIdentifier)
        let test = report.count(.testData)
        let patients = report.exposures.filter(\.isPatientList).reduce(0) { $0 + $1.patients }
        page.raw("<section id=\"glance\"><h2>At a glance</h2>")
        page.raw(
            "<p class=\"lead\">\(Wording.count(totals.files, "file")) (\(byteText(totals.bytes))) in \(Wording.count(report.roots.count, "folder")): <strong>\(Wording.count(bulk + lists, "file")) list\(bulk + lists == 1 ? "s" : "") patients</strong> (\(Wording.count(patients, "patient")) in all, counted per file), \(Wording.count(single, "file")) \(single == 1 ? "holds" : "hold") a single patient's identifiers\(test > 0 ? ", \(Wording.count(test, "file")) only test numbers" : "").</p>"
        )
        page.raw("<div class=\"tiles\">")
        for (label, value, state) in [
            ("Bulk exports (1,000+ patients)", bulk, bulk > 0 ? "critical" : "ok"),
            ("Patient lists (5+ patients)", lists, lists > 0 ? "high" : "ok"),
            ("Single identifiers", single, single > 0 ? "low" : "ok"), ("Test data only", test, "info"),
        ] {
            page.raw(
                "<div class=\"tile \(state)\"><h3>\(escape(label))</h3><p class=\"lead\"><strong>\(Wording.number(value))</strong></p></div>"
            )
        }
        page.raw("</div>")
        var read =
            "Read \(Wording.count(totals.filesRead, "file"))\(totals.filesReused > 0 ? ", reused \(Wording.number(totals.filesReused)) unchanged since the last scan" : "")"
        if totals.skipped > 0 {
            let reasons = totals.filesSkipped.sorted { $0.key < $1.key }.map { "\(Wording.number($0.value)) \($0.key)" }
            read += "; skipped \(Wording.number(totals.skipped)) (\(reasons.joined(separator: ", ")))"
        }
        if totals.filesFailed > 0 {
            read += "; <strong>\(Wording.count(totals.filesFailed, "file")) could not be read</strong>"
        }
        if totals.foldersUnreadable > 0 {
            read += "; <strong>\(Wording.count(totals.foldersUnreadable, "folder")) could not be opened</strong>"
        }
        if totals.symbolicLinks > 0 { read += "; \(Wording.count(totals.symbolicLinks, "symbolic link")) not followed" }
        page.raw("<p>\(read).</p>")
        let performance = report.performance
        page.raw(
            "<p class=\"note\">\(byteText(performance.bytesRead)) read in \(String(format: "%.1f", performance.seconds)) s (\(byteText(Int(performance.bytesPerSecond)))/s on \(Wording.count(performance.jobs, "thread"))).</p>"
        )
        page.raw("</section>")

        page.raw("<section id=\"files\"><h2>Files holding patient identifiers</h2>")
        if report.exposures.isEmpty {
            page.raw("<p>No file holds a patient identifier.</p>")
        } else {
            page.raw(
                "<p>Identifiers are masked. Counts are occurrences; distinct counts are per file. A patient list holds \(PatientDataExposure.listThreshold) or more patients, a bulk export \(Wording.number(PatientDataExposure.bulkThreshold)) or more.</p>"
            )
            page.raw(
                "<table><thead><tr><th>File</th><th>What it is</th><th class=\"num\">Patients</th><th>Identifiers (count / distinct, sample, where)</th><th>Confidence</th></tr></thead><tbody>"
            )
            let rows = ordered(report.exposures)
            for exposure in rows.prefix(rowLimit) {
                let badge: String =
                    switch exposure.classification {
                    case .bulkExport: "critical"
                    case .patientList: "high"
                    case .singleIdentifier: "low"
                    case .testData: "info"
                    }
                let identifiers = exposure.identifiers.map { tally in
                    var text =
                        "\(escape(tally.kind.title)): \(Wording.number(tally.count)) / \(Wording.number(tally.distinct)), <code>\(escape(tally.sample))</code> at \(escape(tally.location.description))"
                    if tally.testData > 0 { text += " (+\(Wording.number(tally.testData)) test numbers)" }
                    return text
                }.joined(separator: "<br>")
                var location = "<code>\(escape(exposure.path))</code>"
                if let acl = exposure.aclPath { location += "<br><span class=\"related\">\(escape(acl))</span>" }
                page.raw(
                    "<tr><td>\(location)<br><span class=\"related\">\(escape(exposure.format)), \(byteText(exposure.bytes))</span></td><td><span class=\"badge \(badge)\">\(escape(exposure.classification.title))</span></td><td class=\"num\">\(Wording.number(exposure.patients))</td><td>\(identifiers)</td><td>\(exposure.confidence.rawValue)</td></tr>"
                )
            }
            page.raw("</tbody></table>")
            if rows.count > rowLimit {
                page.raw(
                    "<p class=\"note\">Showing \(Wording.number(rowLimit)) of \(Wording.number(rows.count)); every file is in scan.csv and scan.json.</p>"
                )
            }
        }
        page.raw("</section>")

        page.raw("<section id=\"problems\"><h2>Files and folders not read</h2>")
        if report.problems.isEmpty {
            page.raw("<p>Every file and folder could be read.</p>")
        } else {
            page.raw("<table><thead><tr><th>Where</th><th>Problem</th></tr></thead><tbody>")
            for problem in report.problems {
                page.raw(
                    "<tr><td><code>\(escape(problem.location.description))</code></td><td>\(escape(problem.message))</td></tr>"
                )
            }
            page.raw("</tbody></table>")
            if report.problemCount > report.problems.count {
                page.raw(
                    "<p class=\"note\">… and \(Wording.number(report.problemCount - report.problems.count)) more.</p>")
            }
        }
        page.raw("</section>")
        page.raw(
            "<footer><p>Produced by \(escape(report.tool.name)) \(escape(report.tool.version)). Patient identifiers are never written unmasked: samples keep at most the first three and last two digits of a number, the year of a date of birth, the outward half of a postcode.</p></footer>"
        )
        return page.finish()
    }

    static func byteText(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1 << 20 { return "\(Wording.number(bytes >> 10)) KiB" }
        if bytes < 1 << 30 { return "\(Wording.number(bytes >> 20)) MiB" }
        return "\(String(format: "%.1f", Double(bytes) / Double(1 << 30))) GiB"
    }
}
