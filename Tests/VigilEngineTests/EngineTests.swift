import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

@testable import VigilEngine

@Suite("Assessment engine and evidence bundles")
struct EngineTests {
    let asOf = CivilDate.date(year: 2026, month: 11, day: 1)

    @Test("assesses the sample bundle: organisation from the manifest, every file accounted for")
    func sampleBundle() async throws {
        let assessment = try await AssessmentEngine().assess(
            directory: Fixtures.url("ad-estate-sample"), options: .init(asOf: asOf))
        #expect(
            assessment.organisation
                == Organisation(code: "Y99999", name: "Riverside Medical Practice", kind: .gpPractice))
        #expect(
            assessment.evidence.files.map { "\($0.path) \($0.format) \($0.recordsRead)" } == [
                "directory.ldif ldif 187", "ntds.txt pwdump 182",
            ])
        #expect(
            assessment.evidence.unrecognised == [
                UnrecognisedFile(path: "ground-truth.json", reason: "format not recognised")
            ])
        #expect(assessment.evidence.crossChecks.isEmpty)
        let coverage = Dictionary(uniqueKeysWithValues: assessment.coverage.map { ($0.area, $0.status) })
        #expect(coverage[.accounts] == .assessed)
        #expect(coverage[.credentials] == .partial)
        #expect(coverage[.updates] == .notAssessed)
        #expect(assessment.coverage.count == AssessmentArea.allCases.count)
    }

    @Test("the same bundle gives byte-identical output")
    func deterministic() async throws {
        let engine = AssessmentEngine()
        let first = try await engine.assess(directory: Fixtures.url("ad-estate-sample"), options: .init(asOf: asOf))
        let second = try await engine.assess(directory: Fixtures.url("ad-estate-sample"), options: .init(asOf: asOf))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        #expect(try encoder.encode(first) == encoder.encode(second))
    }

    @Test("walks subfolders; lists hidden folders, symbolic links, empty and binary files; skips the output folder")
    func walking() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try FileManager.default.copyItem(
            at: Fixtures.url("ad-estate-sample/directory.ldif"),
            to: scratch.url.appendingPathComponent("directory.ldif"))
        try scratch.write("dc01/hashes.txt", try Fixtures.text("ad-estate-sample/ntds.txt"))
        try scratch.write(".git/config", "[core]\n")
        try scratch.write("empty.txt", "")
        try scratch.write("logo.png", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00]))
        try scratch.write("report/assessment.json", "{}")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.url.appendingPathComponent("elsewhere").path, withDestinationPath: "/etc")
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url,
            options: .init(asOf: asOf, excluding: [scratch.url.appendingPathComponent("report")])
        )
        #expect(assessment.evidence.files.map(\.path) == ["dc01/hashes.txt", "directory.ldif"])
        #expect(
            assessment.evidence.unrecognised.map { "\($0.path): \($0.reason)" } == [
                ".git: hidden folder not read", "elsewhere: symbolic link not followed", "empty.txt: empty file",
                "logo.png: binary file (not a text export Vigil reads)",
            ])
        #expect(assessment.organisation == .unnamed)
    }

    @Test("an export zero-filled after a crash is read whole and reported as damaged, found or declared")
    func zeroFilled() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let dump = try Fixtures.text("ad-estate-sample/ntds.txt").split(
            separator: "\n", omittingEmptySubsequences: false)
        let fill = String(repeating: "\0", count: 4096)
        let damaged = dump[..<3].joined(separator: "\n") + "\n" + fill + dump[3...].joined(separator: "\n") + fill
        try scratch.write("found/hashes.txt", damaged)
        try scratch.write("declared/hashes.data", damaged)
        try scratch.write("clean/hashes.txt", dump.joined(separator: "\n"))
        let found = try await AssessmentEngine().assess(
            directory: scratch.url.appendingPathComponent("found"), options: .init(asOf: asOf))
        try scratch.write("declared/vigil.yaml", "inputs:\n  - path: hashes.data\n    format: pwdump\n")
        let declared = try await AssessmentEngine().assess(
            directory: scratch.url.appendingPathComponent("declared"), options: .init(asOf: asOf))
        let clean = try await AssessmentEngine().assess(
            directory: scratch.url.appendingPathComponent("clean"), options: .init(asOf: asOf))
        let cleanFile = try #require(clean.evidence.files.first)
        #expect(cleanFile.recordsRead == 182 && cleanFile.recordsRejected == 0)
        for assessment in [found, declared] {
            let file = try #require(assessment.evidence.files.first)
            // Every hash the clean dump holds, the one written after the fill too, under the same names.
            #expect(file.format == "pwdump")
            #expect(file.recordsRead == cleanFile.recordsRead && file.recordsRejected == 0)
            #expect(file.diagnostics.map(\.code) == [Diagnostic.Code.nulBytes])
            #expect(file.diagnostics.first?.message.hasPrefix("8192 NUL bytes") == true)
            #expect(
                assessment.findings.map { "\($0.rule.rawValue) \($0.subject.name)" }
                    == clean.findings.map { "\($0.rule.rawValue) \($0.subject.name)" })
        }
    }

    @Test("an export opening with more zero fill than a sample (copytruncate) is recognised by the text after it")
    func zeroFilledStart() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let dump = try Fixtures.text("ad-estate-sample/ntds.txt")
        // More fill than the first line may hold (pwdump's lines are bounded at 64 KiB): dropped as it comes.
        try scratch.write("hashes.txt", String(repeating: "\0", count: 3_000_000) + dump)
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        let file = try #require(assessment.evidence.files.first)
        #expect(file.format == "pwdump")
        #expect(file.recordsRead == 182 && file.recordsRejected == 0)
        #expect(file.diagnostics.map(\.code) == [Diagnostic.Code.nulBytes])
        #expect(file.diagnostics.first?.message.hasPrefix("3000000 NUL bytes in the file's opening") == true)
        // Nothing but fill stays binary.
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("hashes.txt"))
        try scratch.write("zero.txt", String(repeating: "\0", count: 200_000))
        try scratch.write("ntds.txt", dump)
        let zero = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        #expect(zero.evidence.unrecognised.map(\.path) == ["zero.txt"])
    }

    @Test("a manifest's inputs and formats are used as given")
    func manifestInputs() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("exports/ad.data", try Fixtures.text("ad-estate-sample/directory.ldif"))
        try scratch.write("ignored.ldif", "dn: CN=x\n")
        try scratch.write("referral 9434765919.txt", "a letter\n")
        try scratch.write("words/local.txt", "riverside\n")
        try scratch.write(".hidden/hosts.csv", "host,os,version\nPC1,Microsoft Windows 10 Pro,10.0.19045\n")
        try scratch.write(
            "vigil.yaml",
            "organisation:\n  code: RXX\n  name: Example\ninputs:\n  - path: exports/ad.data\n    format: ldif\n  - .hidden/hosts.csv\nsettings:\n  stale-days: 30\n  wordlists: [words/local.txt]\n"
        )
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        #expect(assessment.evidence.files.map(\.path) == [".hidden/hosts.csv", "exports/ad.data"])
        // Files the manifest does not name are listed as not read, with why: never skipped silently; a name's health
        // number masked; the word list it names and the hidden folder holding a named input are not among them.
        #expect(
            assessment.evidence.unrecognised.map(\.path) == ["ignored.ldif", "referral 943 *** **19.txt"])
        #expect(
            assessment.evidence.unrecognised.allSatisfy { $0.reason.hasPrefix("not named in vigil.yaml's inputs") })
        #expect(assessment.coverage.first { $0.area == .accounts }?.basis.contains("threshold 30 days") == true)
        #expect(assessment.coverage.first { $0.area == .credentials }?.status == .notAssessed)
    }

    @Test("a scan folder vigil.yaml names that does not exist is refused at its line, without quoting it")
    func missingScanFolder() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("vigil.yaml", "scan:\n  paths:\n    - shares/clinical\n    - shares/unmounted-9434765919\n")
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("shares/clinical"), withIntermediateDirectories: true)
        await #expect {
            _ = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        } throws: { error in
            let description = "\(error)"
            return (error as? EvidenceError)?.path == "vigil.yaml:4" && description.contains("scan.paths[1]")
                && !description.contains("9434765919") && !description.contains("unmounted")
        }
    }

    @Test(
        "bundle problems are errors with a code",
        arguments: [
            ("missing", "bundle.not-found"), ("file", "bundle.not-a-folder"),
            ("manifest-missing-input", "manifest.missing-input"),
            ("manifest-bad", "manifest.invalid"),
        ]
    )
    func bundleErrors(case name: String, code: String) async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var directory = scratch.url
        switch name {
        case "missing": directory = scratch.url.appendingPathComponent("nope")
        case "file": directory = try scratch.write("file.txt", "x")
        case "manifest-missing-input": try scratch.write("vigil.yaml", "inputs:\n  - gone.ldif\n")
        default: try scratch.write("vigil.yaml", "organisation: 3\n")
        }
        await #expect {
            _ = try await AssessmentEngine().assess(directory: directory, options: .init(asOf: asOf))
        } throws: { error in
            (error as? EvidenceError)?.code.description == code
        }
    }

    @Test("hash-dump entries without accounts, and accounts without hashes, are reported once each")
    func crossChecks() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(
            "d.ldif",
            "dn: CN=a,DC=t\nobjectClass: user\nsAMAccountName: a\nobjectSid: S-1-5-21-1-2-3-1001\n\ndn: CN=b,DC=t\nobjectClass: user\nsAMAccountName: b\n\n"
        )
        try scratch.write(
            "h.txt",
            "T\\a:1001:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\nT\\zed:1009:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586d:::\nT\\PC$:1010:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586e:::\n"
        )
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        let checks = assessment.evidence.crossChecks
        #expect(checks.map(\.code) == ["cross.account-without-hash", "cross.hash-without-account"])
        #expect(checks.first?.location == EvidenceReference(file: "d.ldif", line: 6))
        #expect(checks.last?.message.hasPrefix("1 hash-dump entry matches no account") == true)
    }

    @Test("a hash dump of another domain joins none of the directory's accounts, the built-in Administrator included")
    func otherDomainDump() async throws {
        // Two real files of two labs: Return's directory (return.local) and Baby's NTDS (baby.vl), whose built-in
        // accounts secretsdump writes with no domain. Both have an Administrator of RID 500.
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for fixture in ["real/ldif/ldapsearch-return-computers.ldif", "real/pwdump/secretsdump-baby-ntds.txt"] {
            try scratch.write(
                String(fixture.split(separator: "/").last ?? ""),
                try String(contentsOf: Fixtures.url(fixture), encoding: .utf8))
        }
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        let checks = assessment.evidence.crossChecks
        let other = checks.first { $0.code == "cross.hash-other-domain" }
        // All 14 entries: ten prefixed baby.vl, and the four unprefixed ones of the same file.
        #expect(other?.message.hasPrefix("14 hash-dump entries are of another domain") == true, "\(checks)")
        // Counted once: not again among the entries that match no account.
        #expect(!checks.contains { $0.code == "cross.hash-without-account" }, "\(checks)")
        // Return's enabled Administrator and svc-printer have no entry now (the Administrator had Baby's before).
        let missing = checks.first { $0.code == "cross.account-without-hash" }
        #expect(missing?.message.hasPrefix("2 enabled accounts in the directory export have no entry") == true)

        // The same directory with a dump of its own domain under another NetBIOS name: its ordinary accounts match
        // by name and RID, so the prefix is the directory's, and the file's unprefixed Administrator joins too.
        let own = try ScratchDirectory()
        defer { own.remove() }
        try own.write(
            "d.ldif",
            "dn: CN=Administrator,CN=Users,DC=riverside,DC=nhs\nobjectClass: user\nsAMAccountName: Administrator\nobjectSid: S-1-5-21-1-2-3-500\n\ndn: CN=ann,CN=Users,DC=riverside,DC=nhs\nobjectClass: user\nsAMAccountName: ann\nobjectSid: S-1-5-21-1-2-3-1105\n\n"
        )
        try own.write(
            "h.txt",
            "Administrator:500:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\nTRUST01\\ann:1105:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586d:::\n"
        )
        let joined = try await AssessmentEngine().assess(directory: own.url, options: .init(asOf: asOf))
        #expect(joined.evidence.crossChecks.isEmpty, "\(joined.evidence.crossChecks)")
    }

    @Test("rejected records reach the evidence inventory and the rest is still assessed")
    func rejectedRecords() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(
            "d.ldif",
            "dn: CN=a,DC=t\nobjectClass: user\nsAMAccountName: a\nuserAccountControl: 66048\n\ndn: CN=b,DC=t\nobjectClass: user\nuserAccountControl: nope\n\n"
        )
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        #expect(assessment.evidence.recordsRejected == 1)
        #expect(assessment.findings.map(\.rule) == [.passwordNeverExpires])
    }
}

@Suite("Patient-data scan in an assessment")
struct EngineScanTests {
    let asOf = CivilDate.date(year: 2026, month: 11, day: 1)

    /// A manifest scanning `shares/clinical`, which permission evidence names `D:\Shares\Clinical` on FS01.
    static let scanManifest =
        "scan:\n  paths:\n    - path: shares/clinical\n      acl-path: 'D:\\Shares\\Clinical'\n      host: FS01\n"

    /// An icacls export of `entries` (`folder principal:rights`), each followed by a blank line, and its summary.
    static func icacls(_ entries: [String]) -> String {
        entries.map { $0 + "\n\n" }.joined()
            + "Successfully processed \(entries.count) files; Failed processing 0 files\n"
    }

    /// A patient list of six valid NHS numbers: enough for the scan to call it one.
    static var patientList: String {
        ["4010232137", "4505577104", "4975836327", "4504941597", "4994108269", "4814143524"].reduce(
            "NHS Number,Surname,DOB\n"
        ) { $0 + "\($1),Smith,01/02/1960\n" }
    }

    @Test("the manifest's scan runs; its folder is scanned, not read as evidence; permissions join")
    func scanSection() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let list = Self.patientList
        try scratch.write("shares/clinical/Lists/clinic.csv", list)
        try scratch.write("shares/clinical/letter.txt", "Re: Mrs Jane Smith  NHS No: 401 023 2137\n")
        try scratch.write(
            "acl/icacls.txt", Self.icacls(["D:\\Shares\\Clinical\\Lists RIVERSIDE\\Domain Users:(OI)(CI)(RX)"]))
        try scratch.write("vigil.yaml", Self.scanManifest)
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        #expect(
            assessment.evidence.files.map { "\($0.path) \($0.format) \($0.recordsRead)" } == [
                "acl/icacls.txt icacls 1", "shares/clinical file-scan 2",
            ])
        #expect(assessment.evidence.unrecognised.isEmpty)
        #expect(
            assessment.findings.map { "\($0.rule.rawValue) \($0.subject.name)" } == [
                "VGL-PD-BROAD-ACCESS shares/clinical/Lists/clinic.csv",
                "VGL-PD-PATIENT-LIST shares/clinical/Lists/clinic.csv",
            ])
        #expect(assessment.coverage.first { $0.area == .patientData }?.status == .assessed)
    }

    @Test("a folder named after a patient joins its permissions as any folder does, and is named masked everywhere")
    func patientNamedFolder() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let list = Self.patientList
        try scratch.write("shares/clinical/4382716950 Smith/clinic.csv", list)
        try scratch.write(
            "acl/icacls.txt", Self.icacls(["D:\\Shares\\Clinical\\4382716950 Smith Everyone:(OI)(CI)(R)"]))
        try scratch.write("vigil.yaml", Self.scanManifest)
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        // The list open to Everyone is reported, as it is under a folder named `Smith`.
        #expect(
            assessment.findings.map { "\($0.rule.rawValue) \($0.subject.name)" }.contains(
                "VGL-PD-BROAD-ACCESS shares/clinical/438 *** **50 Smith/clinic.csv"))
        let encoder = JSONEncoder()
        let document = String(decoding: try encoder.encode(assessment), as: UTF8.self)
        #expect(!document.contains("4382716950") && document.contains("438 *** **50"))
    }

    /// Two patients' folders whose numbers mask alike (4382716950 and 4380000850: `438 *** **50`): where the list is,
    /// the icacls export's entries, and whether Everyone reads the list.
    static let collisions: [(list: String, acl: [String], broad: Bool)] = [
        // Everyone on the other folder only: the list is not open.
        ("4382716950", ["4382716950 CORP\\GP-Team", "4380000850 Everyone"], false),
        // Everyone on the list's own folder, the other folder and the share narrower: open.
        ("4382716950", ["CORP\\GP-Team", "4382716950 Everyone", "4380000850 CORP\\GP-Team"], true),
        // The list's folder not in the export, inheriting the share's Everyone; the other folder narrower: open.
        ("4380000850", ["Everyone", "4382716950 CORP\\GP-Team"], true),
    ]

    @Test(
        "two patients' folders whose numbers mask alike never share permissions, the scan's number seen too",
        arguments: 0..<collisions.count)
    func collidingMasks(_ index: Int) async throws {
        let (list, acl, broad) = Self.collisions[index]
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("shares/clinical/\(list)/clinic.csv", Self.patientList)
        let entries = acl.map { entry in
            let parts = entry.split(separator: " ", maxSplits: 1).map(String.init)
            let folder = parts.count == 2 ? "\\" + parts[0] : ""
            return "D:\\Shares\\Clinical\(folder) \(parts.last ?? ""):(OI)(CI)(R)"
        }
        try scratch.write("acl/icacls.txt", Self.icacls(entries))
        try scratch.write("vigil.yaml", Self.scanManifest)
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        #expect(assessment.findings.contains { $0.rule == .patientListBroadAccess } == broad)
        let document = String(decoding: try JSONEncoder().encode(assessment), as: UTF8.self)
        #expect(!document.contains("4382716950") && !document.contains("4380000850"))
        // Told apart in the order of the numbers, the same in the scan's paths and the export's.
        let found = try #require(assessment.findings.first { $0.rule == .patientList })
        #expect(found.subject.name.contains(list == "4380000850" ? "438 *** **50~1" : "438 *** **50~2"))
    }

    @Test(
        "a scan.json's file whose permission path holds a masked number joins no permission: which number is not known")
    func maskedScanReport() {
        var estate = Estate(organisation: .unnamed)
        estate.patientData = [
            PatientDataExposure(
                path: "clinical/438 *** **50/clinic.csv", aclPath: "D:\\Clinical\\438 *** **50\\clinic.csv", bytes: 10,
                format: "csv", classification: .patientList, patients: 6, confidence: .high, identifiers: []),
            PatientDataExposure(
                path: "clinical/rota.csv", aclPath: "D:\\Clinical\\rota.csv", bytes: 10, format: "csv",
                classification: .patientList, patients: 6, confidence: .high, identifiers: []),
        ]
        estate.maskHealthNumbersInPaths()
        #expect(estate.patientData.map(\.aclPath) == [nil, "D:\\Clinical\\rota.csv"])
    }

    @Test("a scan path that does not exist is a missing input")
    func missingScanPath() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("vigil.yaml", "scan:\n  paths: [nowhere]\n")
        await #expect {
            _ = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
        } throws: { error in
            (error as? EvidenceError)?.code == .manifestMissingInput
        }
    }
}
