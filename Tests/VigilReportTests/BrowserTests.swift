import Foundation
import Testing
import VigilCore
import VigilReport
import VigilTestSupport

/// Renders report.html in a real headless Chromium. CI installs Chromium and sets VIGIL_BROWSER_TESTS=1, which makes a
/// missing browser a failure; elsewhere the suite is skipped, visibly.
@Suite("Report in a real browser", .enabled(if: Browser.available || Browser.required))
struct BrowserTests {
    @Test("Chromium renders the report's structure and prints it to PDF")
    func render() async throws {
        #expect(Browser.available, "VIGIL_BROWSER_TESTS=1 but no chromium on PATH")
        let (assessment, bundle) = try await ReportFixtures.assess(seed: 21, staff: 150, layout: .trust)
        defer { bundle.scratch.remove() }
        let report = try ReportSet.write(
            assessment, formats: [.html], to: bundle.scratch.url.appendingPathComponent("out"))[0]
        let dom = try Browser.run(["--dump-dom", report.absoluteString])
        #expect(dom.contains("<h1>Test Trust</h1>"))
        for section in ["glance", "actions", "accounts", "coverage", "findings", "diagnostics"] {
            #expect(dom.contains("id=\"\(section)\""))
        }
        #expect(dom.contains("<svg"))
        let pdf = bundle.scratch.url.appendingPathComponent("report.pdf")
        _ = try Browser.run(["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", report.absoluteString])
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Array("%PDF".utf8)))
        #expect(bytes.count > 10_000)
    }
}

/// The demo organisations' reports, printed: A4, bounded in length, no console error, no dead link.
@Suite("Demo reports in a real browser", .enabled(if: Browser.available || Browser.required))
struct DemoPrintTests {
    @Test("each demo report prints to at most 30 A4 pages without a console error", arguments: 0..<3)
    func prints(organisation: Int) async throws {
        #expect(Browser.available, "VIGIL_BROWSER_TESTS=1 but no chromium on PATH")
        let assessment = try #require(try await DemoAssessments.all().dropFirst(organisation).first)
        let scratch = try ScratchDirectory("vigil-print")
        defer { scratch.remove() }
        let report = try ReportSet.write(assessment, formats: [.html], to: scratch.url)[0]
        let pdf = scratch.url.appendingPathComponent("report.pdf")
        let log = try Browser.runLogging([
            "--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", report.absoluteString,
        ])
        let bytes = try Data(contentsOf: pdf)
        #expect(bytes.starts(with: Array("%PDF".utf8)))
        let pages = String(decoding: bytes, as: UTF8.self).matches(of: /\/Type\s*\/Page[^s]/).count
        #expect(pages > 0 && pages <= 30, "\(assessment.organisation.code) prints to \(pages) pages")
        // A4 is 595 × 842 points.
        #expect(String(decoding: bytes, as: UTF8.self).contains("/MediaBox [0 0 594.95996 841.91998]"))
        #expect(!log.contains(":CONSOLE"), "the page logged to the console: \(log)")
    }
}
