import Foundation
import Testing
import VigilAnalyzers
import VigilCore

@Suite("Patient-data analysis")
struct PatientDataTests {
    static let asOf = CivilDate.date(year: 2026, month: 11, day: 1)
    static let source = EvidenceReference(file: "acl/fs01-icacls.txt", line: 1)

    static func exposure(
        _ path: String, _ classification: PatientDataClassification, patients: Int, host: String? = "FS01"
    ) -> PatientDataExposure {
        PatientDataExposure(
            path: "shares/clinical/\(path)",
            aclPath: "D:\\Shares\\Clinical\\" + path.replacingOccurrences(of: "/", with: "\\"),
            host: host, bytes: 1_000, format: "csv", classification: classification, patients: patients,
            confidence: .high,
            identifiers: [
                IdentifierTally(
                    kind: .nhsNumber, count: patients, distinct: patients, confidence: .high, sample: "401 *** **37",
                    location: ContentLocation(line: 2))
            ])
    }

    static func grant(_ path: String, _ principal: String, _ right: Grant.Right = .read) -> Grant {
        Grant(resourceID: "D:\\Shares\\Clinical" + path, principal: principal, right: right, source: source)
    }

    static func analyse(
        _ exposures: [PatientDataExposure], grants: [Grant] = [], hosts: [Machine] = [], accounts: [Account] = [],
        failed: Int = 0
    ) -> AnalyzerOutput {
        let estate = Estate(
            organisation: .unnamed, accounts: accounts, hosts: hosts, grants: grants,
            fileScans: [
                FileScanRecord(
                    root: "shares/clinical", aclRoot: "D:\\Shares\\Clinical", host: "FS01", files: 100, bytes: 1 << 20,
                    filesRead: 90, filesSkipped: 10 - failed, filesFailed: failed)
            ], patientData: exposures)
        return PatientDataAnalyzer().analyze(AnalysisContext(estate: estate, asOf: asOf))
    }

    func rules(_ output: AnalyzerOutput) -> [String] {
        output.findings.map { "\($0.rule.rawValue) \($0.subject.name)" }.sorted()
    }

    func metric(_ output: AnalyzerOutput, _ id: String) -> Int? { output.metrics.first { $0.id == id }?.value }

    @Test(
        "a patient list readable by a broad group (by name or SID, on the file or a folder above it) is critical",
        arguments: [
            "RIVERSIDE\\Domain Users", "Everyone", "NT AUTHORITY\\Authenticated Users", "BUILTIN\\Users",
            "S-1-5-21-1004336348-1177238915-682003330-513", "S-1-1-0",
        ])
    func broadAccess(principal: String) {
        let output = Self.analyse(
            [Self.exposure("Lists/clinic.csv", .patientList, patients: 40)],
            grants: [Self.grant("", "RIVERSIDE\\Clinical Staff", .modify), Self.grant("\\Lists", principal)])
        #expect(
            rules(output) == [
                "VGL-PD-BROAD-ACCESS shares/clinical/Lists/clinic.csv",
                "VGL-PD-PATIENT-LIST shares/clinical/Lists/clinic.csv",
            ])
        let broad = output.findings.first { $0.rule == .patientListBroadAccess }
        #expect(broad?.severity == .critical)
        #expect(broad?.related.map(\.name) == [principal])
        #expect(broad?.detail.contains("D:\\Shares\\Clinical\\Lists") == true)
        #expect(metric(output, "patients.lists-broadly-readable") == 1)
        #expect(output.headlines.first?.severity == .critical)
        #expect(output.coverage.first?.status == .assessed)
    }

    @Test("Domain Users of another domain (by SID) is broad, but named as that domain's, not the organisation's")
    func foreignDomainUsers() {
        let directory = [
            Account(
                name: "ann", domain: "RIVERSIDE", sid: SecurityIdentifier("S-1-5-21-1111-2222-3333-1105"),
                source: .init(file: "directory.ldif", line: 1))
        ]
        let list = Self.exposure("Lists/clinic.csv", .patientList, patients: 40)
        let foreign = Self.analyse(
            [list], grants: [Self.grant("\\Lists", "S-1-5-21-1004336348-1177238915-682003330-513")],
            accounts: directory)
        let broad = foreign.findings.first { $0.rule == .patientListBroadAccess }
        #expect(broad?.severity == .critical)
        #expect(broad?.detail.contains("every user of another domain can open it") == true, "\(broad?.detail ?? "")")
        #expect(broad?.detail.contains("everyone in the organisation") == false)
        #expect(broad?.facts["readableBy"] == "Domain Users of another domain")
        // The directory's own Domain Users, by SID, is everyone in the organisation.
        let own = Self.analyse(
            [list], grants: [Self.grant("\\Lists", "S-1-5-21-1111-2222-3333-513")], accounts: directory)
        let ownBroad = own.findings.first { $0.rule == .patientListBroadAccess }
        #expect(ownBroad?.detail.contains("everyone in the organisation can open it") == true)
        #expect(ownBroad?.facts["readableBy"] == "Domain Users")
    }

    @Test("restricted groups, and broad groups that may only write, do not make a list broadly readable")
    func restricted() {
        let output = Self.analyse(
            [Self.exposure("Lists/clinic.csv", .patientList, patients: 40)],
            grants: [
                Self.grant("", "RIVERSIDE\\Clinical Staff", .modify), Self.grant("\\Lists", "Everyone", .write),
                Self.grant("\\Lists", "RIVERSIDE\\Clinical Staff", .modify),
            ])
        #expect(rules(output) == ["VGL-PD-PATIENT-LIST shares/clinical/Lists/clinic.csv"])
        #expect(output.findings.first?.detail.contains("Readable by RIVERSIDE\\Clinical Staff") == true)
        #expect(output.headlines.first?.severity == .medium)
    }

    @Test("bulk exports are their own rule; single identifiers and test data are counted, not findings")
    func classifications() {
        let output = Self.analyse([
            Self.exposure("export.csv", .bulkExport, patients: 52_000),
            Self.exposure("letter.txt", .singleIdentifier, patients: 1),
            Self.exposure("test.csv", .testData, patients: 0),
        ])
        #expect(rules(output) == ["VGL-PD-BULK-EXPORT shares/clinical/export.csv"])
        #expect(output.findings.first?.severity == .high)
        #expect(metric(output, "patients.bulk-exports") == 1)
        #expect(metric(output, "patients.single-identifier-files") == 1)
        #expect(metric(output, "patients.test-data-files") == 1)
        #expect(metric(output, "patients.in-lists") == 52_000)
        #expect(metric(output, "patients.lists-permissions-unknown") == 1)
        #expect(output.coverage.first?.status == .partial)
        #expect(output.coverage.first?.basis.contains("who can read 1 of 1 patient list is not known") == true)
    }

    @Test("a patient list on a host whose disk is not encrypted is a finding, and the headline says so")
    func unencrypted() {
        let hosts = [
            Machine(name: "FS01", diskEncrypted: false, sources: [EvidenceReference(file: "osquery.json")]),
            Machine(name: "FS02", diskEncrypted: true, sources: []),
        ]
        let output = Self.analyse(
            [
                Self.exposure("a.csv", .patientList, patients: 10),
                Self.exposure("b.csv", .patientList, patients: 10, host: "FS02"),
                Self.exposure("c.csv", .patientList, patients: 10, host: "fs01"),
            ], hosts: hosts)
        #expect(
            rules(output).filter { $0.hasPrefix("VGL-PD-UNENCRYPTED-DISK") } == [
                "VGL-PD-UNENCRYPTED-DISK shares/clinical/a.csv", "VGL-PD-UNENCRYPTED-DISK shares/clinical/c.csv",
            ])
        #expect(output.headlines.contains { $0.text == "2 patient lists sit on FS01, whose disk is not encrypted." })
        #expect(
            output.findings.first { $0.rule == .patientList && $0.subject.name.hasSuffix("a.csv") }?.detail.contains(
                "not encrypted") == true)
    }

    @Test("without a scan the area is not assessed; with one and no lists, the headline says nothing was found")
    func coverage() {
        #expect(
            PatientDataAnalyzer().analyze(AnalysisContext(estate: Estate(organisation: .unnamed), asOf: Self.asOf))
                .coverage.isEmpty)
        let output = Self.analyse([Self.exposure("letter.txt", .singleIdentifier, patients: 1)], failed: 2)
        #expect(output.findings.isEmpty)
        #expect(
            output.headlines.map(\.text) == [
                "No file lists patients in the 90 files read; 1 file holds one or a few patients' identifiers."
            ])
        #expect(output.coverage.first?.status == .partial)
        // Files found, read and not read (skipped formats) are each a number the report states, and add up.
        func value(_ id: String) -> Int? { output.metrics.first { $0.id == id }?.value }
        #expect(value("patients.files-scanned") == 100 && value("patients.files-read") == 90)
        #expect(value("patients.files-not-read") == 8)
        let basis = output.coverage.first?.basis ?? ""
        #expect(basis.hasPrefix("90 of 100 files in 1 folder tree read"))
        #expect(
            basis.contains("8 files in formats the scan does not read") && basis.contains("2 files could not be read"))
    }

    @Test("a scan that read no file is not assessed, with no pass headline; an empty folder tree makes a scan partial")
    func emptyScan() {
        func analyse(_ records: [FileScanRecord]) -> AnalyzerOutput {
            let estate = Estate(organisation: .unnamed, fileScans: records)
            return PatientDataAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        }
        let empty = FileScanRecord(
            root: "shares/clinical", aclRoot: nil, host: nil, files: 0, bytes: 0, filesRead: 0, filesSkipped: 0,
            filesFailed: 0)
        let nothing = analyse([empty])
        #expect(nothing.coverage.first?.status == .notAssessed)
        #expect(nothing.coverage.first?.basis.contains("held no file at all (a share not mounted") == true)
        #expect(nothing.headlines.isEmpty)
        var full = empty
        full.root = "shares/admin"
        full.files = 10
        full.filesRead = 10
        let partly = analyse([empty, full])
        #expect(partly.coverage.first?.status == .partial)
        #expect(partly.headlines.map(\.text) == ["No file lists patients in the 10 files read."])
    }

    @Test("no finding, metric or headline carries an identifier: only masked samples")
    func masked() {
        let output = Self.analyse([Self.exposure("a.csv", .patientList, patients: 10)])
        let text = output.findings.map { "\($0.detail) \($0.facts)" }.joined() + output.headlines.map(\.text).joined()
        #expect(text.contains("401 *** **37"))
        #expect(text.firstMatch(of: /[0-9]{10}/) == nil)
    }
}
