import Foundation
import Testing
import VigilAnalyzers
import VigilCore
import VigilEngine
import VigilParsers
import VigilTestSupport

/// The built-in catalogue as it ages (issue 10, items 3 to 6 and 8): every later monthly rollup and cumulative update
/// recognised, KEV flags from CISA's catalogue, its date stated, updates newer than it never taken as missing fixes,
/// service packs, releases not affected, and end of support per edition — against real hosts where there are any.
@Suite("Updates: the built-in catalogue, service packs, editions")
struct UpdatesCatalogueTests {
    typealias Base = UpdatesAnalyzerTests

    static let asOf = CivilDate.date(year: 2026, month: 12, day: 1)

    // MARK: The catalogue

    @Test("the catalogue's resource stays under 1 MB and states the dates of the data it was made from")
    func catalogueFile() throws {
        let path = try #require(BundledReference.advisoriesPath)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 1_000_000)
        let info = try BuiltInAdvisories.info()
        #expect(info.definitionsDate == "2026-06-28")
        #expect(info.kevCatalogVersion == "2025.08.25")
        #expect(info.summary.contains("2026-06-28"))
    }

    @Test(
        "known-exploited flags come from CISA's catalogue: MS17-010's six CVEs, BlueKeep, SMBGhost and Zerologon",
        arguments: [
            ("CVE-2017-0143", "2021-11-03"), ("CVE-2017-0144", "2022-02-10"), ("CVE-2017-0145", "2022-02-10"),
            ("CVE-2017-0146", "2022-03-25"), ("CVE-2017-0147", "2022-05-24"), ("CVE-2017-0148", "2022-04-06"),
            ("CVE-2019-0708", "2021-11-03"), ("CVE-2020-0796", "2022-02-10"), ("CVE-2020-1472", "2021-11-03"),
        ])
    func exploitedFlags(cve: String, added: String) throws {
        let advisory = try #require(try BuiltInAdvisories.load().first { $0.id == cve })
        #expect(advisory.exploitation.map { CivilDate.string($0.dateAdded) } == added)
        #expect(advisory.exploitation?.knownRansomwareUse == true)
    }

    @Test("a vulnerability CISA does not list is not flagged as exploited (MS08-067, DejaBlue)")
    func notExploited() throws {
        let advisories = try BuiltInAdvisories.load()
        for cve in ["CVE-2008-4250", "CVE-2019-1181", "CVE-2019-1182"] {
            let advisory = try #require(advisories.first { $0.id == cve })
            #expect(advisory.exploitation == nil, "\(cve)")
        }
    }

    @Test("titles WES-NG stores with a lost non-breaking space read with a space, not a question mark")
    func titles() throws {
        let blueKeep = try #require(try BuiltInAdvisories.load().first { $0.id == "CVE-2019-0708" })
        #expect(blueKeep.title == "Remote Desktop Services Remote Code Execution Vulnerability")
        #expect(AdvisoryTextProbe.title("Is it fixed? Yes") == "Is it fixed? Yes")
    }

    @Test(
        "every later monthly rollup of Windows 7 SP1 through January 2023 (extended support) fixes MS17-010 and BlueKeep",
        arguments: [
            "KB4534310",  // January 2020, the last before end of support
            "KB4537820",  // February 2020, the first of Extended Security Updates
            "KB5001335",  // April 2021, after a month WES-NG's Supersedes skips
            "KB5022338",  // January 2023, the last
        ])
    func windows7Rollups(kb: String) throws {
        let output = try Base.analyseBuiltIn(Base.host("PC-01", Base.win7, kbs: [kb]))
        #expect(Base.finding(output, .updateStateUnknown, "PC-01") == nil)
        #expect(Base.missing(output, "PC-01").isDisjoint(with: Base.eternalBlueCVEs.union(["CVE-2019-0708"])))
    }

    @Test(
        "the catalogue's later rollups are dated by their own month, so a Windows 7 host is told KB5022338 comes only with Extended Security Updates"
    )
    func rollupDatedByItsMonth() throws {
        let releases = UpdateReleases.dated(by: try Base.builtIn.get())
        #expect(releases[5_022_338].map(CivilDate.string) == "2023-01-10")
        #expect(releases[4_012_212].map(CivilDate.string) == "2017-03-14")
        // March 2017's security-only update alone: BlueKeep (May 2019) is missing; the catalogue's newest Windows 7
        // rollup closes it, and came out three years after support ended.
        let host = Base.host("PC-01", Base.win7, kbs: ["KB4012212"])
        let dated = try Base.analyseBuiltIn(host)
        let finding = try #require(dated.findings.first { Base.missingRules.contains($0.rule) })
        #expect(finding.facts["install"] == "KB5022338")
        #expect(
            finding.detail.contains(
                "KB5022338 was published after support for Windows 7 SP1 ended on 2020-01-14 and is provided only under Extended Security Updates"
            ), "\(finding.detail)")
        // Dated by the vulnerabilities it fixes (MS17-010, BlueKeep), the rollup would seem to predate the end.
        let undated = try Base.analyseBuiltIn(host, datingUpdates: false)
        let same = try #require(undated.findings.first { Base.missingRules.contains($0.rule) })
        #expect(same.facts["install"] == "KB5022338")
        #expect(!same.detail.contains("Extended Security Updates"))
    }

    @Test("Server 2016 (1607) with a 2026 cumulative update has MS17-010 fixed")
    func server2016Recent() throws {
        let system = Base.system("Microsoft Windows Server 2016 Standard", "10.0.14393")
        let output = try Base.analyseBuiltIn(Base.host("SRV-01", system, kbs: ["KB5094122"]))
        #expect(Base.finding(output, .updateStateUnknown, "SRV-01") == nil)
        #expect(Base.missing(output, "SRV-01").isDisjoint(with: Base.eternalBlueCVEs))
    }

    @Test("an update numbered after the newest the catalogue knows makes the host unknown, not missing the fix")
    func newerThanCatalogue() throws {
        let output = try Base.analyseBuiltIn(Base.host("SRV-01", Self.server2016, kbs: ["KB5999999"]))
        let unknown = try #require(Base.finding(output, .updateStateUnknown, "SRV-01"))
        #expect(unknown.facts["reason"]?.hasPrefix("updates newer than the catalogue") == true)
        #expect(unknown.facts["reason"]?.contains("vigil advisories import") == true)
        #expect(Base.missing(output, "SRV-01").isEmpty)
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        let row = try #require(table.rows.first)
        let cell = { (name: String) in table.columns.firstIndex(of: name).map { row[$0] } }
        #expect(cell("Install") == "cannot be decided")
        #expect(cell("It closes") == "")
        #expect(cell("Known exploited") == "")
        #expect(cell("Named vulnerabilities")?.contains("MS17-010: unknown") == true)
    }

    @Test("Windows 10 1903 with only September 2019's cumulative update lacks SMBGhost's fix (March 2020)")
    func smbGhostNotFixedBySeriesBeforeIt() throws {
        // The catalogue once filed 1903's series of cumulative updates, from September 2019, under SMBGhost.
        let system = Base.system("Microsoft Windows 10 Enterprise", "10.0.18362")
        let output = try Base.analyseBuiltIn(Base.host("PC-1903", system, kbs: ["KB4515384"]))
        #expect(Base.missing(output, "PC-1903").contains("CVE-2020-0796"))
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        let named = try #require(table.columns.firstIndex(of: "Named vulnerabilities").map { table.rows.first?[$0] })
        #expect(named?.contains("SMBGhost: missing") == true)
        #expect(named?.contains("DejaBlue: fixed") == true)
    }

    @Test(
        "each vulnerability's fix is dated when its updates came out, not when MSRC last revised the CVE",
        arguments: [
            ("CVE-2017-0144", "2017-03-14"), ("CVE-2019-0708", "2019-05-14"),
            // DejaBlue's rows carry MSRC's revision dates (September 2019, October 2020).
            ("CVE-2019-1181", "2019-08-13"), ("CVE-2019-1182", "2019-08-13"), ("CVE-2020-0796", "2020-03-13"),
        ])
    func releaseDates(cve: String, released: String) throws {
        let advisory = try #require(try BuiltInAdvisories.load().first { $0.id == cve })
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        #expect(advisory.published == formatter.date(from: released))
    }

    static let server2016 = Base.system("Microsoft Windows Server 2016 Standard", "10.0.14393")

    // MARK: Releases a named vulnerability does not affect

    /// Representative hosts of every release Vigil recognises, both architectures where there are two.
    static let everyRelease: [OperatingSystem] = {
        var systems: [OperatingSystem] = []
        let versions: [(String, String)] = [
            ("Microsoft Windows XP Professional", "5.1.2600"), ("Microsoft Windows XP Professional x64", "5.2.3790"),
            ("Microsoft Windows Server 2003 Standard", "5.2.3790"), ("Microsoft Windows Vista Business", "6.0.6002"),
            ("Microsoft Windows Server 2008 Standard", "6.0.6002"), ("Microsoft Windows 7 Enterprise", "6.1.7601"),
            ("Microsoft Windows Server 2008 R2 Standard", "6.1.7601"), ("Microsoft Windows 8 Pro", "6.2.9200"),
            ("Microsoft Windows Server 2012 Standard", "6.2.9200"), ("Microsoft Windows 8.1 Pro", "6.3.9600"),
            ("Microsoft Windows Server 2012 R2 Standard", "6.3.9600"),
        ]
        let windows10 = [10240, 10586, 14393, 15063, 16299, 17134, 17763, 18362, 18363, 19041, 19042, 19045]
        for architecture in ["x64-based PC", "X86-based PC", "ARM64-based PC"] {
            for (name, version) in versions {
                let pack = name.contains("XP Professional") && version == "5.1.2600" ? 3 : 2
                systems.append(Base.system(name, version, architecture: architecture, servicePack: pack))
            }
            for build in windows10 {
                systems.append(
                    Base.system("Microsoft Windows 10 Enterprise", "10.0.\(build)", architecture: architecture))
            }
        }
        for build in [14393, 17763, 20348] {
            systems.append(Base.system("Microsoft Windows Server Datacenter", "10.0.\(build)"))
        }
        return systems
    }()

    @Test(
        "every Windows product the catalogue names a fix for under a named vulnerability is one Microsoft lists as affected",
        arguments: NamedVulnerability.all.map(\.name))
    func affectedCoversCatalogue(name: String) throws {
        let vulnerability = try #require(NamedVulnerability.all.first { $0.name == name })
        let releases = Self.everyRelease.compactMap(WindowsRelease.recognise)
        let products = Set(
            try BuiltInAdvisories.load().filter { vulnerability.cves.contains($0.id) }.flatMap(\.fixes).map(\.product)
                .filter { $0.hasPrefix("Windows") })
        #expect(!products.isEmpty)
        for product in products {
            let holders = releases.filter { $0.productNames.contains { $0.lowercased() == product.lowercased() } }
            #expect(!holders.isEmpty, "no recognised release is named \(product)")
            for release in holders {
                #expect(vulnerability.affects(release) == true, "\(product) (\(release.name)) is in the catalogue")
            }
        }
    }

    @Test(
        "a patched host of a release Microsoft does not list is not affected, not unknown; one it lists without a fix stays unknown",
        arguments: [
            (
                "Microsoft Windows Server 2012 R2 Standard", "6.3.9600", ["KB2919355", "KB5094041"],
                "BlueKeep: not affected"
            ),
            (
                "Microsoft Windows Server 2012 R2 Standard", "6.3.9600", ["KB2919355", "KB5094041"],
                "SMBGhost: not affected"
            ),
            ("Microsoft Windows 8.1 Pro", "6.3.9600", ["KB2919355", "KB5094041"], "Zerologon: not affected"),
            ("Microsoft Windows 10 Enterprise", "10.0.10240", ["KB5094036"], "SMBGhost: not affected"),
            ("Microsoft Windows 7 Enterprise", "6.1.7601", ["KB5022338"], "DejaBlue: unknown"),
            ("Microsoft Windows 7 Enterprise", "6.1.7601", ["KB5022338"], "BlueKeep: fixed"),
        ])
    func notAffectedByRelease(name: String, version: String, kbs: [String], expected: String) throws {
        let output = try Base.analyseBuiltIn(Base.host("PC-01", Base.system(name, version, servicePack: 1), kbs: kbs))
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        let named = try #require(table.columns.firstIndex(of: "Named vulnerabilities").map { table.rows.first?[$0] })
        #expect(named?.contains(expected) == true, "\(named ?? "")")
    }

    @Test(
        "Zerologon is missing on a domain controller, not on a member server, and only 'if a domain controller' when the role is unknown",
        arguments: [
            (true, "Zerologon: missing"), (false, "Zerologon: not affected"),
            (nil, "Zerologon: missing if a domain controller"),
        ])
    func zerologonByRole(domainController: Bool?, verdict: String) throws {
        // Server 2012 R2 with only the April 2014 update: MS17-010 and Zerologon both unfixed in the catalogue.
        var host = Base.host(
            "SRV-01", Base.system("Microsoft Windows Server 2012 R2 Standard", "6.3.9600"), kbs: ["KB2919355"])
        host.domainController = domainController
        let output = try Base.analyseBuiltIn(host)
        let missing = Base.missing(output, "SRV-01")
        #expect(missing.isSuperset(of: Base.eternalBlueCVEs))
        #expect(missing.contains("CVE-2020-1472") == (domainController != false), "\(missing.sorted())")
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        let named = try #require(table.columns.firstIndex(of: "Named vulnerabilities").map { table.rows.first?[$0] })
        #expect(named?.contains(verdict) == true, "\(named ?? "")")
        #expect(named?.contains("if a domain controller") == (domainController == nil), "\(named ?? "")")
        // Where missing, the verdict says which fix the data counts: a lead who knows August 2020's date reads it right.
        #expect(
            named?.contains(
                "(judged by the February 2021 enforcement-phase update, which August 2020's first fix alone does not meet)"
            )
                == (domainController != false), "\(named ?? "")")
        let closes = try #require(table.columns.firstIndex(of: "It closes").map { table.rows.first?[$0] })
        #expect(closes?.contains("Zerologon") == (domainController != false), "\(closes ?? "")")
        #expect(closes?.contains("Zerologon (if a domain controller)") == (domainController == nil), "\(closes ?? "")")
        // The finding's own dates are the February 2021 ones too, and it says so beside them.
        let zerologon = output.findings.first {
            Base.missingRules.contains($0.rule) && ($0.facts["listed"] ?? "").contains("CVE-2020-1472")
        }
        #expect((zerologon != nil) == (domainController != false))
        #expect(
            zerologon.map {
                $0.detail.contains(
                    "; Zerologon is judged by the February 2021 enforcement-phase update, which August 2020's first fix alone does not meet"
                )
            } ?? true, "\(zerologon?.detail ?? "")")
        for finding in output.findings where Base.missingRules.contains(finding.rule) {
            #expect(finding.facts["named"]?.contains(verdict) == true)
            // The fact is a list of verdicts split at "; ": one per named vulnerability the data holds.
            #expect(finding.facts["named"]?.components(separatedBy: "; ").count == 6)
        }
    }

    @Test(
        "a server whose only exploited gap is Zerologon (July 2020's rollup installed) has that finding only as a domain controller",
        arguments: [true, false, nil] as [Bool?])
    func zerologonOnlyGap(domainController: Bool?) throws {
        var host = Base.host(
            "SRV-02", Base.system("Microsoft Windows Server 2012 R2 Standard", "6.3.9600"),
            kbs: ["KB2919355", "KB4565541"])
        host.domainController = domainController
        let output = try Base.analyseBuiltIn(host)
        #expect(Base.missing(output, "SRV-02") == (domainController == false ? [] : ["CVE-2020-1472"]))
        let exploited = Base.finding(output, .updateMissingExploited, "SRV-02")
        #expect((exploited != nil) == (domainController != false))
    }

    @Test("the directory's computer accounts give the role an inventory lacks: the DC misses Zerologon, the member not")
    func zerologonByDirectoryRole() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // Both at July 2020's rollup; a host CSV says nothing of roles. The directory (as ldapsearch prints it) does:
        // SERVER_TRUST_ACCOUNT for SRV-DC, WORKSTATION_TRUST_ACCOUNT for SRV-FS; PC-07 has no computer account.
        try scratch.write(
            "hosts.csv",
            """
            host,os,version,build,revision,kbs
            SRV-DC.trust.nhs.uk,Microsoft Windows Server 2012 R2 Standard,6.3.9600,9600,,KB2919355;KB4565541
            SRV-FS,Microsoft Windows Server 2012 R2 Standard,6.3.9600,9600,,KB2919355;KB4565541
            PC-07,Microsoft Windows Server 2012 R2 Standard,6.3.9600,9600,,KB2919355;KB4565541

            """)
        try scratch.write(
            "directory.ldif",
            """
            # SRV-DC, Domain Controllers, trust.nhs.uk
            dn: CN=SRV-DC,OU=Domain Controllers,DC=trust,DC=nhs,DC=uk
            objectClass: computer
            userAccountControl: 532480
            primaryGroupID: 516
            sAMAccountName: SRV-DC$

            # SRV-FS, Computers, trust.nhs.uk
            dn: CN=SRV-FS,CN=Computers,DC=trust,DC=nhs,DC=uk
            objectClass: computer
            userAccountControl: 4096
            primaryGroupID: 515
            sAMAccountName: SRV-FS$

            """)
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: Self.asOf))
        func exploited(_ host: String) -> Finding? {
            assessment.findings.first { $0.rule == .updateMissingExploited && $0.subject.name == host }
        }
        #expect(exploited("SRV-DC.trust.nhs.uk")?.facts["listed"] == "CVE-2020-1472")
        #expect(exploited("SRV-FS") == nil)
        #expect(exploited("PC-07")?.facts["named"]?.contains("Zerologon: missing if a domain controller") == true)
    }

    @Test("with the built-in catalogue alone, a host missing none of it is not called patched: the area is partial")
    func builtInOnlyIsPartial() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(
            "hosts.csv",
            "host,os,version,build,revision,kbs\nSRV-01,Microsoft Windows Server 2016 Standard,10.0.14393,14393,,KB5094122\n"
        )
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: Self.asOf))
        let coverage = try #require(assessment.coverage.first { $0.area == .updates })
        #expect(coverage.status == .partial)
        #expect(coverage.basis.contains("import current advisories (vigil advisories import"))
        let table = try #require(assessment.tables.first { $0.id == "updates.patch-levels" })
        let install = try #require(table.columns.firstIndex(of: "Install").map { table.rows.first?[$0] })
        #expect(install == "none of the built-in catalogue's missing")
        // CISA's catalogue in the bundle names exploited CVEs but fixes nothing: still the built-in catalogue alone.
        try scratch.write("kev.json", try Data(contentsOf: Fixtures.url("advisories/kev-sample.json")))
        let withKEV = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: Self.asOf))
        #expect(withKEV.coverage.first { $0.area == .updates }?.status == .partial)
    }

    @Test("a host whose product name is missing is not judged by family: a DC's Zerologon verdict stays unknown")
    func unnamedSystemFamily() throws {
        let named = try #require(
            WindowsRelease.recognise(Base.system("Microsoft Windows Server 2019 Standard", "10.0.17763")))
        #expect(named.family == .server2016Onwards)
        let unnamed = try #require(WindowsRelease.recognise(Base.system("", "10.0.17763")))
        #expect(unnamed.family == nil)
        let zerologon = try #require(NamedVulnerability.all.first { $0.name == "Zerologon" })
        #expect(zerologon.affects(unnamed) == nil)
    }

    @Test("a host's findings and its patch-level row name the same update to install (a real Server 2016 host)")
    func oneUpdateToInstall() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(
            "multimaster.txt",
            try Data(contentsOf: Fixtures.url("real/systeminfo/snovvcrash-multimaster-ps-prompt.txt")))
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: Self.asOf))
        let table = try #require(assessment.tables.first { $0.id == "updates.patch-levels" })
        let install = try #require(table.columns.firstIndex(of: "Install").map { table.rows.first?[$0] })
        let findings = assessment.findings.filter { Base.missingRules.contains($0.rule) }
        #expect(!findings.isEmpty)
        for finding in findings {
            #expect(finding.facts["install"] == install)
            #expect(finding.detail.contains("Installing \(install ?? "")"))
        }
    }

    // MARK: Service packs

    @Test(
        "Windows 7 and Server 2008 R2 without SP1 miss MS17-010 with the reason, beside the unsupported release",
        arguments: [
            Base.system("Microsoft Windows 7 Professional", "6.1.7600"),
            Base.system("Microsoft Windows Server 2008 R2 Standard", "6.1.7600"),
        ])
    func withoutServicePack(_ system: OperatingSystem) throws {
        let output = try Base.analyseBuiltIn(Base.host("PC-RTM", system, kbs: ["KB4012212"]))
        #expect(Base.finding(output, .updateStateUnknown, "PC-RTM") == nil)
        #expect(Base.missing(output, "PC-RTM").isSuperset(of: Base.eternalBlueCVEs))
        let finding = try #require(Base.finding(output, .updateMissingExploited, "PC-RTM"))
        #expect(finding.facts["install"] == "KB976932")
        #expect(finding.detail.contains("install Service Pack 1 (KB976932), then"))
        #expect(finding.proof.first?.contains("lacks Service Pack 1 (KB976932)") == true)
        let unsupported = try #require(Base.finding(output, .unsupportedSystem, "PC-RTM"))
        #expect(unsupported.facts["endOfSupport"] == "2013-04-09")
    }

    @Test("Server 2008 SP1 (build 6001) needs SP2 before MS17-010's KB4012598")
    func server2008ServicePack1() throws {
        let system = Base.system("Microsoft Windows Server 2008 Standard", "6.0.6001", servicePack: 1)
        let output = try Base.analyseBuiltIn(Base.host("SRV-08", system, kbs: ["KB4012598"]))
        let finding = try #require(Base.finding(output, .updateMissingExploited, "SRV-08"))
        #expect(finding.facts["install"] == "KB948465")
        #expect(Base.missing(output, "SRV-08").isSuperset(of: Base.eternalBlueCVEs))
    }

    @Test(
        "Windows 8.1 and Server 2012 R2 listing nothing since March 2014 lack KB2919355, which MS17-010's fix needs",
        arguments: [
            (Base.system("Microsoft Windows 8.1 Pro", "6.3.9600"), ["KB2883200"], true),
            (Base.system("Microsoft Windows Server 2012 R2 Standard", "6.3.9600"), ["KB2883200"], true),
            // Anything numbered after it shows the April 2014 update is there: decided as usual.
            (Base.system("Microsoft Windows Server 2012 R2 Standard", "6.3.9600"), ["KB2919355", "KB2999226"], false),
        ] as [(OperatingSystem, [String], Bool)])
    func windows81Update(system: OperatingSystem, kbs: [String], lacksUpdate: Bool) throws {
        let output = try Base.analyseBuiltIn(Base.host("PC-81", system, kbs: kbs))
        let finding = try #require(Base.finding(output, .updateMissingExploited, "PC-81"))
        #expect(Base.missing(output, "PC-81").isSuperset(of: Base.eternalBlueCVEs))
        #expect((finding.facts["install"] == "KB2919355") == lacksUpdate)
        #expect(finding.detail.contains("install the April 2014 update (KB2919355), then") == lacksUpdate)
    }

    // MARK: Not affected

    static func verdicts(_ output: AnalyzerOutput) throws -> String {
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        let column = try #require(table.columns.firstIndex(of: "Named vulnerabilities"))
        return try #require(table.rows.first)[column]
    }

    @Test(
        "releases built after MS17-010 are not affected by it; a release it lists without the fix misses it",
        arguments: [
            (Base.system("Microsoft Windows 10 Pro", "10.0.15063"), "MS17-010: not affected"),
            (Base.system("Microsoft Windows 11 Pro", "10.0.22631"), "MS17-010: not affected"),
            (Base.system("Microsoft Windows Server 2019 Standard", "10.0.17763"), "MS17-010: not affected"),
            (Base.system("Microsoft Windows Server 2022 Standard", "10.0.20348"), "MS17-010: not affected"),
            (Base.system("Microsoft Windows 10 Enterprise", "10.0.14393"), "MS17-010: missing"),
            (Base.win7, "MS17-010: missing"),
            (Base.system("Microsoft Windows 7 Professional", "6.1.7600"), "MS17-010: missing (install Service Pack 1"),
        ])
    func notAffected(system: OperatingSystem, verdict: String) throws {
        let output = try Base.analyseBuiltIn(Base.host("PC-01", system, kbs: ["KB2999226"]))
        #expect(try Self.verdicts(output).contains(verdict))
    }

    // MARK: Editions

    @Test(
        "end of support follows the edition family",
        arguments: [
            ("Microsoft Windows 11 Pro", "10.0.22631", "2025-11-11", "Home/Pro"),
            ("Microsoft Windows 11 Home", "10.0.22631", "2025-11-11", "Home/Pro"),
            ("Microsoft Windows 11 Enterprise", "10.0.22631", "2026-11-10", "Enterprise/Education"),
            ("Microsoft Windows 11 Education", "10.0.22631", "2026-11-10", "Enterprise/Education"),
            ("Microsoft Windows 11 Pro Education", "10.0.22631", "2025-11-11", "Home/Pro"),
            ("Microsoft Windows 11 Pro", "10.0.26100", "2026-10-13", "Home/Pro"),
            ("Microsoft Windows 11 Enterprise", "10.0.26100", "2027-10-12", "Enterprise/Education"),
            ("Microsoft Windows 11 Enterprise LTSC", "10.0.26100", "2029-10-09", "LTSB/LTSC"),
            ("Microsoft Windows 11 Home", "10.0.22621", "2024-10-08", "Home/Pro"),
            ("Microsoft Windows 10 Home", "10.0.19045", "2025-10-14", "Home/Pro"),
            ("Microsoft Windows 10 Pro", "10.0.19045", "2025-10-14", "Home/Pro"),
            ("Microsoft Windows 10 Enterprise", "10.0.19045", "2025-10-14", "Enterprise/Education"),
            ("Microsoft Windows 10 Pro", "10.0.17763", "2020-11-10", "Home/Pro"),
            ("Microsoft Windows 10 Enterprise", "10.0.17763", "2021-05-11", "Enterprise/Education"),
            ("Microsoft Windows 10 Enterprise LTSC", "10.0.17763", "2029-01-09", "LTSB/LTSC"),
            ("Microsoft Windows 10 Enterprise 2016 LTSB", "10.0.14393", "2026-10-13", "LTSB/LTSC"),
            ("Microsoft Windows 10 Pro", "10.0.19044", "2023-06-13", "Home/Pro"),
            ("Microsoft Windows 10 Enterprise LTSC", "10.0.19044", "2027-01-12", "LTSB/LTSC"),
            ("Microsoft Windows Server 2019 Standard", "10.0.17763", "2029-01-09", "Server"),
            ("Microsoft Windows 10 专业版", "10.0.17763", "2020-11-10", "Home/Pro"),
            ("Microsoft Windows 10 Корпоративная", "10.0.17763", "2021-05-11", "Enterprise/Education"),
        ])
    func editions(name: String, version: String, end: String, family: String) throws {
        let release = try #require(WindowsRelease.recognise(Base.system(name, version)))
        #expect(release.endOfSupport.map(CivilDate.string) == end)
        #expect(release.edition?.rawValue == family)
    }

    @Test("a product name that states no edition gets the Enterprise/Education date, never a shorter one")
    func editionNotStated() throws {
        let release = try #require(WindowsRelease.recognise(Base.system("Microsoft Windows", "10.0.22631")))
        #expect(release.edition == nil)
        #expect(release.endOfSupport.map(CivilDate.string) == "2026-11-10")
    }

    @Test("Windows 11 Pro 23H2 is unsupported on 2025-12-01, Enterprise 23H2 is not; the finding names the edition")
    func editionFinding() throws {
        let day = CivilDate.date(year: 2025, month: 12, day: 1)
        let pro = Base.host("PC-PRO", Base.system("Microsoft Windows 11 Pro", "10.0.22631"), kbs: [])
        let enterprise = Base.host("PC-ENT", Base.system("Microsoft Windows 11 Enterprise", "10.0.22631"), kbs: [])
        let output = Base.analyse([pro, enterprise], [], asOf: day)
        let finding = try #require(Base.finding(output, .unsupportedSystem, "PC-PRO"))
        #expect(finding.facts["edition"] == "Home/Pro")
        #expect(finding.detail.contains("(Home/Pro editions)"))
        #expect(Base.finding(output, .unsupportedSystem, "PC-ENT") == nil)
    }

    // MARK: Hosts by patch level

    @Test("identical hosts form one patch level with the update to install, what it closes and the exploited date")
    func patchLevels() throws {
        let hosts =
            (1...3).map { Base.host("PC-0\($0)", Base.win7, kbs: ["KB3212646"]) } + [
                Base.host("PC-09", Base.win7, kbs: ["KB4499164"])
            ]
        let output = Base.analyse(hosts, [], reference: try Base.builtIn.get())
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        #expect(table.rows.count == 2)
        let first = try #require(table.rows.first)
        let cell = { (name: String) in table.columns.firstIndex(of: name).map { first[$0] } }
        #expect(cell("Hosts") == "3")
        #expect(cell("Operating system") == "Windows 7 SP1")
        #expect(cell("Newest update installed") == "KB3212646")
        #expect(cell("Install") == "KB5022338")
        #expect(cell("It closes")?.hasPrefix("MS17-010 (EternalBlue, WannaCry), BlueKeep") == true)
        #expect(cell("Known exploited") == "yes, listed as exploited since 2021-11-03")
        #expect(
            cell("Exposed for (Cyber Essentials: 14 days to install)")?.contains("overdue since 2017-03-28") == true)
        #expect(cell("Hosts (first by name)") == "PC-01, PC-02, PC-03")
        let finding = try #require(Base.finding(output, .updateMissingExploited, "PC-01"))
        #expect(finding.facts["exploitedSince"] == "2021-11-03")
        #expect(finding.facts["kevDueDate"] == nil)
        #expect(!finding.detail.contains("due"))
        #expect(finding.facts["os"] == "Windows 7 SP1")
        #expect(finding.facts["install"] == "KB5022338", "the newest rollup, not May 2019's security-only update")
        #expect(finding.facts["closes"]?.contains("EternalBlue") == true)
    }

    // MARK: Real hosts

    struct RealHost: CustomTestStringConvertible, Sendable {
        var files: [String]
        var host: String
        var verdict: String
        var basis: String
        var testDescription: String {
            "\(files.map { ($0 as NSString).lastPathComponent }.joined(separator: " + ")): \(verdict)"
        }
    }

    /// The expected verdicts, worked out by hand from Microsoft's MS17-010 bulletin (Tests/Fixtures/windows-systeminfo/
    /// ms17-010-verdicts.csv).
    static let realHosts: [RealHost] = {
        guard let text = try? Fixtures.text("windows-systeminfo/ms17-010-verdicts.csv") else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = CSVLine.fields(String(line))
            guard fields.count == 4 else { return nil }
            return RealHost(
                files: fields[0].split(separator: ";").map(String.init), host: fields[1], verdict: fields[2],
                basis: fields[3])
        }
    }()

    @Test("a host undecided because its systeminfo list is cut short is told so, not blamed on the advisory data")
    func cutListReason() async throws {
        let scratch = try ScratchDirectory("vigil-cut-list")
        defer { scratch.remove() }
        let file = "windows-systeminfo/systeminfo/7_sp1_x64_ultimaten_de_systeminfo.txt"
        try FileManager.default.copyItem(at: Fixtures.url(file), to: scratch.url.appendingPathComponent("de.txt"))
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: Self.asOf))
        let unknown = try #require(assessment.findings.first { $0.rule == .updateStateUnknown })
        #expect(unknown.subject.name == "OLI7-PC")
        #expect(
            unknown.detail.contains("is fixed by an update the host names, and no complete list"), "\(unknown.detail)")
        #expect(unknown.detail.contains("Get-HotFix or wmic qfe"))
        #expect(!unknown.detail.contains("the advisory data gives no update"))
        // The updates it names end in June 2016: with them, the data calls MS17-010 unfixed unless the 18 the list
        // leaves out hold it, so the finding is raised as the rule's escalation says.
        #expect(unknown.severity == .high && unknown.facts["escalation"] == "exploited-possible")
        #expect(
            unknown.detail.contains("CVE-2017-0144")
                && unknown.detail.contains("unless the updates its list leaves out"))
    }

    @Test("the verdict table covers every real host inventory in the fixtures")
    func everyRealSample() throws {
        #expect(Self.realHosts.count >= 20)
        let listed = Set(Self.realHosts.flatMap(\.files))
        for folder in ["windows-systeminfo/systeminfo", "windows-systeminfo/qfe"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url(folder).path)
            for name in names
            where name.hasSuffix("_systeminfo.txt") || name.hasSuffix("_qfe.txt") || name.hasSuffix(".csv") {
                #expect(listed.contains("\(folder)/\(name)"), "\(name) has no expected MS17-010 verdict")
            }
        }
    }

    @Test("each real host's MS17-010 verdict with the built-in catalogue alone", arguments: realHosts)
    func realHost(_ example: RealHost) async throws {
        let scratch = try ScratchDirectory("vigil-ms17-010")
        defer { scratch.remove() }
        for file in example.files {
            try FileManager.default.copyItem(
                at: Fixtures.url(file), to: scratch.url.appendingPathComponent((file as NSString).lastPathComponent))
        }
        let assessment = try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: Self.asOf))
        let coverage = assessment.coverage.first { $0.area == .updates }
        #expect(coverage?.basis.contains("as of WES-NG definitions of 2026-06-28") == true, "the catalogue's date")
        let table = try #require(assessment.tables.first { $0.id == "updates.patch-levels" })
        let named = try #require(table.columns.firstIndex(of: "Named vulnerabilities"))
        let hosts = try #require(table.columns.firstIndex(of: "Hosts (first by name)"))
        let rows = table.rows.filter { example.host == "*" || $0[hosts].contains(example.host) }
        #expect(!rows.isEmpty)
        for row in rows {
            let verdict = row[named].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("MS17-010: ") }.map { String($0.dropFirst("MS17-010: ".count)) }
            #expect(verdict == example.verdict, "\(row[hosts]): \(example.basis)")
        }
    }
}

/// The title repair, reached through the WES-NG reader's public behaviour.
private enum AdvisoryTextProbe {
    static func title(_ text: String) -> String {
        let csv =
            "DatePosted,CVE,BulletinKB,Title,AffectedProduct,AffectedComponent,Severity,Impact,Supersedes,Exploits\n"
            + "20170314,CVE-2017-0001,4012212,\"\(text)\",Windows 7 for x64-based Systems Service Pack 1,,,,,\n"
        guard let scratch = try? ScratchDirectory("vigil-title"), let url = try? scratch.write("cves.csv", csv),
            let fragment = try? WesngDefinitionsReader().read(path: url.path, file: "cves.csv", progress: nil)
        else { return "" }
        defer { scratch.remove() }
        return fragment.advisories.first?.title ?? ""
    }
}

/// Splits one CSV line with quoted fields.
private enum CSVLine {
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character == ",", !quoted {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
