import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilReport
import VigilTestSupport

/// Coverage is what the analyzers used: each area is assessed exactly when its evidence is in the bundle, and the
/// basis never asks for evidence that was used ("provide ACL exports" beside a finding drawn from one).
@Suite("Coverage computed from the evidence the analyzers used")
struct CoverageTests {
    /// A variant of a full synthetic practice bundle: files removed, or the manifest's scan section dropped.
    struct Variant: Sendable, CustomStringConvertible {
        var description: String
        var remove: [String] = []
        var dropScan = false
        var expected: [AssessmentArea: Coverage.Status]
        /// Words the basis of an area must contain, and words it must not.
        var basisContains: [AssessmentArea: String] = [:]
        var basisLacks: [AssessmentArea: String] = [:]
    }

    static let variants: [Variant] = [
        Variant(
            description: "everything",
            expected: [.accounts: .assessed, .credentials: .assessed, .access: .assessed, .wormExposure: .notAssessed],
            basisContains: [.access: "effective read access", .wormExposure: "MS17-010 and SMBv1 state is under"],
            basisLacks: [.access: "no permission export"]),
        Variant(
            description: "no ACL exports", remove: ["acl"],
            expected: [.accounts: .assessed, .access: .notAssessed],
            basisContains: [.access: "missing: ACL exports"]),
        Variant(
            description: "ACL exports but no scan", dropScan: true,
            expected: [.patientData: .notAssessed, .access: .notAssessed],
            basisContains: [.access: "missing: a file-share scan"]),
        Variant(
            description: "no scan and no ACL exports", remove: ["acl"], dropScan: true,
            expected: [.patientData: .notAssessed, .access: .notAssessed],
            basisContains: [.access: "missing: ACL exports (icacls, Get-Acl) of the shares; a file-share scan"]),
        Variant(
            description: "no hash dump", remove: ["ntds.ntds"],
            expected: [.accounts: .assessed, .credentials: .notAssessed]),
        Variant(
            description: "no directory export", remove: ["directory.ldif"],
            expected: [.accounts: .notAssessed, .access: .notAssessed],
            basisContains: [.access: "missing: a directory export"]),
        Variant(
            description: "no host inventories", remove: ["inventory"],
            expected: [.updates: .notAssessed, .accounts: .assessed, .wormExposure: .notAssessed],
            basisContains: [
                .wormExposure:
                    "needs a network scan (nmap XML), which Vigil does not read yet; host inventories (systeminfo"
            ]),
    ]

    static let template: SyntheticBundles.Bundle? = try? SyntheticBundles.make(
        seed: 21, staff: 40, layout: .practice, shareFiles: 12, inventories: true)

    @Test("each area's coverage follows the evidence in the bundle", arguments: variants)
    func coverage(variant: Variant) async throws {
        let template = try #require(Self.template)
        let scratch = try ScratchDirectory("vigil-coverage")
        defer { scratch.remove() }
        let bundle = scratch.url.appendingPathComponent("estate")
        try FileManager.default.copyItem(at: template.directory, to: bundle)
        for path in variant.remove {
            try FileManager.default.removeItem(at: bundle.appendingPathComponent(path))
        }
        if variant.dropScan {
            let manifest = bundle.appendingPathComponent("vigil.yaml")
            let text = try String(contentsOf: manifest, encoding: .utf8)
            let kept = try #require(text.components(separatedBy: "\nscan:").first)
            try kept.write(to: manifest, atomically: true, encoding: .utf8)
        }
        let assessment = try await AssessmentEngine().assess(
            directory: bundle, options: .init(asOf: SyntheticBundles.asOf, breachIndex: template.breachIndex.path))
        let coverage = Dictionary(uniqueKeysWithValues: assessment.coverage.map { ($0.area, $0) })
        #expect(Set(coverage.keys) == Set(AssessmentArea.allCases))
        for (area, status) in variant.expected {
            #expect(coverage[area]?.status == status, "\(area): \(coverage[area]?.basis ?? "")")
        }
        for (area, words) in variant.basisContains {
            #expect(coverage[area]?.basis.contains(words) == true, "\(area): \(coverage[area]?.basis ?? "")")
        }
        for (area, words) in variant.basisLacks {
            #expect(coverage[area]?.basis.contains(words) == false, "\(area): \(coverage[area]?.basis ?? "")")
        }
        // Whatever the bundle, no patient-data finding draws on permissions while access says none were provided.
        let usedPermissions = assessment.findings.contains { $0.rule == .patientListBroadAccess }
        if usedPermissions { #expect(coverage[.access]?.basis.contains("ACL exports") == false) }
    }
}

/// Reference data left in a bundle is named with the command that makes it usable, never "not recognised".
@Suite("Reference files in a bundle")
struct ReferenceFileTests {
    @Test("a Pwned Passwords corpus, WES-NG definitions, a breach index and a database are each explained")
    func explained() async throws {
        let scratch = try ScratchDirectory("vigil-reference-files")
        defer { scratch.remove() }
        try FileManager.default.copyItem(
            at: Fixtures.url("ad-estate-sample/directory.ldif"),
            to: scratch.url.appendingPathComponent("directory.ldif"))
        // Synthetic lines in the corpus's shape (an NTLM download and a SHA-1 range file), not real hashes.
        try scratch.write(
            "pwned-passwords-ntlm.txt",
            (0..<8).map { "\(String(repeating: String($0), count: 32)):\($0 + 3)\r\n" }.joined())
        try scratch.write(
            "range/00000.txt", (0..<3).map { "\(String(repeating: "A\($0)", count: 17))B:\($0 + 1)\n" }.joined())
        // A zip's local header whose first entry is WES-NG's CVE table.
        let entry = Array("CVEs_20250101.csv".utf8)
        var zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 22)
        zip += [UInt8(entry.count), 0, 0, 0] + entry + [0x00, 0xFF, 0x10]
        try Data(zip).write(to: scratch.url.appendingPathComponent("wes.zip"))
        try Data(Array("VIGILBIX".utf8) + [0, 2, 0, 0]).write(to: scratch.url.appendingPathComponent("corpus.vbi"))
        try Data(Array("SQLite format 3".utf8) + [0, 1, 2]).write(to: scratch.url.appendingPathComponent("adv.db"))
        // Vigil's own outputs kept beside a scan.json: a scan's CSV, HTML and state file.
        try scratch.write("scan/scan.csv", "path,classification,patients,confidence,identifier,count\n")
        try scratch.write(
            "scan/scan.html",
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta name=\"generator\" content=\"vigil\">\n<title>Patient data scan</title>\n"
        )
        try Data(Array("SQLite format 3".utf8) + [0, 1, 2]).write(
            to: scratch.url.appendingPathComponent("scan/.vigil-scan-state.sqlite"))
        // A real patient list (NHS England's breast screening extract) and a tab-separated one put among the exports.
        try FileManager.default.copyItem(
            at: Fixtures.url("real-share/records/dtos-bss-20240601121212-n10.csv"),
            to: scratch.url.appendingPathComponent("dtos.csv"))
        try scratch.write("clinic.tsv", "Name\tNHS_No\tDOB\nJane Smith\t4010232137\t12/03/1956\n")
        // An assessment's reports written into the bundle (`--out` inside it), read by the next run: the JSON and
        // the two lists of a practice with access logs.
        let template = try #require(CoverageTests.template)
        let earlier = try await AssessmentEngine().assess(
            directory: template.directory,
            options: .init(asOf: SyntheticBundles.asOf, breachIndex: template.breachIndex.path))
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("report"), withIntermediateDirectories: true)
        try JSONReportRenderer.render(earlier).write(to: scratch.url.appendingPathComponent("report/assessment.json"))
        for (id, file) in TableCSVRenderer.files {
            let table = try #require(earlier.tables.first { $0.id == id }, "\(id)")
            try Data(TableCSVRenderer.render(table)).write(to: scratch.url.appendingPathComponent("report/\(file)"))
        }
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: SyntheticBundles.asOf))
        let reasons = Dictionary(uniqueKeysWithValues: assessment.evidence.unrecognised.map { ($0.path, $0.reason) })
        for file in ["assessment.json"] + TableCSVRenderer.files.map(\.file) {
            #expect(reasons["report/\(file)"] == "a vigil report (\(file)), not evidence")
        }
        #expect(reasons["pwned-passwords-ntlm.txt"]?.contains("vigil corpus build") == true)
        #expect(reasons["range/00000.txt"]?.contains("vigil corpus build") == true)
        #expect(reasons["wes.zip"]?.contains("vigil advisories import") == true)
        #expect(reasons["corpus.vbi"]?.contains("--breach-index") == true)
        #expect(reasons["adv.db"]?.contains("--advisories") == true)
        #expect(reasons["scan/scan.csv"]?.hasPrefix("a vigil scan report (scan.csv)") == true)
        #expect(reasons["scan/scan.html"]?.hasPrefix("a vigil scan report (scan.html)") == true)
        #expect(reasons["scan/.vigil-scan-state.sqlite"]?.hasPrefix("vigil scan's state file") == true)
        for list in ["dtos.csv", "clinic.tsv"] {
            #expect(reasons[list]?.hasPrefix("a table with an NHS number column") == true, "\(list)")
            #expect(reasons[list]?.contains("vigil scan") == true)
        }
        #expect(assessment.evidence.files.map(\.path) == ["directory.ldif"])
    }
}

/// A `scan.json` put in a bundle is evidence: joined with the bundle's ACL exports by the Windows path it recorded.
@Suite("vigil scan's report as evidence")
struct ScanReportEvidenceTests {
    @Test("scan.json beside an icacls export gives the patient-list findings a scan section gives")
    func joined() async throws {
        let template = try #require(CoverageTests.template)
        let scratch = try ScratchDirectory("vigil-scan-json")
        defer { scratch.remove() }
        let bundle = scratch.url.appendingPathComponent("estate")
        try FileManager.default.copyItem(at: template.directory, to: bundle)
        let withSection = try await AssessmentEngine().assess(
            directory: bundle, options: .init(asOf: SyntheticBundles.asOf, breachIndex: template.breachIndex.path))
        // The same scan, written by the scanner as scan.json, and the manifest's scan section removed.
        let scans = withSection.findings.filter { $0.rule.rawValue.hasPrefix("VGL-PD-") }
        #expect(!scans.isEmpty)
        let manifest = bundle.appendingPathComponent("vigil.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\nscan:").last)
        try #require(text.components(separatedBy: "\nscan:").first).write(
            to: manifest, atomically: true, encoding: .utf8)
        let collected = try await AssessmentEngine().collect(
            EvidenceBundle(directory: template.directory), asOf: SyntheticBundles.asOf)
        let report = FileScanReport(
            scannedAt: SyntheticBundles.asOf, roots: collected.estate.fileScans,
            totals: FileScanTotals(files: collected.estate.fileScans.reduce(0) { $0 + $1.files }),
            exposures: collected.estate.patientData, problems: [], problemCount: 0,
            performance: FileScanPerformance(seconds: 1, bytesRead: 0, jobs: 1))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(report).write(to: bundle.appendingPathComponent("scan.json"))
        #expect(section.contains("acl-path"))
        let fromJSON = try await AssessmentEngine().assess(
            directory: bundle, options: .init(asOf: SyntheticBundles.asOf, breachIndex: template.breachIndex.path))
        #expect(fromJSON.evidence.files.contains { $0.path == "scan.json" && $0.format == "vigil-scan" })
        let found = fromJSON.findings.filter { $0.rule.rawValue.hasPrefix("VGL-PD-") }
        #expect(found.map(\.fingerprint).sorted() == scans.map(\.fingerprint).sorted())
        #expect(
            found.contains { $0.rule == .patientListBroadAccess }
                == scans.contains { $0.rule == .patientListBroadAccess })
    }

    @Test("each file's read time sits beside that file, in the inventory's order by path; scanned folders took none")
    func readTimesFollowTheInventory() async throws {
        let template = try #require(CoverageTests.template)
        let collected = try await AssessmentEngine().collect(
            EvidenceBundle(directory: template.directory), asOf: SyntheticBundles.asOf)
        let files = collected.inventory.files
        #expect(collected.readTimes.count == files.count)
        #expect(files.contains { $0.format == "file-scan" })
        for (file, elapsed) in zip(files, collected.readTimes) {
            #expect((elapsed == .zero) == (file.format == "file-scan"), "\(file.path)")
        }
    }
}
