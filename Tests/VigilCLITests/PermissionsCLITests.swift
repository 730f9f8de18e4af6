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

    @Test("--mode widens the reports deliberately: 640 gives 0640 files in 0750 folders for assess, scan and demo")
    func widened() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("shared/assess")
        let assess = try VigilProcess.run([
            "assess", Fixtures.url("ad-estate-sample").path, "--out", out.path, "--as-of", "2026-11-01", "--mode",
            "640", "-q",
        ])
        #expect(assess.status == 0, "\(assess.error)")
        #expect(Self.mode(out) == 0o750 && Self.mode(out.deletingLastPathComponent()) == 0o750)
        for format in ReportFormat.defaults {
            #expect(Self.mode(out.appendingPathComponent(format.fileName)) == 0o640, "\(format.fileName)")
        }
        // Without --mode the next run narrows them again: the default is never remembered from the files.
        _ = try VigilProcess.run(["assess", Fixtures.url("ad-estate-sample").path, "--out", out.path, "-q"])
        #expect(Self.mode(out.appendingPathComponent(ReportFormat.json.fileName)) == 0o600)

        try scratch.write("share/list.txt", "NHS No: 401 023 2137\n")
        let scanOut = scratch.url.appendingPathComponent("scan-out")
        let scan = try VigilProcess.run([
            "scan", scratch.url.appendingPathComponent("share").path, "--out", scanOut.path, "--mode", "0644", "-q",
        ])
        #expect(scan.status == 0, "\(scan.error)")
        #expect(Self.mode(scanOut) == 0o755)
        for format in ScanReportFormat.allCases {
            #expect(Self.mode(scanOut.appendingPathComponent(format.fileName)) == 0o644, "\(format.fileName)")
        }
        // The state file is a cache nobody else needs: it stays owner-only whatever --mode says.
        #expect(Self.mode(scanOut.appendingPathComponent(".vigil-scan-state.sqlite")) == 0o600)

        let demo = scratch.url.appendingPathComponent("demo")
        let demoRun = try VigilProcess.run([
            "demo", "--out", demo.path, "--trust-staff", "40", "--practices", "0", "--mode", "640", "-q",
        ])
        #expect(demoRun.status == 0, "\(demoRun.error)")
        #expect(Self.mode(demo.appendingPathComponent("index.html")) == 0o640)
        let reports = try FileManager.default.contentsOfDirectory(
            atPath: demo.appendingPathComponent("reports").path)
        #expect(!reports.isEmpty)
        for code in reports {
            let folder = demo.appendingPathComponent("reports").appendingPathComponent(code)
            #expect(Self.mode(folder) == 0o750)
            #expect(Self.mode(folder.appendingPathComponent(ReportFormat.html.fileName)) == 0o640)
            #expect(Self.mode(demo.appendingPathComponent("ground-truth/\(code).json")) == 0o640)
        }
        // Every file and folder the demo made, the synthetic estates' hash dumps and patient lists included.
        #expect(Self.widerThan(demo, files: 0o640, folders: 0o750) == [])
    }

    @Test("the demo's estates (hash dumps, patient lists, inventories) are owner-only like its reports")
    func demoEstates() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let demo = scratch.url.appendingPathComponent("demo")
        let run = try VigilProcess.run(["demo", "--out", demo.path, "--trust-staff", "40", "--practices", "1", "-q"])
        #expect(run.status == 0, "\(run.error)")
        #expect(Self.mode(demo) == 0o700)
        let estates = demo.appendingPathComponent("estates")
        #expect((try FileManager.default.subpathsOfDirectory(atPath: estates.path)).count > 20)
        #expect(Self.widerThan(demo, files: 0o600, folders: 0o700) == [])
    }

    /// The paths under `root` (itself included) whose mode allows more than `files` or `folders`.
    static func widerThan(_ root: URL, files: mode_t, folders: mode_t) -> [String] {
        let paths = [""] + ((try? FileManager.default.subpathsOfDirectory(atPath: root.path)) ?? [])
        return paths.filter { path in
            var status = stat()
            guard lstat(root.appendingPathComponent(path).path, &status) == 0 else { return true }
            let allowed = (status.st_mode & S_IFMT) == S_IFDIR ? folders : files
            return status.st_mode & 0o777 & ~allowed != 0
        }
    }

    @Test(
        "--mode refuses what is not three octal digits, what the owner cannot write and what anyone can write: exit 64",
        arguments: [
            ("666", "anyone"), ("0602", "anyone"), ("777", "anyone"), ("400", "owner"), ("044", "owner"),
            ("64", "octal"), ("0o640", "octal"), ("6400", "octal"), ("680", "octal"), ("-640", "octal"),
            ("", "octal"), ("4755", "octal"),
        ])
    func refused(mode: String, reason: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.url.appendingPathComponent("out")
        for command in [["assess", Fixtures.url("ad-estate-sample").path], ["scan", scratch.url.path], ["demo"]] {
            let result = try VigilProcess.run(command + ["--out", out.path, "--mode=\(mode)", "-q"])
            #expect(result.status == 64, "\(command[0]) --mode \(mode): \(result.status)")
            #expect(result.error.contains("--mode"), "\(result.error)")
            #expect(result.error.contains(reason), "\(command[0]) --mode \(mode): \(result.error)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(command[0]) wrote despite --mode \(mode)")
        }
    }
}
