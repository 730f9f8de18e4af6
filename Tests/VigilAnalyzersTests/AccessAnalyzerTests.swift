import Foundation
import Testing
import VigilAnalyzers
import VigilCore

@Suite("Access to patient data: the headline, the widest permissions, coverage and joined findings")
struct AccessAnalyzerTests {
    static let asOf = CivilDate.date(year: 2026, month: 11, day: 1)

    /// The generated estate with every file node holding patient identifiers.
    static func estate(_ generated: AccessEstate) -> Estate {
        let files = generated.nodes.filter { !$0.isFolder }
        return Estate(
            organisation: .unnamed, accounts: generated.accounts, groups: generated.groups,
            resources: generated.nodes.filter(\.listed).map {
                Resource(
                    id: $0.path, name: $0.path, kind: $0.isFolder ? .folder : .file, classification: .unclassified,
                    source: .init(file: "acl.txt", line: 1))
            },
            grants: generated.grants,
            fileScans: [
                FileScanRecord(
                    root: "data", aclRoot: "\\\\FS\\Data", host: "FS", files: files.count, bytes: 1 << 20,
                    filesRead: files.count, filesSkipped: 0, filesFailed: 0)
            ],
            patientData: files.map { node in
                PatientDataExposure(
                    path: node.path, aclPath: node.path, bytes: 1_000, format: "csv", classification: .patientList,
                    patients: 10, confidence: .high,
                    identifiers: [
                        IdentifierTally(
                            kind: .nhsNumber, count: 10, distinct: 10, confidence: .high, sample: "401 *** **37",
                            location: ContentLocation(line: 2))
                    ])
            })
    }

    @Test("the headline's staff who can read patient data match the construction", arguments: Array(UInt64(1)...6))
    func headline(seed: UInt64) throws {
        let generated = AccessEstate(seed: seed)
        let estate = Self.estate(generated)
        var expected: Set<Int> = []
        for (index, node) in generated.nodes.enumerated() where !node.isFolder {
            expected.formUnion(generated.readers(of: index).filter { generated.enabled[$0] })
        }
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        let metrics = Dictionary(uniqueKeysWithValues: output.metrics.map { ($0.id, $0) })
        #expect(metrics["access.staff-enabled"]?.value == generated.enabled.filter { $0 }.count)
        #expect(metrics["access.staff-reach-patient-data"]?.value == expected.count)
        #expect(output.coverage.map(\.status) == [.assessed])
        let headline = try #require(output.headlines.first)
        #expect(headline.text.hasPrefix("\(expected.count) of \(generated.enabled.filter { $0 }.count) enabled staff"))
        // A wide-grant finding for exactly the permissions that open patient data to a quarter of staff or more.
        let staff = generated.enabled.filter { $0 }.count
        let widest = output.metrics.filter { $0.id.hasPrefix("access.widest-grant-") }.map(\.value)
        #expect(widest == widest.sorted(by: >))
        for finding in output.findings {
            #expect(finding.rule == .accessWideGrant)
            #expect(Int(finding.facts["staff"] ?? "") ?? 0 >= staff / 4)
        }
    }

    @Test(
        "coverage names the evidence that is missing",
        arguments: [
            ("directory", "a directory export"), ("permissions", "ACL exports"), ("scan", "a file-share scan"),
        ])
    func missing(drop: String, words: String) {
        var estate = Self.estate(AccessEstate(seed: 3))
        switch drop {
        case "directory": estate.accounts = []
        case "permissions": estate.grants = []
        default:
            estate.fileScans = []
            estate.patientData = []
        }
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        #expect(output.coverage.map(\.status) == [.notAssessed])
        #expect(output.coverage.first?.basis.contains("missing: \(words)") == true)
        #expect(output.findings.isEmpty && output.headlines.isEmpty)
    }

    @Test("a weak password on an account that reaches patient data is joined; sharing carries the reach")
    func joined() throws {
        let generated = AccessEstate(seed: 4)
        let estate = Self.estate(generated)
        let context = AnalysisContext(estate: estate, asOf: Self.asOf)
        let reach = AccessReach(estate: estate, asOf: Self.asOf)
        let reaching = try #require(generated.accounts.indices.first { reach.reaches($0) })
        let outside = try #require(
            generated.accounts.indices.first { !reach.reaches($0) && generated.enabled[$0] }
                ?? generated.accounts.indices.first { !reach.reaches($0) })
        let subject = { (index: Int) in Subject.account(generated.accounts[index]) }
        let evidence = [EvidenceReference(file: "ntds.txt", line: 1)]
        let findings = [
            Finding(rule: .breachedPassword, subject: subject(reaching), detail: "", evidence: evidence),
            Finding(
                rule: .sharedPassword, subject: subject(outside), detail: "", evidence: evidence,
                related: [subject(reaching)]),
            Finding(rule: .kerberoastable, subject: subject(outside), detail: "", evidence: evidence),
        ]
        let joined = AccessJoin.findings(findings, context: context)
        #expect(Set(joined.findings.map(\.subject)) == [subject(reaching), subject(outside)])
        #expect(joined.findings.allSatisfy { $0.rule == .accessWeakPasswordReachesPatientData })
        #expect(joined.findings.first { $0.subject == subject(outside) }?.facts["reachThrough"] != "own access")
        #expect(joined.metrics.first?.value == 2)
        // Without a weak password on a reaching account, nothing is joined.
        #expect(AccessJoin.findings(Array(findings.suffix(1)), context: context).findings.isEmpty)
    }

    @Test("a folder vigil.yaml names as patient data is a confidential resource even without a scan")
    func manifestFolder() throws {
        let generated = AccessEstate(seed: 7)
        var estate = Self.estate(generated)
        estate.fileScans = []
        estate.patientData = []
        let folder = try #require(generated.nodes.indices.last { generated.nodes[$0].isFolder })
        estate.resources.append(
            Resource(
                id: generated.nodes[folder].path, name: "Ward lists", kind: .folder,
                classification: .patientConfidential, source: .init(file: "vigil.yaml", line: 3)))
        estate.resources.append(
            Resource(
                id: "EPR", name: "EPR", kind: .application, classification: .patientConfidential,
                source: .init(file: "vigil.yaml", line: 5)))
        let output = AccessAnalyzer().analyze(AnalysisContext(estate: estate, asOf: Self.asOf))
        let expected = generated.readers(of: folder).filter { generated.enabled[$0] }
        #expect(output.metrics.first { $0.id == "access.staff-reach-patient-data" }?.value == expected.count)
        #expect(output.metrics.first { $0.id == "access.confidential-files" }?.value == 1)
        #expect(
            output.coverage.first?.basis.contains("1 application vigil.yaml names needs its role assignments") == true)
    }
}
