import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilParsers

/// The advisory readers over real samples (WES-NG, CISA KEV, CSAF, CVRF, OSV) and broken copies of them.
@Suite("Advisory readers")
struct AdvisoryReaderTests {
    static func read(_ reader: some EvidenceReader, _ fixture: String) throws -> EvidenceFragment {
        try reader.read(path: Fixtures.url("advisories/" + fixture).path, file: fixture, progress: nil)
    }

    static func read(_ reader: some EvidenceReader, text: String) throws -> EvidenceFragment {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        return try reader.read(path: scratch.write("input", text).path, file: "input", progress: nil)
    }

    static func day(_ text: String) -> Date { CivilDate.parse(text)! }

    // MARK: WES-NG

    @Test("WES-NG: duplicate rows merge into one fix per product, KB and component, their Supersedes united")
    func wesngDuplicates() throws {
        let fragment = try Self.read(WesngDefinitionsReader(), "wesng-cves-sample.csv")
        #expect(fragment.log.recordsRead == 281 && fragment.log.recordsRejected == 0)
        let credssp = try #require(fragment.advisories.first { $0.id == "CVE-2018-0886" })
        #expect(credssp.cves == ["CVE-2018-0886"])
        #expect(credssp.published == Self.day("2020-05-12"))
        #expect(credssp.vendorSeverity == "Important" && credssp.impact == "Remote Code Execution")
        #expect(credssp.title == "CredSSP Remote Code Execution Vulnerability")
        #expect(
            credssp.fixes == [
                AdvisoryFix(
                    product: "Windows Server 2019", kb: "KB4551853", supersedes: ["KB4549949"],
                    component: "Microsoft Windows"),
                AdvisoryFix(
                    product: "Windows Server 2019 (Server Core installation)", kb: "KB4551853",
                    supersedes: ["KB4549949"], component: "Microsoft Windows"),
            ])
        let eternalBlue = try #require(fragment.advisories.first { $0.id == "CVE-2017-0144" })
        // 35 (product, KB) pairs; five of them are listed both without a component and for "Windows SMB Server".
        #expect(eternalBlue.fixes.count == 40)
        #expect(
            eternalBlue.fixes.filter { $0.product == "Windows Vista Service Pack 2" && $0.kb == "KB4012598" }
                .map(\.component) == [nil, "Windows SMB Server"])
        #expect(
            eternalBlue.fixes.contains(
                AdvisoryFix(product: "Windows 7 for x64-based Systems Service Pack 1", kb: "KB4012212")))
        #expect(Set(fragment.advisories.map(\.id)).count == fragment.advisories.count)
    }

    @Test(
        "WES-NG: dirty Supersedes and odd identifiers",
        arguments: [
            // A quoted value ending in a line break, spanning two lines.
            (
                "CVE-2019-0545",
                "Microsoft .NET Framework 4.6/4.6.1/4.6.2/4.7/4.7.1/4.7.2 on Windows 7 for 32-bit Systems Service Pack 1",
                "KB4481480", ["KB4471987", "KB3142037"]
            ),
            // `<br>` debris between numbers.
            (
                "CVE-2018-8378", "Microsoft Office 2010 Service Pack 2 (32-bit editions)", "KB3213636",
                ["KB3118389", "KB4022173"]
            ),
            ("CVE-2018-8378", "Microsoft SharePoint Enterprise Server 2013 Service Pack 1", "KB4018392", ["KB4011586"]),
            // A version string is not a KB, nor is "Release Notes".
            ("CVE-2023-23377", "3D Builder", nil, []),
            // No CVE: grouped by the bulletin's KB.
            ("KB4014329", "Windows 10 Version 1511 for x64-based Systems", "KB4014329", ["KB4010250"]),
            // Lower-case and undashed CVEs are normalised.
            ("CVE-2012-0159", "Microsoft Communicator 2007 R2", "KB2708980", []),
            ("CVE-2016-3247", "Windows 10 Version 1511 for x64-based Systems", "KB3185614", []),
        ] as [(String, String, String?, [String])])
    func wesngDirty(id: String, product: String, kb: String?, supersedes: [String]) throws {
        let fragment = try Self.read(WesngDefinitionsReader(), "wesng-cves-sample.csv")
        let advisory = try #require(fragment.advisories.first { $0.id == id })
        let fix = try #require(advisory.fixes.first { $0.product == product && $0.kb == kb })
        #expect(fix.supersedes == supersedes)
    }

    @Test("WES-NG: a fix whose rows are dated after its advisory's first keeps its own date, the earliest of its rows")
    func wesngFixDates() throws {
        let scratch = try ScratchDirectory("vigil-wesng-dates")
        defer { scratch.remove() }
        let header =
            "\"DatePosted\",\"CVE\",\"BulletinKB\",\"Title\",\"AffectedProduct\",\"AffectedComponent\",\"Severity\",\"Impact\",\"Supersedes\",\"Exploits\""
        let product = "Windows 7 for x64-based Systems Service Pack 1"
        let rows = [
            "\"20230214\",\"CVE-2017-0143\",\"5022338\",\"Later rollup\",\"\(product)\",\"\",\"Critical\",\"\",\"\",\"\"",
            "\"20170314\",\"CVE-2017-0143\",\"4012212\",\"SMB\",\"\(product)\",\"\",\"Critical\",\"\",\"\",\"\"",
            "\"20230110\",\"CVE-2017-0143\",\"5022338\",\"Later rollup\",\"\(product)\",\"\",\"Critical\",\"\",\"\",\"\"",
        ]
        let url = try scratch.write("cves.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let fragment = try WesngDefinitionsReader().read(path: url.path, file: "cves.csv", progress: nil)
        let advisory = try #require(fragment.advisories.first)
        #expect(advisory.published == Self.day("2017-03-14"))
        #expect(advisory.fixes.map(\.kb) == ["KB5022338", "KB4012212"])
        #expect(advisory.fixes.map(\.released) == [Self.day("2023-01-10"), nil])
    }

    @Test("WES-NG: the custom definitions' comment lines are skipped and service-pack pseudo-KBs dropped")
    func wesngCustom() throws {
        let fragment = try Self.read(WesngDefinitionsReader(), "wesng-custom-20190321.csv")
        #expect(fragment.log.recordsRejected == 0 && fragment.log.recordsRead == 160)
        let update = try #require(fragment.advisories.first { $0.id == "SP81U1X64" })
        #expect(update.cves.isEmpty)
        #expect(
            update.fixes == [
                AdvisoryFix(product: "Windows 8.1 for x64-based Systems", kb: "KB2919355", supersedes: ["KB2883200"])
            ])
    }

    @Test(
        "WES-NG: malformed rows are rejected with their line, the rest read",
        arguments: [
            ("\"20200512\",\"CVE-2020-1\",\"4551853\",\"t\",\"p\"\n", 3, "expected 10 fields, found 5"),
            ("\"2020-05-12\",\"CVE-2020-1\",\"4551853\",\"t\",\"p\",\"c\",\"s\",\"i\",\"\",\n", 3, "YYYYMMDD"),
            ("\"20201332\",\"CVE-2020-1\",\"4551853\",\"t\",\"p\",\"c\",\"s\",\"i\",\"\",\n", 3, "YYYYMMDD"),
            (
                "\"20200512\"x,\"CVE-2020-1\",\"4551853\",\"t\",\"p\",\"c\",\"s\",\"i\",\"\",\n", 3,
                "after the closing quote of field 1"
            ),
            ("\"20200512\",\"CVE-2020-1\",\"4551853\",\"never closed,\n", 3, "never closed"),
        ])
    func wesngBroken(row: String, line: Int, message: String) throws {
        let header =
            "\"DatePosted\",\"CVE\",\"BulletinKB\",\"Title\",\"AffectedProduct\",\"AffectedComponent\",\"Severity\",\"Impact\",\"Supersedes\",\"Exploits\"\n"
        let good =
            "\"20200512\",\"CVE-2018-0886\",\"4551853\",\"t\",\"Windows Server 2019\",\"c\",\"s\",\"i\",\"4549949\",\n"
        let fragment = try Self.read(WesngDefinitionsReader(), text: header + good + row)
        #expect(fragment.log.recordsRead == 1 && fragment.log.recordsRejected == 1)
        let diagnostic = try #require(fragment.log.diagnostics.first)
        #expect(diagnostic.location.line == line && diagnostic.message.contains(message))
        #expect(fragment.advisories.map(\.id) == ["CVE-2018-0886"])
    }

    @Test(
        "supersedence lists keep only KB numbers",
        arguments: [
            ("4471987;3142037\n", ["KB4471987", "KB3142037"]),
            ("4471987, 3142024", ["KB4471987", "KB3142024"]),
            ("4467226; 4471983", ["KB4467226", "KB4471983"]),
            ("3118389<br><br>4022173", ["KB3118389", "KB4022173"]),
            ("None", []), ("20.0.1", []), ("2883200;SP81X64", ["KB2883200"]), ("KB5034441;kb5034441", ["KB5034441"]),
            ("", []),
        ])
    func kbLists(text: String, expected: [String]) {
        #expect(AdvisoryText.kbList(text) == expected)
    }

    @Test(
        "the byte-level KB parser agrees with InstalledUpdate.normalisedKB",
        arguments: [
            "KB4012212", "kb4012212", "4012212", " 4012212 ", "123", "123456789", "KBx", "4012212a", "KB 4012212", "",
        ])
    func kbAgreement(text: String) {
        #expect(AdvisoryText.kbNumber(text).map(AdvisoryText.kb) == InstalledUpdate.normalisedKB(text))
    }

    // MARK: KEV

    @Test("KEV: entries from the JSON and the CSV agree", arguments: ["kev-sample.json", "kev-sample.csv"])
    func kev(fixture: String) throws {
        let fragment = try Self.read(KEVReader(), fixture)
        #expect(fragment.log.recordsRead == 29 && fragment.log.recordsRejected == 0)
        let smb = try #require(fragment.advisories.first { $0.id == "CVE-2017-0144" })
        #expect(smb.cves == ["CVE-2017-0144"] && smb.fixes.isEmpty)
        #expect(smb.title == "Microsoft SMBv1 Remote Code Execution Vulnerability")
        #expect(
            smb.exploitation
                == Exploitation(
                    dateAdded: Self.day("2022-02-10"), dueDate: Self.day("2022-08-10"), knownRansomwareUse: true,
                    requiredAction: "Apply updates per vendor instructions."))
        let git = try #require(fragment.advisories.first { $0.id == "CVE-2025-48384" })
        #expect(git.exploitation?.dueDate == Self.day("2025-09-15"))
        #expect(git.exploitation?.knownRansomwareUse == false)
    }

    @Test("KEV: a truncated catalogue keeps the entries before the cut; a bad entry is rejected by position")
    func kevBroken() throws {
        let text = try Fixtures.text("advisories/kev-sample.json")
        let cut = try Self.read(KEVReader(), text: String(text.prefix(text.count / 2)))
        #expect(cut.log.recordsRead > 5 && cut.log.recordsRead < 29)
        #expect(cut.log.diagnostics.first?.code == "kev.json" && cut.log.diagnostics.first?.location.line != nil)
        let damaged = text.replacingOccurrences(of: "\"dateAdded\": \"2025-08-25\"", with: "\"dateAdded\": \"soon\"")
        let fragment = try Self.read(KEVReader(), text: damaged)
        #expect(fragment.log.recordsRead == 26 && fragment.log.recordsRejected == 3)
        #expect(fragment.log.diagnostics.first?.message.hasPrefix("entry 1:") == true)
        #expect(fragment.log.diagnostics.first?.location.line == 7)
    }

    // MARK: CSAF

    @Test("CSAF (MSRC): product ids resolve through the tree; KB, fixed build and kind from the remediation")
    func csafMSRC() throws {
        let fragment = try Self.read(CSAFReader(), "msrc_cve-2025-49706.json")
        let advisory = try #require(fragment.advisories.first)
        #expect(
            advisory.id == "CVE-2025-49706" && advisory.title == "Microsoft SharePoint Server Spoofing Vulnerability")
        #expect(advisory.vendorSeverity == "Important" && advisory.impact == "Spoofing" && advisory.cvssScore == 6.5)
        #expect(advisory.published == AdvisoryText.timestamp("2025-07-08T07:00:00Z"))
        #expect(
            advisory.fixes.first
                == AdvisoryFix(
                    product: "Microsoft SharePoint Enterprise Server 2016 <16.0.5508.1000", kb: "KB5002744",
                    fixedBuild: "16.0.5508.1000", kind: "Security Update"))
        let edge = try #require(try Self.read(CSAFReader(), "msrc_cve-2025-29806.json").advisories.first)
        #expect(
            edge.fixes == [
                AdvisoryFix(
                    product: "Microsoft Edge (Chromium-based) <129.0.2792.52", fixedBuild: "129.0.2792.52",
                    kind: "Security Update")
            ])
    }

    @Test("CSAF (Red Hat): relationship products resolve to their composite names")
    func csafRelationships() throws {
        let fragment = try Self.read(CSAFReader(), "rhsa-2021_5186.json")
        let advisory = try #require(fragment.advisories.first { $0.id == "CVE-2021-4104" })
        #expect(advisory.vendorSeverity == "Critical")
        #expect(
            advisory.fixes.contains {
                $0.product
                    == "openshift4/ose-metering-ansible-operator-bundle:v4.6.0.202112161349.p0.gd74112d.assembly.art3595-1 as a component of Red Hat OpenShift Container Platform 4.6"
            })
        #expect(fragment.log.diagnostics.isEmpty)
    }

    @Test("CSAF: a dangling product id is skipped with a warning; a truncated document keeps what was complete")
    func csafBroken() throws {
        let text = try Fixtures.text("advisories/msrc_cve-2025-49706.json")
        let dangling = try Self.read(
            CSAFReader(),
            text: text.replacingOccurrences(
                of: "\"product_ids\": [\n            \"3\"", with: "\"product_ids\": [\n            \"999\""))
        #expect(dangling.log.recordsRead == 1)
        let warning = try #require(dangling.log.diagnostics.first)
        #expect(
            warning.level == .warning && warning.code == "csaf.dangling-product"
                && warning.message.hasPrefix("vulnerability 1:"))
        #expect(dangling.advisories.first?.fixes.count == 2)
        let cut = try Self.read(CSAFReader(), text: String(text.prefix(text.count - 40)))
        #expect(cut.log.diagnostics.first?.code == "csaf.json")
        #expect(cut.log.diagnostics.first?.location.line != nil)
    }

    // MARK: CVRF

    @Test("CVRF: supersedence per (KB, product), lists with either separator, several ProductIDs, highest severity")
    func cvrfLists() throws {
        let fragment = try Self.read(CVRFReader(), "cvrf-supercedence-lists.xml")
        let advisory = try #require(fragment.advisories.first)
        #expect(advisory.id == "CVE-2018-8540" && advisory.vendorSeverity == "Critical" && advisory.cvssScore == 8.8)
        #expect(advisory.impact == "Remote Code Execution")
        #expect(advisory.published == AdvisoryText.timestamp("2018-12-11T08:00:00"))
        #expect(
            advisory.fixes == [
                AdvisoryFix(
                    product: "Microsoft .NET Framework 4.7.2 on Windows Server 2012", kb: "KB4470491",
                    supersedes: ["KB4471987", "KB3142024"], kind: "Monthly Rollup"),
                AdvisoryFix(
                    product: "Windows Server 2012", kb: "KB4470491", supersedes: ["KB4467226", "KB4471983"],
                    kind: "Monthly Rollup"),
                AdvisoryFix(
                    product: "Windows 10 for 32-bit Systems", kb: "KB4471321", fixedBuild: "10.0.10240.18063",
                    kind: "Security Update"),
                AdvisoryFix(
                    product: "Windows 10 for x64-based Systems", kb: "KB4471321", fixedBuild: "10.0.10240.18063",
                    kind: "Security Update"),
            ])
        #expect(fragment.log.diagnostics.map(\.code) == ["cvrf.dangling-product"])
    }

    @Test("CVRF: real MSRC documents")
    func cvrfReal() throws {
        let april = try #require(try Self.read(CVRFReader(), "cvrf-2016-Apr-excerpt.xml").advisories.first)
        #expect(april.id == "CVE-2016-0088" && april.vendorSeverity == "Important")
        #expect(
            april.fixes.first
                == AdvisoryFix(
                    product: "Windows 10 for x64-based Systems", kb: "KB3147461", supersedes: ["KB3140745"],
                    kind: "Security Update"))
    }

    @Test("CVRF: a DTD (XXE probe) is refused before parsing; broken XML keeps earlier vulnerabilities")
    func cvrfHostile() throws {
        let probe = try Self.read(CVRFReader(), "cvrf-xxe-probe.xml")
        #expect(probe.advisories.isEmpty && probe.log.recordsRejected == 1)
        #expect(probe.log.diagnostics.first?.code == "cvrf.dtd" && probe.log.diagnostics.first?.location.line == 2)
        let text = try Fixtures.text("advisories/cvrf-supercedence-lists.xml")
        let cut = try Self.read(CVRFReader(), text: String(text.prefix(text.count - 30)))
        #expect(cut.log.diagnostics.contains { $0.code == "cvrf.xml" && $0.location.line != nil })
    }

    /// A small CVRF document around one vulnerability's body.
    static func cvrf(_ body: String, published: String = "2024-01-09T08:00:00Z") -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1" xmlns:vuln="http://www.icasi.org/CVRF/schema/vuln/1.1">
        <DocumentTracking><InitialReleaseDate>\(published)</InitialReleaseDate></DocumentTracking>
        <vuln:Vulnerability Ordinal="1"><vuln:CVE>CVE-2024-0001</vuln:CVE>\(body)</vuln:Vulnerability>
        </cvrfdoc>
        """
    }

    @Test(
        "CVRF: time-zone offsets beyond any real zone are not dates (an overflow once stopped the process)",
        arguments: ["+99999999999999999:00", "-99999999999999999:00", "+00:99999999999999999", "+24:00", "+5:00"])
    func cvrfHugeZoneOffset(zone: String) throws {
        #expect(AdvisoryText.timestamp("2024-01-09T08:00:00" + zone) == nil)
        #expect(AdvisoryText.timestamp("2024-01-09T99999999999999999:00:00") == nil)
        let fragment = try Self.read(CVRFReader(), text: Self.cvrf("", published: "2024-01-09T08:00:00" + zone))
        #expect(fragment.advisories.count == 1 && fragment.advisories.first?.published == nil)
        #expect(AdvisoryText.timestamp("2024-01-09T08:00:00+01:00") == AdvisoryText.timestamp("2024-01-09T07:00:00Z"))
    }

    @Test("CVRF: an element name with an invalid UTF-8 byte is a positioned error, not a trap; earlier ones are kept")
    func cvrfInvalidName() throws {
        let text = Self.cvrf("<vuln:Title>First</vuln:Title>")
        let document = text.replacingOccurrences(
            of: "</cvrfdoc>", with: "<vuln:Vulnerability><X\u{1}></X\u{1}></vuln:Vulnerability>\n</cvrfdoc>")
        var bytes = Array(document.utf8)
        for index in bytes.indices where bytes[index] == 1 { bytes[index] = 0xFF }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let fragment = try CVRFReader().read(
            path: scratch.write("bad.xml", Data(bytes)).path, file: "bad.xml", progress: nil)
        #expect(fragment.advisories.map(\.title) == ["First"])
        let error = try #require(fragment.log.diagnostics.first { $0.code == "cvrf.xml" })
        #expect(error.location.line == 5 && error.message.contains("UTF-8"))
    }

    @Test("CVRF: a mismatched end tag and markup after the root are errors with their line")
    func cvrfMismatched() throws {
        let mismatched = try Self.read(CVRFReader(), text: Self.cvrf("<vuln:Title>T</vuln:Notes>"))
        #expect(mismatched.advisories.isEmpty)
        #expect(mismatched.log.diagnostics.map(\.code) == ["cvrf.xml"])
        #expect(mismatched.log.diagnostics.first?.location.line == 4)
        let trailing = try Self.read(CVRFReader(), text: Self.cvrf("") + "\n<cvrfdoc></cvrfdoc>")
        #expect(trailing.advisories.count == 1 && trailing.log.diagnostics.first?.location.line == 6)
    }

    @Test("CVRF and CSAF: a CVSS score of 1e999 (infinity) is rejected with a diagnostic, never stored")
    func infiniteScore() throws {
        let cvrf = try Self.read(
            CVRFReader(),
            text: Self.cvrf(
                "<vuln:CVSSScoreSets><vuln:ScoreSet><vuln:BaseScore>1e999</vuln:BaseScore></vuln:ScoreSet></vuln:CVSSScoreSets>"
            ))
        #expect(cvrf.advisories.first?.cvssScore == nil)
        #expect(cvrf.log.diagnostics.map(\.code) == ["cvrf.score"])
        let csaf = try Fixtures.text("advisories/msrc_cve-2025-29806.json")
        let infinite = csaf.replacingOccurrences(
            of: #""baseScore"\s*:\s*[0-9.]+"#, with: "\"baseScore\": 1e999", options: .regularExpression)
        #expect(infinite != csaf)
        let fragment = try Self.read(CSAFReader(), text: infinite)
        #expect(fragment.advisories.allSatisfy { $0.cvssScore.map(\.isFinite) ?? true })
        #expect(!fragment.log.diagnostics.isEmpty)
    }

    // MARK: OSV

    @Test(
        "OSV: fixes per package and fixed event, CVEs from aliases",
        arguments: [
            (
                "CVE-2018-5407.json", ["CVE-2018-5407"],
                AdvisoryFix(product: "Alpine:v3.3/openssl", fixedBuild: "1.0.2q-r0", kind: "ECOSYSTEM")
            ),
            (
                "PYSEC-2023-74.json", ["CVE-2023-32681"],
                AdvisoryFix(product: "PyPI/requests", fixedBuild: "2.31.0", kind: "ECOSYSTEM")
            ),
            (
                "PYSEC-2023-74.json", ["CVE-2023-32681"],
                AdvisoryFix(
                    product: "PyPI/requests", fixedBuild: "74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5", kind: "GIT")
            ),
            (
                "GO-2024-2963.json", ["CVE-2024-24791"],
                AdvisoryFix(product: "Go/stdlib", fixedBuild: "1.21.12", kind: "SEMVER")
            ),
        ])
    func osv(fixture: String, cves: [String], fix: AdvisoryFix) throws {
        let fragment = try Self.read(OSVReader(), fixture)
        let advisory = try #require(fragment.advisories.first)
        #expect(advisory.cves == cves)
        #expect(advisory.fixes.contains(fix))
    }

    @Test("OSV: a related-only record is kept without fixes; arrays are read record by record")
    func osvShapes() throws {
        let related = try #require(try Self.read(OSVReader(), "RHSA-2022_0216.json").advisories.first)
        #expect(related.fixes.isEmpty && related.id == "RHSA-2022:0216")
        let one = try Fixtures.text("advisories/GHSA-9v2f-6vcg-3hgv.json")
        let fragment = try Self.read(OSVReader(), text: "[\(one), {\"summary\": \"no id\"}, \(one)]")
        #expect(fragment.log.recordsRead == 2 && fragment.log.recordsRejected == 1)
        #expect(fragment.log.diagnostics.first?.message.hasPrefix("record 2:") == true)
    }

    // MARK: Recognition

    @Test(
        "each advisory file is recognised as its own format",
        arguments: [
            ("wesng-cves-sample.csv", "wesng-definitions"), ("wesng-custom-20190321.csv", "wesng-definitions"),
            ("kev-sample.json", "cisa-kev"), ("kev-sample.csv", "cisa-kev"), ("msrc_cve-2025-49706.json", "csaf"),
            ("rhsa-2021_5186.json", "csaf"), ("icsma-24-200-01.json", "csaf"), ("cvrf-2016-Apr-excerpt.xml", "cvrf"),
            ("cvrf-supercedence-lists.xml", "cvrf"), ("CVE-2018-5407.json", "osv"), ("RHSA-2022_0216.json", "osv"),
            ("GO-2024-2963.json", "osv"),
        ])
    func recognition(fixture: String, format: String) throws {
        guard
            case .recognised(let reader) = try FormatSniffer().examine(path: Fixtures.url("advisories/" + fixture).path)
        else {
            Issue.record("\(fixture) not recognised")
            return
        }
        #expect(reader.format.id == format)
    }

    @Test("other formats' fixtures are not claimed by the advisory readers")
    func noFalseClaims() throws {
        let advisoryFormats: Set = ["wesng-definitions", "cisa-kev", "csaf", "cvrf", "osv"]
        let root = Fixtures.url("")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
        for url in files ?? [] where !url.path.contains("/advisories/") && !url.hasDirectoryPath {
            guard case .recognised(let reader) = try FormatSniffer().examine(path: url.path) else { continue }
            #expect(
                !advisoryFormats.contains(reader.format.id), "\(url.lastPathComponent) claimed by \(reader.format.id)")
        }
    }
}
