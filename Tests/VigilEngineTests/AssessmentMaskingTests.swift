import Foundation
import Testing
import VigilCore
import VigilScan
import VigilTestSupport

@testable import VigilEngine

/// Names the analyses need whole (an account named with a patient's number) are masked before the assessment is put
/// together: in subjects, their ids and fingerprints, details, text facts, tables, headlines and covered ids; only the
/// issued numbers names hold.
@Suite("masking names in the assessment")
struct AssessmentMaskingTests {
    /// Two portal accounts whose numbers mask alike (`704 *** **73`), and an account known by its SID, one of whose
    /// sub-authorities passes the check digit.
    static let first = Subject(kind: .account, id: "riverside\\pt7041386473", name: "RIVERSIDE\\pt7041386473")
    static let second = Subject(kind: .account, id: "riverside\\pt7041000273", name: "RIVERSIDE\\pt7041000273")
    static let bySID = Subject(
        kind: .account, id: "S-1-5-21-4010232137-1004336348-1177238915-1104", name: "RIVERSIDE\\amy.hall")

    static func finding(_ subject: Subject, related: [Subject]) -> Finding {
        Finding(
            rule: .sharedPassword, subject: subject, detail: "\(subject.name) shares its password.", evidence: [],
            related: related, facts: ["accounts": "7041386473", "sharedGroup": "group of \(subject.name)"])
    }

    @Test("numbers in names are masked everywhere, colliding ones told apart; SIDs and numeric facts are left whole")
    func masksNames() {
        var findings = [
            Self.finding(Self.first, related: [Self.second, Self.bySID]),
            Self.finding(Self.bySID, related: [Self.first]),
        ]
        var tables = [
            SummaryTable(
                id: "t", area: .credentials, title: "T", columns: ["account"], rows: [[Self.second.name]])
        ]
        var headlines = [Headline(area: .credentials, text: "\(Self.first.name) is weak.", severity: .high)]
        var covered = [
            CoveredSubjects(
                area: .credentials, kind: .account, complete: false,
                ids: [Self.bySID.id, Self.first.id, Self.second.id].sorted())
        ]
        var metrics = [
            Metric(
                id: "access.widest-grant-1", label: "Widest grant (\(Self.first.name) on D:\\Clinical)", value: 6,
                note: "\(Self.second.name) next")
        ]
        var coverage = [Coverage(area: .access, status: .partial, basis: "grants of \(Self.first.name) read")]
        let unmaskedFingerprint = findings[0].fingerprint
        // The names the evidence gives: the two portal accounts, and a host whose asset number passes the check
        // digit but is in no issued range (943…).
        let masking = AssessmentMasking(names: [Self.first.name, Self.second.name, Self.bySID.name, "PC9434765919"])
        masking.mask(
            findings: &findings, tables: &tables, headlines: &headlines, metrics: &metrics, coverage: &coverage,
            covered: &covered)
        #expect(masking.text("PC9434765919 and 4010232137") == "PC9434765919 and 4010232137")
        #expect(AssessmentMasking(names: ["amy.hall", "PC9434765919"]).isEmpty)

        let first = findings[0]
        #expect(first.subject.name == "RIVERSIDE\\pt704 *** **73~2")
        #expect(first.subject.id == "riverside\\pt704 *** **73~2")
        #expect(first.related.map(\.id) == ["riverside\\pt704 *** **73~1", Self.bySID.id])
        #expect(first.detail == "RIVERSIDE\\pt704 *** **73~2 shares its password.")
        #expect(first.facts["sharedGroup"] == "group of RIVERSIDE\\pt704 *** **73~2")
        #expect(first.facts["accounts"] == "7041386473")  // a count, not a name
        #expect(first.fingerprint != unmaskedFingerprint)
        #expect(first.fingerprint == Finding.fingerprint(rule: first.rule, subject: first.subject))
        #expect(findings[1].subject == Self.bySID)
        #expect(findings[1].fingerprint == Finding.fingerprint(rule: .sharedPassword, subject: Self.bySID))
        #expect(tables[0].rows == [["RIVERSIDE\\pt704 *** **73~1"]])
        #expect(headlines[0].text == "RIVERSIDE\\pt704 *** **73~2 is weak.")
        // Told apart, the two are never covered: which is `~1` may change with the next run's names.
        #expect(covered[0].ids == [Self.bySID.id])
        #expect(metrics[0].label == "Widest grant (RIVERSIDE\\pt704 *** **73~2 on D:\\Clinical)")
        #expect(metrics[0].note == "RIVERSIDE\\pt704 *** **73~1 next")
        #expect(coverage[0].basis == "grants of RIVERSIDE\\pt704 *** **73~2 read")
        let everything = "\(findings) \(tables) \(headlines) \(metrics) \(coverage) \(covered)"
        // Only the two count facts hold a number whole.
        #expect(everything.components(separatedBy: "7041386473").count - 1 == 2)
        #expect(!everything.contains("7041000273"))
    }

    @Test("a folder with a permission found for a principal so named is not covered: its mask may change next run")
    func permissionFolderWithheld() {
        let principal = "RIVERSIDE\\pt7041386473"
        var findings = [
            Finding(
                rule: .accessWideGrant, subject: Subject(kind: .resource, id: "\\\\srv\\x|\(principal)", name: "x"),
                detail: "", evidence: []),
            Finding(
                rule: .accessWideGrant,
                subject: Subject(kind: .resource, id: "\\\\srv\\y|RIVERSIDE\\amy.hall", name: "y"), detail: "",
                evidence: []),
        ]
        var tables: [SummaryTable] = []
        var headlines: [Headline] = []
        var covered = [
            CoveredSubjects(area: .access, kind: .resource, ids: ["\\\\srv\\x", "\\\\srv\\y", "\\\\srv\\z"])
        ]
        var metrics: [Metric] = []
        var coverage: [Coverage] = []
        AssessmentMasking(names: [principal]).mask(
            findings: &findings, tables: &tables, headlines: &headlines, metrics: &metrics, coverage: &coverage,
            covered: &covered)
        #expect(findings[0].subject.id == "\\\\srv\\x|RIVERSIDE\\pt704 *** **73")
        #expect(covered[0].ids == ["\\\\srv\\y", "\\\\srv\\z"])
        #expect(PathMasking.isSID("S-1-5-21-4010232137-1-2-1104"))
        // A field that is only SID-shaped is masked whole as any name is: a ten-digit first sub-authority is no SID's.
        #expect(!PathMasking.isSID("S-1-5-4010232137") && !PathMasking.isSID("S-1-5-4010232137-1104"))
        #expect(AssessmentMasking(names: ["S-1-5-4010232137"]).text("S-1-5-4010232137") == "S-1-5-401 *** **37")
        #expect(
            !PathMasking.isSID("S-1-4010232137") && !PathMasking.isSID("S-1-5-")
                && !PathMasking.isSID("S-1-5"))
    }

    @Test("a group named with a number, granted a scanned folder of patients: the widest-grant metric masks it too")
    func metricLabels() async throws {
        // A red team's case: the access analyzer names the widest grant's principal in a metric's label.
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let number = "4014242420"
        let directory = try String(contentsOf: Fixtures.url("ad-estate-sample/directory.ldif"), encoding: .utf8)
        _ = try scratch.write(
            "directory.ldif",
            directory.trimmingCharacters(in: .newlines) + """


                dn: CN=Carers \(number),OU=Groups,DC=riverside,DC=nhs,DC=local
                objectClass: group
                cn: Carers \(number)
                sAMAccountName: Carers \(number)
                member: CN=Amy Hall (amy.hall),OU=Staff,DC=riverside,DC=nhs,DC=local

                """)
        let folder = #"D:\Shares\Clinical"#
        _ = try scratch.write(
            "icacls.txt",
            "\(folder) RIVERSIDE\\Carers \(number):(OI)(CI)(M)\n"
                + String(repeating: " ", count: folder.count + 1) + "NT AUTHORITY\\SYSTEM:(OI)(CI)(F)\n\n")
        let assessment = try await Self.assessWithPatientList(scratch, at: "list.csv", aclPath: folder)
        let widest = try #require(assessment.metrics.first { $0.label.contains("Carers") })
        #expect(widest.label.contains("Carers 401 *** **20"), "\(widest.label)")
        let json = String(decoding: try JSONEncoder().encode(assessment), as: UTF8.self)
        #expect(!json.contains(number))
    }

    @Test("numbers in a role export's roles, scopes, applications and permissions are masked like names")
    func roleTexts() {
        let source = EvidenceReference(file: "roles.csv")
        let estate = Estate(
            organisation: .unnamed,
            roleAssignments: [
                RoleAssignment(
                    user: "amy.hall", role: "Viewer 4014242420", scope: "Patient 7041386473", application: "EPR",
                    source: source)
            ],
            rolePermissions: [
                RolePermission(
                    role: "Viewer 4014242420", permission: "Read record 4010232137", sensitivity: nil,
                    application: "App9434765919", source: source)
            ])
        let masking = AssessmentMasking(estate: estate)
        #expect(
            masking.text("Viewer 4014242420 (Patient 7041386473): Read record 4010232137")
                == "Viewer 401 *** **20 (Patient 704 *** **73): Read record 401 *** **37")
        // 943… is in no issued range: an application's asset number stays.
        #expect(masking.text("App9434765919") == "App9434765919")
    }

    @Test("a folder named with one patient's number and an account with another's that masks alike are told apart")
    func pathsAndNamesToldApart() async throws {
        // A red team's case: the folder and the account were both shown as `405 *** **05`, one patient's to read.
        let valid = (UInt64(4_050_374_000)..<4_050_384_000).filter { HealthNumber.isValid($0) }
        let folderNumber = try #require(valid.first)
        let accountNumber = try #require(valid.first { $0 != folderNumber && $0 % 100 == folderNumber % 100 })
        #expect(HealthNumber.masked(folderNumber) == HealthNumber.masked(accountNumber))
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let directory = try String(contentsOf: Fixtures.url("ad-estate-sample/directory.ldif"), encoding: .utf8)
        _ = try scratch.write(
            "directory.ldif",
            directory.trimmingCharacters(in: .newlines) + """


                dn: CN=pt\(accountNumber),OU=Staff,DC=riverside,DC=nhs,DC=local
                objectClass: user
                sAMAccountName: pt\(accountNumber)
                userAccountControl: 512

                """)
        let folder = #"D:\Shares\Clinical\"# + "\(folderNumber) Smith"
        _ = try scratch.write(
            "icacls.txt",
            "\(folder) RIVERSIDE\\pt\(accountNumber):(OI)(CI)(F)\n"
                + String(repeating: " ", count: folder.count + 1) + "Everyone:(OI)(CI)(RX)\n\n")
        // The folder holds a patient list, so its permissions are findings.
        let assessment = try await Self.assessWithPatientList(
            scratch, at: "\(folderNumber) Smith/list.csv", aclPath: #"D:\Shares\Clinical"#)
        let json = String(decoding: try JSONEncoder().encode(assessment), as: UTF8.self)
        let mask = HealthNumber.masked(folderNumber)
        #expect(json.contains("pt\(mask)~2") && json.contains("Clinical\\\\\(mask)~1 Smith"))
        #expect(!json.contains("pt\(mask)\"") && !json.contains("\(mask) Smith"))
        #expect(!json.contains(String(folderNumber)) && !json.contains(String(accountNumber)))
    }

    /// Assesses the bundle in `scratch` with a scanned share holding a list of six patients at `path`, the share
    /// being `aclPath` in the permission exports.
    static func assessWithPatientList(_ scratch: ScratchDirectory, at path: String, aclPath: String) async throws
        -> Assessment
    {
        // Six numbers from 430 000 000 on that pass the check digit.
        let patients = (UInt64(4_300_000_000)..<4_300_001_000).filter { HealthNumber.isValid($0) }.prefix(6)
        _ = try scratch.write(
            "share/\(path)", "NHS Number,Name\n" + patients.enumerated().map { "\($1),Pat \($0)\n" }.joined())
        _ = try scratch.write(
            "vigil.yaml",
            """
            organisation:
              code: Y99999
              name: Riverside
              kind: gp-practice
            scan:
              paths:
                - path: share
                  acl-path: '\(aclPath)'

            """)
        return try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: CivilDate.date(year: 2026, month: 1, day: 1)))
    }
}
