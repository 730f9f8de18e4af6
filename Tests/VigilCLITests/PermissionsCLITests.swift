import Foundation
import Glibc
import Testing
import VigilReport
import VigilTestSupport

/// Everything Vigil writes is owner-only: reports list weak and privileged accounts and where patient data lies.
@Suite("files Vigil writes are owner-only", .serialized)
struct PermissionsCLITests {
    static func mode(_ url: URL) -> mode_t {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { return 0o7777 }
        return status.st_mode & 0o777
    }

    @Test("assess, scan (reports, state, --locations) and advisories import create 0600 files in 0700 folders")
    func modes() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // The test process's umask (usually 022) would give 0644 files and 0755 folders to a plain writer.
        let out = scratch.url.appendingPathComponent("reports/assess")
        let assess = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--out", out.path, "--as-of", "2026-11-01",
            "--format", ReportFormat.allCases.map(\.rawValue).joined(separator: ","),
        ])
        #expect(assess.status == 0, "\(assess.error)")
        #expect(Self.mode(out) == 0o700 && Self.mode(out.deletingLastPathComponent()) == 0o700)
        for format in ReportFormat.allCases {
            #expect(Self.mode(out.appendingPathComponent(format.fileName)) == 0o600, "\(format.fileName)")
        }
        // A report written over an existing, world-readable one is owner-only too.
        let html = out.appendingPathComponent(ReportFormat.html.fileName)
        chmod(html.path, 0o644)
        _ = try VigilProcess.run(["assess", Fixtures.url("ad-estate-sample").path, "--out", out.path, "-q"])
        #expect(Self.mode(html) == 0o600)

        try scratch.write("share/list.txt", "NHS No: 401 023 2137\n")
        let scanOut = scratch.url.appendingPathComponent("scan-out")
        let locations = scratch.url.appendingPathComponent("locations.jsonl")
        let scan = try VigilProcess.run([
            "scan", scratch.url.appendingPathComponent("share").path, "--out", scanOut.path, "--locations",
            locations.path, "-q",
        ])
        #expect(scan.status == 0, "\(scan.error)")
        #expect(Self.mode(scanOut) == 0o700)
        for format in ScanReportFormat.allCases {
            #expect(Self.mode(scanOut.appendingPathComponent(format.fileName)) == 0o600, "\(format.fileName)")
        }
        #expect(Self.mode(scanOut.appendingPathComponent(".vigil-scan-state.sqlite")) == 0o600)
        #expect(Self.mode(locations) == 0o600)

        let database = scratch.url.appendingPathComponent("advisories.sqlite")
        let imported = try VigilProcess.run([
            "advisories", "import", Fixtures.url("advisories/kev-sample.csv").path, "-o", database.path,
        ])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(Self.mode(database) == 0o600)
    }
}
