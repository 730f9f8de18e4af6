import Foundation
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilTestSupport

/// The service's pages in a real headless Chromium: each page, fetched signed in from the live test server, is saved
/// with the Content-Security-Policy it was served with (as a meta element, without `frame-ancestors`, which only a
/// header may carry) and rendered; Chromium must log nothing to the console — a CSP violation, a broken resource or a
/// script error would be logged — and draw a screenshot. A control page with an inline script shows the harness sees
/// violations. Screenshots are kept in `VIGIL_SCREENSHOTS` when set, for a person to look at.
@Suite("service pages in a real browser", .enabled(if: Browser.available || Browser.required))
struct PageBrowserTests {
    /// Writes `html` with `policy` as a meta element into `folder/name.html`.
    static func save(_ html: String, policy: String, name: String, in folder: URL) throws -> URL {
        let metaPolicy = policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("frame-ancestors") }.joined(separator: "; ")
        let page = html.replacingOccurrences(
            of: "<head>", with: "<head><meta http-equiv=\"Content-Security-Policy\" content=\"\(metaPolicy)\">")
        let file = folder.appending(path: "\(name).html")
        try Data(page.utf8).write(to: file)
        return file
    }

    /// Renders `file` to a screenshot in `folder`, returning the console lines Chromium logged and the screenshot.
    static func render(_ file: URL, name: String, in folder: URL) throws -> (console: [String], screenshot: URL) {
        let screenshots = ProcessInfo.processInfo.environment["VIGIL_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
        let screenshot = (screenshots ?? folder).appending(path: "\(name).png")
        let log = try Browser.runLogging([
            "--window-size=1280,3000", "--screenshot=\(screenshot.path)", file.absoluteString,
        ])
        return (log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }, screenshot)
    }

    @Test("overview, region, ICB, organisation and alert pages render with no console message")
    func pages() async throws {
        #expect(Browser.available, "VIGIL_BROWSER_TESTS=1 but no chromium on PATH")
        try await SignInTests.withService { service, client in
            let alert = try await AlertPageTests.issue(service)
            try await ScopedAggregateTests.seed(service)
            let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-pages-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let pages = [
                ("overview", "/"), ("region", "/regions/Y56"), ("icb", "/regions/QE1"),
                ("organisation", "/organisations/RXX"), ("alerts", "/alerts"), ("alert", "/alerts/\(alert.id)"),
            ]
            for (name, uri) in pages {
                let response = try await PageClient.get(client, uri, session: session)
                #expect(response.status == .ok, "\(uri)")
                let policy = try #require(response.headers[.contentSecurityPolicy])
                let file = try Self.save(String(buffer: response.body), policy: policy, name: name, in: folder)
                let (console, screenshot) = try Self.render(file, name: name, in: folder)
                #expect(console.isEmpty, "\(uri) logged: \(console)")
                let png = try Data(contentsOf: screenshot)
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(uri): no screenshot")
            }
            // The control: the same policy blocks an inline script, and Chromium says so on the console.
            let control = try Self.save(
                "<!doctype html><html><head><title>control</title></head><body><script>1</script></body></html>",
                policy: "default-src 'none'", name: "control", in: folder)
            #expect(!(try Self.render(control, name: "control", in: folder).console.isEmpty))
        }
    }
}
