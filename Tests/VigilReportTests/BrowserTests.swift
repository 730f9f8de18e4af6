import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilReport

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

enum Browser {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static var available: Bool { path != nil }
    static var required: Bool { ProcessInfo.processInfo.environment["VIGIL_BROWSER_TESTS"] == "1" }

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
