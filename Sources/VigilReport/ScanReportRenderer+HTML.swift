import Foundation
public import VigilCore

extension ScanReportRenderer {
    /// `scan.html`: one method per section, as in ``HTMLReportRenderer``; at most `rowLimit` files are listed.
    public static func html(_ report: FileScanReport, rowLimit: Int = 1_000) -> String {
        var page = HTMLPage(title: "Patient data scan")
        header(report, into: &page)
        glance(report, into: &page)
        files(report, rowLimit: rowLimit, into: &page)
        problems(report, into: &page)
        page.raw(
            "<footer><p>Produced by \(escape(report.tool.name)) \(escape(report.tool.version)). Patient identifiers are never written unmasked: samples keep at most the first three and last two digits of a number, the year of a date of birth, the outward half of a postcode.</p></footer>"
        )
        return page.finish()
    }

    // MARK: Sections

    /// The title, the folders scanned and when, and the page's navigation.
    private static func header(_ report: FileScanReport, into page: inout HTMLPage) {
        page.raw("<header><p class=\"kicker\">Vigil patient data scan</p><h1>Patient identifiers in files</h1>")
        page.raw(
            "<p class=\"meta\">\(report.roots.map { "<code>\(escape($0.root))</code>" }.joined(separator: ", ")) · scanned \(CivilDate.string(report.scannedAt))</p>"
        )
        page.raw(
            "<nav><a href=\"#glance\">At a glance</a> <a href=\"#files\">Files</a> <a href=\"#problems\">Not read</a></nav></header>"
        )
    }

    /// What the files hold, in one sentence and four tiles, then what was read and how fast.
    private static func glance(_ report: FileScanReport, into page: inout HTMLPage) {
        let totals = report.totals
        let bulk = report.count(.bulkExport)
        let lists = report.count(.patientList)
        let single = report.count(.singleIdentifier)
        let test = report.count(.testData)
        let patients = report.exposures.filter(\.isPatientList).reduce(0) { $0 + $1.patients }
        page.raw("<section id=\"glance\"><h2>At a glance</h2>")
        page.raw(
            "<p class=\"lead\">\(Wording.count(totals.files, "file")) (\(byteText(totals.bytes))) under \(Wording.count(report.roots.count, "path")) given: <strong>\(Wording.count(bulk + lists, "file")) list\(bulk + lists == 1 ? "s" : "") patients</strong> (\(Wording.count(patients, "patient")) in all, counted per file), \(Wording.count(single, "file")) \(single == 1 ? "holds" : "hold") identifiers of fewer than \(PatientDataExposure.listThreshold) patients\(test > 0 ? ", \(Wording.count(test, "file")) only test numbers" : "").</p>"
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
        page.raw("<p>\(readSummary(totals)).</p>")
        let performance = report.performance
        page.raw(
            "<p class=\"note\">\(byteText(performance.bytesRead)) read in \(String(format: "%.1f", performance.seconds)) s (\(rateText(performance.bytesPerSecond)) on \(Wording.count(performance.jobs, "thread"))).</p>"
        )
        page.raw("</section>")
    }

    /// "Read 12 files; skipped 3 (2 binary, 1 too-large); …; 10 unchanged since the last scan": what was read,
    /// skipped and not read (which add up to the files), then how many of them had their earlier result reused.
    private static func readSummary(_ totals: FileScanTotals) -> String {
        var read = "Read \(Wording.count(totals.filesRead, "file"))"
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
        if totals.filesReused > 0 {
            read +=
                "; \(Wording.number(totals.filesReused)) of the files unchanged since the last scan, \(totals.filesReused == 1 ? "its" : "their") earlier result reused"
        }
        return read
    }

    /// The files holding identifiers, worst first, at most `rowLimit` of them.
    private static func files(_ report: FileScanReport, rowLimit: Int, into page: inout HTMLPage) {
        page.raw("<section id=\"files\"><h2>Files holding patient identifiers</h2>")
        defer { page.raw("</section>") }
        guard !report.exposures.isEmpty else {
            page.raw("<p>No file holds a patient identifier.</p>")
            return
        }
        page.raw(
            "<p>Identifiers are masked. Counts are occurrences; distinct counts are per file. A patient list holds \(PatientDataExposure.listThreshold) or more patients, a bulk export \(Wording.number(PatientDataExposure.bulkThreshold)) or more.</p>"
        )
        page.raw(
            "<table><thead><tr><th>File</th><th>What it is</th><th class=\"num\">Patients</th><th>Identifiers (count / distinct, sample, where)</th><th>Confidence</th></tr></thead><tbody>"
        )
        let rows = ordered(report.exposures)
        for exposure in rows.prefix(rowLimit) { page.raw(row(exposure)) }
        page.raw("</tbody></table>")
        if rows.count > rowLimit {
            page.raw(
                "<p class=\"note\">Showing \(Wording.number(rowLimit)) of \(Wording.number(rows.count)); every file is in scan.csv and scan.json.</p>"
            )
        }
    }

    /// One file's row: where it is, what it is, its patients and its identifiers, masked.
    private static func row(_ exposure: PatientDataExposure) -> String {
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
        return
            "<tr><td>\(location)<br><span class=\"related\">\(escape(exposure.format)), \(byteText(exposure.bytes))</span></td><td><span class=\"badge \(badge)\">\(escape(exposure.classification.title))</span></td><td class=\"num\">\(Wording.number(exposure.patients))</td><td>\(identifiers)</td><td>\(exposure.confidence.rawValue)</td></tr>"
    }

    /// The files and folders that could not be read, and why.
    private static func problems(_ report: FileScanReport, into page: inout HTMLPage) {
        page.raw("<section id=\"problems\"><h2>Files and folders not read</h2>")
        defer { page.raw("</section>") }
        guard !report.problems.isEmpty else {
            page.raw("<p>Every file and folder could be read.</p>")
            return
        }
        page.raw("<table><thead><tr><th>Where</th><th>Problem</th></tr></thead><tbody>")
        for problem in report.problems {
            page.raw(
                "<tr><td><code>\(escape(problem.location.description))</code></td><td>\(escape(problem.message))</td></tr>"
            )
        }
        page.raw("</tbody></table>")
        if report.problemCount > report.problems.count {
            page.raw("<p class=\"note\">… and \(Wording.number(report.problemCount - report.problems.count)) more.</p>")
        }
    }
}
