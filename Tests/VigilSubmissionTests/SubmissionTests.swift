import Foundation
import Synchronization
import Testing
import VigilCore
import VigilSubmission
import VigilTestSupport

/// An assessment seeded with every kind of name the submission must not carry: account and host names, a share path
/// holding an NHS number, an NT hash, detail text and related subjects.
enum Seeded {
    static let account = "canary.k7q2"
    static let accountSID = "S-1-5-21-1004336348-1177238915-682003330-51234"
    static let host = "WS-CANARY-77"
    static let nhsNumber = "9434765919"
    static let path = #"D:\Shares\Clinical\9434765919-letters.docx"#
    static let ntHash = "8846f7eaee8fb117ad06bdd830b7586c"
    static let detail = "Amy Canary-Hall's password is Riverside2024!"
    static let key = try! PseudonymKey(bytes: [UInt8](repeating: 7, count: 32))

    /// Every string that must never appear in a submission, in upper and lower case.
    static var canaries: [String] {
        [account, accountSID, host, nhsNumber, path, ntHash, detail, "Amy Canary-Hall", "Riverside2024!", "RIVERSIDE"]
            .flatMap { [$0, $0.lowercased(), $0.uppercased()] }
    }

    static let evidence = [EvidenceReference(file: "dumps/ntds-\(host).txt", line: 12)]

    static func assessment(findings: [Finding]? = nil, covered: [CoveredSubjects]? = nil) -> Assessment {
        let accountSubject = Subject(kind: .account, id: accountSID, name: #"RIVERSIDE\"# + account)
        let hostSubject = Subject(kind: .host, id: host.lowercased(), name: host)
        let fileSubject = Subject(kind: .file, id: path, name: path)
        let defaultFindings = [
            Finding(
                rule: .guessablePassword, subject: accountSubject, detail: detail, evidence: evidence,
                related: [hostSubject],
                facts: [
                    "passwordAgeDays": "412", "hash": ntHash, "pattern": "name + year", "account": account,
                    "length": "14",
                ]),
            Finding(
                rule: .breachedPassword, subject: accountSubject, detail: detail, evidence: evidence,
                facts: ["breachCount": "42", "passwordAgeDays": "30"]),
            Finding(
                rule: .updateMissing, subject: hostSubject, detail: "\(host) misses updates",
                evidence: evidence,
                facts: ["daysExposed": "365", "install": "KB5094123", "host": host, "listed": "CVE-2017-0144"]),
            Finding(
                rule: .patientList, subject: fileSubject, detail: "\(nhsNumber) in \(path)",
                evidence: [EvidenceReference(file: path, line: 1)],
                facts: ["patients": "3", "identifiers": "nhs-number \(nhsNumber)", "aclPath": path]),
        ]
        return Assessment(
            organisation: Organisation(code: "RXX", name: "Riverside Canary Trust", kind: .acuteTrust),
            assessedAt: Date(timeIntervalSince1970: 1_790_000_000),
            evidence: EvidenceInventory(
                files: [
                    EvidenceFileSummary(
                        path: "dumps/\(host).txt", format: "pwdump", bytes: 10, recordsRead: 1, recordsRejected: 0,
                        diagnostics: [], diagnosticCount: 0)
                ], unrecognised: []),
            coverage: AssessmentArea.allCases.map { Coverage(area: $0, status: .assessed, basis: "read from \(host)") },
            metrics: [Metric(id: "accounts.enabled", label: "Enabled accounts at \(host)", value: 12, total: 20)],
            headlines: [Headline(area: .credentials, text: "\(account) is weak", severity: .high)],
            findings: findings ?? defaultFindings,
            covered: covered ?? [
                CoveredSubjects(area: .credentials, kind: .account, ids: [accountSID, "S-1-5-21-1-2-3-500"]),
                CoveredSubjects(area: .updates, kind: .host, ids: [host.lowercased(), "ws-other-01"]),
                CoveredSubjects(area: .patientData, kind: .file, ids: [path]),
                CoveredSubjects(area: .accounts, kind: .domain, complete: true, ids: []),
            ])
    }
}

@Suite("the findings-only submission")
struct SubmissionTests {
    @Test("no name, path, hash, identifier or detail text appears in the submission's bytes")
    func canaries() throws {
        let submission = try Submission(assessment: Seeded.assessment(), key: Seeded.key)
        let text = String(decoding: try submission.canonicalJSON(), as: UTF8.self)
        for canary in Seeded.canaries {
            #expect(!text.contains(canary), "a seeded name leaked: \(canary.count) characters")
        }
        // The facts that are numbers, dates, updates and CVEs survive; the rest do not.
        let facts = submission.findings.map(\.facts)
        #expect(facts.contains { $0["passwordAgeDays"] == "412" })
        #expect(facts.contains { $0["install"] == "KB5094123" && $0["listed"] == "CVE-2017-0144" })
        #expect(facts.allSatisfy { $0["hash"] == nil && $0["pattern"] == nil && $0["identifiers"] == nil })
        // A breach count finds the hash in the public corpus; a length narrows a guessable password's pattern.
        #expect(facts.contains { $0["passwordAgeDays"] == "30" })
        #expect(facts.allSatisfy { $0["breachCount"] == nil && $0["length"] == nil })
    }

    @Test("coverage for some rules goes as the assessment says, reads back alike, and is refused out of its area")
    func coverageRules() throws {
        let rules: [RuleID] = [.updateMissing, .smbVersion1Enabled]
        let assessment = Seeded.assessment(covered: [
            CoveredSubjects(area: .updates, kind: .host, ids: ["ws-other-01"]),
            CoveredSubjects(area: .updates, kind: .host, ids: [Seeded.host.lowercased()], rules: rules),
        ])
        let submission = try Submission(assessment: assessment, key: Seeded.key)
        let groups = submission.coverage.filter { $0.area == .updates }
        #expect(groups.map(\.rules) == [nil, [.updateMissing, .smbVersion1Enabled]])
        #expect(groups.map(\.id) == ["updates/host", "updates/host/VGL-UPD-MISSING,VGL-UPD-SMB1-ENABLED"])
        // The canonical bytes read back, directly and through the decoder alike, to the same groups.
        let bytes = try submission.canonicalJSON()
        #expect(try Submission.decode(bytes).coverage == submission.coverage)
        #expect(try JSONDecoder.assessment.decode(Submission.self, from: bytes).coverage == submission.coverage)
        // A rule of another area, or rules out of order, are refused.
        for wrong in [[RuleID.emptyPassword], [.smbVersion1Enabled, .updateMissing]] {
            var document = submission
            document.coverage[1].rules = wrong
            #expect(throws: SubmissionError.self) { try document.validate() }
        }
    }

    @Test(
        "an older client's document: 1.0 without rules or fingerprint is read, its retired facts dropped; 1.0 with rules is refused"
    )
    func olderClients() throws {
        var submission = try Submission(assessment: Seeded.assessment(), key: Seeded.key)
        #expect(submission.schemaVersion == "1.2")
        // As a client before 1.2 sent it: no key fingerprint.
        submission.schemaVersion = "1.0"
        submission.keyFingerprint = nil
        let position = try #require(submission.findings.firstIndex { $0.rule == .breachedPassword })
        submission.findings[position].facts["breachCount"] = "42"
        let read = try Submission.decode(try submission.canonicalJSON())
        #expect(read.findings.allSatisfy { $0.facts["breachCount"] == nil })
        #expect(read.findings.count == submission.findings.count)
        // A 1.0 reader would take a group for some rules as one for all: such a document is no 1.0 document.
        submission.coverage[0].rules = [RuleCatalogue.all.first { $0.area == submission.coverage[0].area }!.id]
        #expect(throws: SubmissionError.self) { try Submission.decode(try submission.canonicalJSON()) }
    }

    @Test("a host's every missing vulnerability (more than 64) goes as the first 64, never dropped whole")
    func longCVEList() {
        let cves = (1...70).map { "CVE-2024-\(1000 + $0)" }
        let finding = Finding(
            rule: .updateOverdue, subject: Subject(kind: .host, id: "pc-01", name: "PC-01"), detail: "", evidence: [],
            facts: ["listed": cves.joined(separator: ","), "vulnerabilities": "70"])
        let facts = SubmissionFacts.filter(finding, rule: RuleCatalogue.rule(.updateOverdue))
        #expect(facts["listed"] == cves.prefix(64).joined(separator: ","))
        #expect(facts["vulnerabilities"] == "70")
        // A list with anything else in it is still dropped whole.
        let bad = Finding(
            rule: .updateOverdue, subject: Subject(kind: .host, id: "pc-01", name: "PC-01"), detail: "", evidence: [],
            facts: ["listed": (["PC-01"] + cves).joined(separator: ",")])
        #expect(SubmissionFacts.filter(bad, rule: RuleCatalogue.rule(.updateOverdue))["listed"] == nil)
    }

    @Test("a real assessment (the golden practice) gives a submission free of its names and paths")
    func goldenAssessment() throws {
        let assessment = try JSONDecoder.assessment.decode(
            Assessment.self, from: Data(contentsOf: Fixtures.url("golden/practice-seed7.assessment.json")))
        let submission = try Submission(assessment: assessment, key: Seeded.key)
        let text = String(decoding: try submission.canonicalJSON(), as: UTF8.self)
        #expect(submission.findings.count == assessment.findings.count)
        var names = Set<String>()
        for finding in assessment.findings {
            names.formUnion([finding.subject.name, finding.subject.id, finding.detail])
            names.formUnion(finding.evidence.map(\.file))
            names.formUnion(finding.related.map(\.name))
        }
        for covered in assessment.covered ?? [] { names.formUnion(covered.ids) }
        // Names of four characters or fewer could be in a key's hex by chance.
        for name in names where name.count > 4 {
            #expect(!text.contains(name), "a name from the assessment leaked (\(name.count) characters)")
        }
    }

    @Test("the same assessment and key give the same bytes and digest; another key gives other subject keys")
    func determinism() throws {
        let first = try Submission(assessment: Seeded.assessment(), key: Seeded.key)
        let second = try Submission(assessment: Seeded.assessment(), key: Seeded.key)
        #expect(try first.canonicalJSON() == second.canonicalJSON())
        #expect(try first.digest() == second.digest())
        #expect(try first.digest().count == 64)
        let other = try Submission(
            assessment: Seeded.assessment(), key: PseudonymKey(bytes: [UInt8](repeating: 8, count: 32)))
        #expect(Set(other.findings.map(\.subject)).isDisjoint(with: first.findings.map(\.subject)))
        // The key's fingerprint goes with it (schema 1.2): the key's own, another key's other, neither a subject key.
        let fingerprint = try #require(first.keyFingerprint)
        #expect(first.schemaVersion == "1.2" && fingerprint == Seeded.key.fingerprint)
        #expect(PseudonymKey.isFingerprint(fingerprint) && other.keyFingerprint != fingerprint)
        #expect(!first.findings.contains { $0.subject.hasPrefix(fingerprint) })
        #expect(try Submission.decode(first.canonicalJSON()).keyFingerprint == fingerprint)
    }

    @Test("a document with its arrays reordered reads back to the same digest")
    func reorderedDocument() throws {
        let submission = try Submission(assessment: Seeded.assessment(), key: Seeded.key)
        var reordered = submission
        reordered.findings.reverse()
        reordered.coverage.reverse()
        reordered.coverage[0].subjects.reverse()
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let read = try Submission.decode(try encoder.encode(reordered))
        #expect(try read.digest() == submission.digest())
    }

    @Test("coverage groups carry the covered subjects under the same keys as the findings")
    func coverageSets() throws {
        let submission = try Submission(assessment: Seeded.assessment(), key: Seeded.key)
        let hosts = try #require(submission.coverage.first { $0.id == "updates/host" })
        let hostFinding = try #require(submission.findings.first { $0.kind == .host })
        #expect(hosts.subjects.count == 2)
        #expect(hosts.subjects.contains(hostFinding.subject))
        #expect(hosts.subjects == hosts.subjects.sorted())
        #expect(hostFinding.subject == Seeded.key.subjectKey(kind: .host, id: Seeded.host.lowercased()))
        let domains = try #require(submission.coverage.first { $0.id == "accounts/domain" })
        #expect(domains.complete && domains.subjects.isEmpty)
        #expect(submission.areas.count == AssessmentArea.allCases.count)
    }

    @Test("a permission is covered by its folder under pseudonyms: the service sees the folder covered, not which")
    func permissionsCoveredByFolder() throws {
        let key = Seeded.key
        let clinical = #"d:\shares\clinical"#
        let grant = key.subjectKey(kind: .resource, id: clinical + "|everyone")
        let other = key.subjectKey(kind: .resource, id: #"d:\shares\finance|everyone"#)
        let group = Submission.CoverageGroup(
            area: .access, kind: .resource, complete: false, subjects: [key.coverageKey(kind: .resource, id: clinical)])
        #expect(grant.utf8.count == 32 && grant.allSatisfy(\.isHexDigit))
        #expect(group.covers(grant))
        #expect(!group.covers(other))
        // The folder's key is not the folder spelled out, and another organisation's key gives another one.
        #expect(!group.subjects[0].contains("clinical"))
        let elsewhere = try PseudonymKey(bytes: [UInt8](repeating: 9, count: 32))
        #expect(!group.covers(elsewhere.subjectKey(kind: .resource, id: clinical + "|everyone")))
        // Hosts and accounts are covered by their own key only.
        let hosts = Submission.CoverageGroup(
            area: .updates, kind: .host, complete: false, subjects: [key.subjectKey(kind: .host, id: "pc-01")])
        #expect(hosts.covers(key.subjectKey(kind: .host, id: "pc-01")))
        #expect(!hosts.covers(key.subjectKey(kind: .host, id: "pc-02")))
    }

    @Test("an assessment from before schema 2.0 covers nothing, so nothing it lacks can be closed")
    func olderAssessmentCoversNothing() throws {
        var assessment = Seeded.assessment()
        assessment.covered = nil
        let submission = try Submission(assessment: assessment, key: Seeded.key)
        #expect(submission.coverage.isEmpty)
        #expect(submission.findings.count == 4)
    }

    @Test("a pseudonymisation key file is made 0600 once and read back; a broken one is refused without its content")
    func keyFile() throws {
        let scratch = try ScratchDirectory("vigil-key")
        defer { scratch.remove() }
        let url = scratch.url.appending(path: "config/pseudonym.key")
        let made = try PseudonymKey.load(from: url, create: true)
        #expect(made.created)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try PseudonymKey.load(from: url, create: true)
        #expect(!again.created)
        #expect(again.key.subjectKey(kind: .host, id: "a") == made.key.subjectKey(kind: .host, id: "a"))
        let broken = try scratch.write("broken.key", "not-a-key-\(Seeded.nhsNumber)\n")
        #expect {
            _ = try PseudonymKey.load(from: broken, create: false)
        } throws: { error in
            let failure = error as? SubmissionError
            return failure?.code == .invalidKey && !(failure?.description.contains(Seeded.nhsNumber) ?? true)
        }
    }

    @Test("several first uses at once all end with the one key that was made, whole, and nothing else in the folder")
    func keyFileRace() throws {
        for round in 0..<20 {
            let scratch = try ScratchDirectory("vigil-key-race")
            defer { scratch.remove() }
            let url = scratch.url.appending(path: "config/pseudonym.key")
            let outcomes = Mutex<[(key: String, created: Bool)]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let loaded = try? PseudonymKey.load(from: url, create: true)
                let key = loaded.map { $0.key.subjectKey(kind: .host, id: "a") } ?? "failed"
                outcomes.withLock { $0.append((key, loaded?.created ?? false)) }
            }
            let all = outcomes.withLock { $0 }
            #expect(Set(all.map(\.key)).count == 1 && !all.contains { $0.key == "failed" }, "round \(round)")
            #expect(all.filter(\.created).count == 1, "round \(round)")
            let folder = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            #expect(folder == ["pseudonym.key"], "round \(round)")
        }
    }
}

extension JSONDecoder {
    /// A decoder for assessment.json.
    static var assessment: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

@Suite("submission schema")
struct SubmissionSchemaTests {
    @Test("the submission of the golden practice validates against schemas/submission.schema.json")
    func validates() throws {
        let validator = try JSONSchemaValidator(
            schema: Data(contentsOf: Fixtures.repository.appending(path: "schemas/submission.schema.json")))
        let assessment = try JSONDecoder.assessment.decode(
            Assessment.self, from: Data(contentsOf: Fixtures.url("golden/practice-seed7.assessment.json")))
        try validator.validate(try Submission(assessment: assessment, key: Seeded.key).canonicalJSON())
        try validator.validate(try Submission(assessment: Seeded.assessment(), key: Seeded.key).canonicalJSON())
        // A 1.2 document must carry its key's fingerprint; a 1.1 one need not.
        var unkeyed = try Submission(assessment: Seeded.assessment(), key: Seeded.key)
        unkeyed.keyFingerprint = nil
        #expect(throws: JSONSchemaValidator.ValidationFailure.self) {
            try validator.validate(try unkeyed.canonicalJSON())
        }
        unkeyed.schemaVersion = "1.1"
        try validator.validate(try unkeyed.canonicalJSON())
    }
}
