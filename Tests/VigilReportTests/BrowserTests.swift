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

enum Browser {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static var available: Bool { path != nil }
    static var required: Bool { ProcessInfo.processInfo.environment["VIGIL_BROWSER_TESTS"] == "1" }

    /// Runs headless Chromium with `arguments` and console logging, returning what it logged.
    static func runLogging(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/chromium")
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--enable-logging=stderr",
                "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("vigil-chromium-\(UUID().uuidString)").path)",
            ] + arguments
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs headless Chromium with `arguments`, returning standard output.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/chromium")
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("vigil-chromium-\(UUID().uuidString)").path)",
            ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
