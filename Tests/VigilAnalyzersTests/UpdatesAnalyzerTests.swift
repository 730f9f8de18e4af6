import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilParsers
import VigilTestSupport

@testable import VigilAnalyzers

@Suite("Updates analyzer")
struct UpdatesAnalyzerTests {
    static let asOf = CivilDate.date(year: 2026, month: 12, day: 1)
    static let inventory = EvidenceReference(file: "hosts/systeminfo.txt", line: 1)
    static let feed = EvidenceReference(file: "advisories/wesng.csv", line: 2)

    static let windows7 = "Windows 7 for x64-based Systems Service Pack 1"
    static let server2008R2 = "Windows Server 2008 R2 for x64-based Systems Service Pack 1"
    static let windows10v22H2 = "Windows 10 Version 22H2 for x64-based Systems"
    static let windows11v24H2 = "Windows 11 Version 24H2 for x64-based Systems"
    static let windows10v1607 = "Windows 10 Version 1607 for x64-based Systems"

    static let missingRules: Set<RuleID> = [.updateMissingExploited, .updateOverdue, .updateMissing]

    // MARK: Builders

    static func system(
        _ name: String, _ version: String?, build: Int? = nil, revision: Int? = nil,
        architecture: String? = "x64-based PC", servicePack: Int? = nil
    ) -> OperatingSystem {
        let build = build ?? version.flatMap { $0.split(separator: ".").dropFirst(2).first.flatMap { Int($0) } }
        return OperatingSystem(
            name: name, version: version, build: build, revision: revision, architecture: architecture,
            servicePack: servicePack)
    }

    static let win7 = system("Microsoft Windows 7 Enterprise", "6.1.7601", servicePack: 1)
    static let server2008R2Standard = system("Microsoft Windows Server 2008 R2 Standard", "6.1.7601", servicePack: 1)
    static let win11 = system("Microsoft Windows 11 Enterprise", "10.0.26100")

    /// A host; `kbs: nil` means no inventory listed its updates.
    static func host(
        _ name: String, _ system: OperatingSystem? = win7, kbs: [String]? = [], smb1: Bool? = nil
    ) -> Machine {
        Machine(
            name: name, operatingSystem: system, operatingSystemSource: system == nil ? nil : inventory,
            installedUpdates: (kbs ?? []).map { InstalledUpdate(kb: $0, source: inventory) },
            updatesListed: kbs != nil, smbVersion1Enabled: smb1, sources: [inventory])
    }

    static func fix(
        _ kb: String?, _ product: String = windows7, supersedes: [String] = [], kind: String? = nil,
        build: String? = nil, component: String? = nil
    ) -> AdvisoryFix {
        AdvisoryFix(
            product: product, kb: kb, fixedBuild: build, supersedes: supersedes, kind: kind, component: component)
    }

    static func advisory(
        _ id: String, _ fixes: [AdvisoryFix], published: Date = CivilDate.date(year: 2017, month: 3, day: 14),
        cvss: Double? = 8.1, vendor: String? = nil, cves: [String]? = nil, source: EvidenceReference = feed
    ) -> Advisory {
        Advisory(
            id: id, title: "Security update for \(id)", cves: cves ?? (id.hasPrefix("CVE-") ? [id] : []),
            published: published, cvssScore: cvss, vendorSeverity: vendor, fixes: fixes, source: source)
    }

    /// A CISA KEV entry: no fixes, only exploitation.
    static func kev(_ cve: String, due: (Int, Int, Int), ransomware: Bool) -> Advisory {
        Advisory(
            id: cve, title: "KEV \(cve)", cves: [cve],
            exploitation: Exploitation(
                dateAdded: CivilDate.date(year: due.0 - 1, month: due.1, day: due.2),
                dueDate: CivilDate.date(year: due.0, month: due.1, day: due.2), knownRansomwareUse: ransomware),
            source: EvidenceReference(file: "advisories/known_exploited_vulnerabilities.json"))
    }

    static func analyse(
        _ hosts: [Machine], _ advisories: [Advisory], reference: [Advisory] = [], asOf: Date = asOf,
        updateReleases: [UInt32: Date] = [:]
    ) -> AnalyzerOutput {
        let estate = Estate(organisation: .unnamed, hosts: hosts, advisories: advisories)
        var data = ReferenceData(advisories: reference)
        data.updateReleases = updateReleases
        return UpdatesAnalyzer().analyze(AnalysisContext(estate: estate, asOf: asOf, reference: data))
    }

    static func rules(_ output: AnalyzerOutput) -> [String] {
        output.findings.map { "\($0.rule.rawValue) \($0.subject.name)" }.sorted()
    }

    static func finding(_ output: AnalyzerOutput, _ rule: RuleID, _ host: String) -> Finding? {
        output.findings.first { $0.rule == rule && $0.subject.name == host }
    }

    /// The advisories a host is reported missing, across the three missing-update rules.
    static func missing(_ output: AnalyzerOutput, _ host: String) -> Set<String> {
        Set(
            output.findings.filter { missingRules.contains($0.rule) && $0.subject.name == host }
                .flatMap { ($0.facts["listed"] ?? "").split(separator: ",").map(String.init) })
    }

    // Real March 2017 (MS17-010) and May 2019 (BlueKeep) updates for Windows 7 SP1 x64.
    static let eternalBlue = advisory(
        "CVE-2017-0144", [fix("KB4012212"), fix("KB4012215", supersedes: ["KB3212646"])])
    static let blueKeep = advisory(
        "CVE-2019-0708",
        [fix("KB4499164", supersedes: ["KB4493472"]), fix("KB4499175")],
        published: CivilDate.date(year: 2019, month: 5, day: 14), cvss: 9.8)

    @Test("an update published after the host's end of support is said to come only with Extended Security Updates")
    func updateAfterEndOfSupport() {
        // January 2023's Windows 7 rollup (ESU only: support ended 2020-01-14) fixes a vulnerability of its month.
        let esuOnly = Self.advisory(
            "CVE-2023-21674", [Self.fix("KB5022338", kind: "Monthly Rollup")],
            published: CivilDate.date(year: 2023, month: 1, day: 10), cvss: 8.8)
        let patched = Self.host("PC-ESU", kbs: ["KB4012212", "KB4499164"])
        let output = Self.analyse([patched], [Self.eternalBlue, Self.blueKeep, esuOnly])
        let finding = Self.finding(output, .updateOverdue, "PC-ESU")
        #expect(finding?.facts["install"] == "KB5022338")
        #expect(
            finding?.detail.contains(
                "KB5022338 was published after support for Windows 7 SP1 ended on 2020-01-14 and is provided only under Extended Security Updates"
            ) == true, "\(finding?.detail ?? "")")
        #expect(finding?.detail.contains("upgrading to a supported release is the fix") == true)
        // Before the end of support, a host missing May 2019's fix is told only to install it.
        let before = Self.analyse(
            [Self.host("PC-2019", kbs: ["KB4012212"])], [Self.eternalBlue, Self.blueKeep],
            asOf: CivilDate.date(year: 2019, month: 7, day: 1))
        let missing = before.findings.filter { Self.missingRules.contains($0.rule) }
        #expect(!missing.isEmpty && missing.allSatisfy { $0.facts["install"] != nil })
        #expect(missing.allSatisfy { !$0.detail.contains("Extended Security Updates") })
    }

    // MARK: 1. Windows release recognition

    struct ReleaseCase: Sendable, CustomTestStringConvertible {
        var system: OperatingSystem
        var product: String
        var end: (Int, Int, Int)
        var legacy: Bool
        var testDescription: String { "\(system.name) \(system.version ?? "-") \(system.architecture ?? "")" }
    }

    static let releaseCases: [ReleaseCase] = [
        ReleaseCase(system: win7, product: windows7, end: (2020, 1, 14), legacy: true),
        ReleaseCase(
            system: system("Microsoft Windows 7 Professional", "6.1.7601", architecture: "X86-based PC"),
            product: "Windows 7 for 32-bit Systems Service Pack 1", end: (2020, 1, 14), legacy: true),
        ReleaseCase(system: server2008R2Standard, product: server2008R2, end: (2020, 1, 14), legacy: true),
        ReleaseCase(
            system: system("Microsoft Windows 8.1 Pro", "6.3.9600"), product: "Windows 8.1 for x64-based systems",
            end: (2023, 1, 10), legacy: true),
        ReleaseCase(
            system: system("Microsoft Windows 8.1 Pro", "6.3.9600", architecture: "X86-based PC"),
            product: "Windows 8.1 for 32-bit systems", end: (2023, 1, 10), legacy: true),
        ReleaseCase(
            system: system("Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600"),
            product: "Windows Server 2012 R2", end: (2023, 10, 10), legacy: true),
        ReleaseCase(
            system: system("Microsoft Windows 10 Enterprise", "10.0.14393"), product: windows10v1607,
            end: (2019, 4, 9), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows 10 Enterprise", "10.0.14393", architecture: "X86-based PC"),
            product: "Windows 10 Version 1607 for 32-bit Systems", end: (2019, 4, 9), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows Server 2016 Standard", "10.0.14393"), product: "Windows Server 2016",
            end: (2027, 1, 12), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows 10 Enterprise 2016 LTSB", "10.0.14393"), product: windows10v1607,
            end: (2026, 10, 13), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows 10 Enterprise", "10.0.17763"),
            product: "Windows 10 Version 1809 for x64-based Systems", end: (2021, 5, 11), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows Server 2019 Datacenter", "10.0.17763"), product: "Windows Server 2019",
            end: (2029, 1, 9), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows 10 Pro", "10.0.19045.4529", build: 19045, revision: 4529),
            product: windows10v22H2, end: (2025, 10, 14), legacy: false),
        // osquery's os_version gives the build alone.
        ReleaseCase(
            system: system("Microsoft Windows 10 Pro", nil, build: 19045, architecture: "x86_64"),
            product: windows10v22H2, end: (2025, 10, 14), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows 11 Enterprise", "10.0.22631"),
            product: "Windows 11 Version 23H2 for x64-based Systems", end: (2026, 11, 10), legacy: false),
        ReleaseCase(system: win11, product: windows11v24H2, end: (2027, 10, 12), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows 11 Pro", "10.0.26100", architecture: "ARM64-based PC"),
            product: "Windows 11 Version 24H2 for ARM64-based Systems", end: (2026, 10, 13), legacy: false),
        ReleaseCase(
            system: system("Microsoft Windows Server 2025 Standard", "10.0.26100"), product: "Windows Server 2025",
            end: (2034, 10, 10), legacy: false),
        ReleaseCase(
            system: system(
                "Microsoft Windows XP Professional", "5.1.2600", architecture: "X86-based PC", servicePack: 3),
            product: "Windows XP Service Pack 3", end: (2014, 4, 8), legacy: true),
        ReleaseCase(
            system: system("Microsoft Windows Server 2008 Standard", "6.0.6002", servicePack: 2),
            product: "Windows Server 2008 for x64-based Systems Service Pack 2", end: (2020, 1, 14), legacy: true),
    ]

    @Test("recognises a release's advisory product name and end of support", arguments: releaseCases)
    func recognition(_ example: ReleaseCase) throws {
        let release = try #require(WindowsRelease.recognise(example.system))
        #expect(release.productNames.first == example.product)
        #expect(release.endOfSupport == CivilDate.date(year: example.end.0, month: example.end.1, day: example.end.2))
        #expect(release.isLegacy == example.legacy)
    }

    @Test(
        "a localised product name and architecture give the same release as the English one",
        arguments: [
            (
                system("Microsoft Windows 7 Professional", "6.1.7601", architecture: "x64-based PC"),
                system("Microsoft Windows 7 Professional", "6.1.7601", architecture: "x64-basierter PC")
            ),
            (
                system("Microsoft Windows 7 Professional", "6.1.7601", architecture: "X86-based PC"),
                system("Microsoft Windows 7 Professionnel", "6.1.7601", architecture: "PC à base de X86")
            ),
            (
                system("Microsoft Windows Server 2008 R2 Enterprise", "6.1.7601"),
                system("Microsoft Windows Server 2008 R2 Entreprise", "6.1.7601", architecture: "PC à base de x64")
            ),
            (
                system("Microsoft Windows 10 Enterprise", "10.0.19045"),
                system("Microsoft Windows 10 Enterprise", "10.0.19045", architecture: "x64-basierter PC")
            ),
        ])
    func localised(english: OperatingSystem, localised: OperatingSystem) throws {
        let expected = try #require(WindowsRelease.recognise(english))
        #expect(WindowsRelease.recognise(localised) == expected)
    }

    @Test(
        "versions Vigil does not know are not recognised",
        arguments: [
            system("Microsoft Windows NT Workstation", "4.0.1381"),
            system("Windows 10 Technical Preview", "6.4.9841"),
            system("Microsoft Windows 10 Enterprise", "10.0.99999"),
            system("Microsoft Windows 10 Enterprise", "10.0.20348"),
            system("Microsoft Windows Server 2022 Standard", "10.0.22000"),
            system("Microsoft Windows", nil),
            system("Microsoft Windows", nil, build: 1234),
        ])
    func unrecognised(_ system: OperatingSystem) {
        #expect(WindowsRelease.recognise(system) == nil)
    }

    // MARK: 2. Matching

    @Test("a directly installed fix leaves nothing missing; without it the advisory is missing")
    func directFix() {
        let output = Self.analyse(
            [Self.host("PC-FIXED", kbs: ["KB4012212"]), Self.host("PC-OPEN", kbs: ["KB2999226"])], [Self.eternalBlue])
        #expect(
            Self.rules(output) == [
                "VGL-UPD-OVERDUE PC-OPEN", "VGL-UPD-UNSUPPORTED-OS PC-FIXED", "VGL-UPD-UNSUPPORTED-OS PC-OPEN",
            ])
        #expect(Self.missing(output, "PC-FIXED") == [])
        #expect(Self.missing(output, "PC-OPEN") == ["CVE-2017-0144"])
        #expect(Self.finding(output, .updateStateUnknown, "PC-FIXED") == nil)
    }

    /// Windows 7 monthly rollups of March to June 2017, each superseding the one before.
    static func rollupChain(brokenAt broken: String? = nil) -> [Advisory] {
        func link(_ kb: String, _ older: String) -> [String] { kb == broken ? [] : [older] }
        return [
            eternalBlue,
            advisory("CVE-2017-0158", [fix("KB4015549", supersedes: link("KB4015549", "KB4012215"))]),
            advisory("CVE-2017-0213", [fix("KB4019264", supersedes: link("KB4019264", "KB4015549"))]),
            advisory("CVE-2017-8464", [fix("KB4022719", supersedes: link("KB4022719", "KB4019264"))]),
        ]
    }

    @Test("an update that supersedes the fix through a chain of three rollups fixes it")
    func supersedenceChain() {
        let advisories = Self.rollupChain()
        let host = Self.host("PC-JUNE", kbs: ["KB4022719"])
        let output = Self.analyse([host], advisories)
        #expect(Self.missing(output, "PC-JUNE") == [])
        #expect(Self.finding(output, .updateStateUnknown, "PC-JUNE") == nil)
        var matcher = UpdateMatcher(index: AdvisoryIndex(advisories))
        let state = matcher.match(host)
        #expect(state.fixed == 4)
        #expect(state.fixedByReleaseOrder == 0)
    }

    @Test("with the chain broken, a later cumulative update of the same product still fixes it (release order)")
    func releaseOrder() {
        let advisories = Self.rollupChain(brokenAt: "KB4019264")
        let host = Self.host("PC-JUNE", kbs: ["KB4022719"])
        let output = Self.analyse([host], advisories)
        #expect(Self.missing(output, "PC-JUNE") == [])
        var matcher = UpdateMatcher(index: AdvisoryIndex(advisories))
        let state = matcher.match(host)
        #expect(state.fixed == 4)
        // KB4012215 and KB4015549 are no longer reachable through supersedence from KB4022719.
        #expect(state.fixedByReleaseOrder == 2)
    }

    @Test("release order starts with the rollup era: a 2016 .NET update in a chain says nothing of a 2011 kernel fix")
    func releaseOrderBeforeRollups() {
        // Before October 2016 Windows 7 took one update per component; both updates below take part in supersedence.
        let kernel = Self.advisory(
            "CVE-2011-2002", [Self.fix("KB2393802", supersedes: ["KB979683"])],
            published: CivilDate.date(year: 2011, month: 2, day: 8))
        let dotNet = Self.advisory(
            "CVE-2016-0041", [Self.fix("KB3127220", supersedes: ["KB2656356"])],
            published: CivilDate.date(year: 2016, month: 2, day: 9))
        let output = Self.analyse([Self.host("PC-2016", kbs: ["KB3127220"])], [kernel, dotNet])
        #expect(Self.missing(output, "PC-2016") == ["CVE-2011-2002"])
    }

    @Test("release order needs a cumulative update of the same product: another product's rollup does not count")
    func releaseOrderSameProduct() {
        // KB4499164 is also Server 2008 R2's May 2019 rollup; here the data knows it only for that product.
        let output = Self.analyse(
            [Self.host("PC-01", kbs: ["KB4499164"])],
            [
                Self.eternalBlue,
                Self.advisory(
                    "CVE-2019-0708", [Self.fix("KB4499164", Self.server2008R2, supersedes: ["KB4493472"])],
                    published: CivilDate.date(year: 2019, month: 5, day: 14)),
            ])
        #expect(Self.missing(output, "PC-01") == ["CVE-2017-0144"])
    }

    @Test(
        "a later update fixes older advisories by release order only when it is cumulative",
        arguments: [
            ("Monthly Rollup", ["KB4493472"], true),
            ("Security Only", ["KB4493448"], false),  // excluded by its kind, though it takes part in supersedence
            (nil, [], false),  // never in supersedence: WES-NG's security-only updates look like this
        ] as [(String?, [String], Bool)])
    func laterUpdateKind(kind: String?, supersedes: [String], fixesOlder: Bool) {
        let may2019 = Self.advisory(
            "CVE-2019-0708", [Self.fix("KB4499175", supersedes: supersedes, kind: kind)],
            published: CivilDate.date(year: 2019, month: 5, day: 14))
        let output = Self.analyse([Self.host("PC-01", kbs: ["KB4499175"])], [Self.eternalBlue, may2019])
        #expect(Self.missing(output, "PC-01") == (fixesOlder ? [] : ["CVE-2017-0144"]))
    }

    @Test("a vulnerability older than the host's Windows version is dated from its fix for that version, not from 2023")
    func exposureFromTheProductsFix() throws {
        // CVE-2023-0001 is fixed for 22H2 in March 2023 and for 24H2 in its October 2024 update, which October's own
        // three vulnerabilities date; a 24H2 host with neither is exposed since October 2024, a 22H2 host since 2023.
        let march2023 = CivilDate.date(year: 2023, month: 3, day: 14)
        let october2024 = CivilDate.date(year: 2024, month: 10, day: 8)
        let advisories =
            [
                Self.advisory(
                    "CVE-2023-0001",
                    [Self.fix("KB5023696", Self.windows10v22H2), Self.fix("KB5044284", Self.windows11v24H2)],
                    published: march2023)
            ]
            + (2...4).map {
                Self.advisory(
                    "CVE-2024-000\($0)", [Self.fix("KB5044284", Self.windows11v24H2)], published: october2024)
            }
        let windows10 = Self.system("Microsoft Windows 10 Enterprise", "10.0.19045")
        let output = Self.analyse(
            [
                Self.host("PC-24H2", Self.win11, kbs: ["KB5043080"]),
                Self.host("PC-22H2", windows10, kbs: ["KB5022282"]),
            ],
            advisories, asOf: CivilDate.date(year: 2024, month: 12, day: 7))
        let recent = try #require(Self.finding(output, .updateOverdue, "PC-24H2"))
        #expect(recent.facts["daysExposed"] == "60" && recent.facts["installBy"] == "2024-10-22", "\(recent.detail)")
        #expect(recent.detail.contains("the oldest fix was released on 2024-10-08"))
        let older = try #require(Self.finding(output, .updateOverdue, "PC-22H2"))
        #expect(older.facts["installBy"] == "2023-03-28", "\(older.detail)")
        // The patch-level table dates each host's exposure the same way.
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        let exposed = try #require(table.columns.firstIndex { $0.hasPrefix("Exposed for") })
        let hosts = try #require(table.columns.firstIndex { $0.hasPrefix("Hosts (") })
        let row = try #require(table.rows.first { $0[hosts].contains("PC-24H2") })
        #expect(row[exposed].hasPrefix("60 days (overdue since 2024-10-22"), "\(row[exposed])")
    }

    @Test("what a host's evidence could not check is said: updates when undecided, support without a version, SMBv1")
    func uncheckedRules() {
        let hosts = [
            // wmic qfe: updates, no version; systeminfo: version and updates, no SMBv1 state; osquery: all three.
            Self.host("QFE", nil, kbs: ["KB4012212"]), Self.host("SYSINFO", kbs: ["KB4012212"]),
            Self.host("OSQUERY", kbs: ["KB4012212"], smb1: false),
        ]
        let output = Self.analyse(hosts, [Self.eternalBlue])
        var unchecked: [String: Set<RuleID>] = [:]
        for entry in output.unchecked {
            #expect(entry.kind == .host)
            for id in entry.ids ?? [] { unchecked[id, default: []].formUnion(entry.rules) }
        }
        #expect(
            unchecked[hosts[0].id]
                == [.updateMissingExploited, .updateOverdue, .updateMissing, .unsupportedSystem, .smbVersion1Enabled])
        #expect(unchecked[hosts[1].id] == [.smbVersion1Enabled])
        #expect(unchecked[hosts[2].id] == nil)
    }

    @Test("a finding the host's one update closes none of names its own newest fix instead")
    func remedyPerFinding() throws {
        // An exploited 2024 fix in a rollup; an old standalone fix the rollup does not supersede.
        let advisories = [
            Self.advisory(
                "CVE-2024-0001", [Self.fix("KB5000002", supersedes: ["KB5000001"], kind: "Monthly Rollup")],
                published: CivilDate.date(year: 2024, month: 1, day: 9)),
            Self.advisory(
                "CVE-2022-0003", [Self.fix("KB4000009")], published: CivilDate.date(year: 2022, month: 1, day: 11)),
        ]
        let output = Self.analyse(
            [Self.host("PC-01", kbs: ["KB2999226"])], advisories,
            reference: [Self.kev("CVE-2024-0001", due: (2024, 2, 1), ransomware: false)])
        let exploited = try #require(Self.finding(output, .updateMissingExploited, "PC-01"))
        #expect(exploited.facts["install"] == "KB5000002")
        let other = try #require(
            output.findings.first { $0.rule != .updateMissingExploited && Self.missingRules.contains($0.rule) })
        #expect(other.facts["install"] == "KB4000009", "\(other.detail)")
    }

    @Test(
        "a host not a domain controller, whose only decided gap is Zerologon, is undecided on the rest, not up to date")
    func domainControllerScopingKeepsUndecided() throws {
        var host = Self.host(
            "SRV-01", Self.system("Microsoft Windows Server 2016 Standard", "10.0.14393", revision: 447), kbs: nil)
        host.domainController = false
        let zerologon = Self.advisory(
            "CVE-2020-1472", [Self.fix(nil, "Windows Server 2016", build: "10.0.14393.3866")],
            published: CivilDate.date(year: 2020, month: 8, day: 11), cvss: 10)
        let other = Self.advisory(
            "CVE-2024-1111", [Self.fix("KB5034119", "Windows Server 2016")],
            published: CivilDate.date(year: 2024, month: 1, day: 9))
        let output = Self.analyse([host], [zerologon, other])
        #expect(Self.missing(output, "SRV-01").isEmpty)
        let unknown = try #require(Self.finding(output, .updateStateUnknown, "SRV-01"))
        // Zerologon was decided by the build (not applicable here); the other is the one left undecided.
        #expect(unknown.facts["reason"]?.contains("decides only 1 of the 2 advisories") == true, "\(unknown.facts)")
    }

    @Test("the update recommended is the one that closes most: a rollup, not a security-only update numbered after it")
    func remedyClosesMost() throws {
        // 2024's fix ships as a monthly rollup (superseding 2023's) and as a security-only update numbered after it; a
        // 2022 fix is a standalone update neither supersedes. The rollup closes two of three, the security-only one.
        let advisories = [
            Self.advisory(
                "CVE-2024-0001",
                [
                    Self.fix("KB5000002", supersedes: ["KB5000001"], kind: "Monthly Rollup"),
                    Self.fix("KB5000003", kind: "Security Only"),
                ], published: CivilDate.date(year: 2024, month: 1, day: 9)),
            Self.advisory(
                "CVE-2023-0002", [Self.fix("KB5000001", kind: "Monthly Rollup")],
                published: CivilDate.date(year: 2023, month: 1, day: 10)),
            Self.advisory(
                "CVE-2022-0003", [Self.fix("KB4000009")], published: CivilDate.date(year: 2022, month: 1, day: 11)),
        ]
        let output = Self.analyse([Self.host("PC-01", kbs: ["KB2999226"])], advisories)
        #expect(Self.missing(output, "PC-01") == ["CVE-2024-0001", "CVE-2023-0002", "CVE-2022-0003"])
        let findings = output.findings.filter { Self.missingRules.contains($0.rule) }
        #expect(!findings.isEmpty)
        for finding in findings {
            #expect(finding.facts["install"] == "KB5000002", "\(finding.detail)")
            #expect(finding.detail.contains("closes 2 of the 3 vulnerabilities the host misses"), "\(finding.detail)")
        }
        let table = try #require(output.tables.first { $0.id == "updates.patch-levels" })
        let install = try #require(table.columns.firstIndex(of: "Install"))
        #expect(table.rows.first?[install] == "KB5000002 (closes 2 of 3)")
    }

    @Test(
        "a fix shipped out of band or in a servicing-stack update is in every later cumulative update of the product",
        arguments: [("KB5050000", false), ("KB5040000", true)])
    func outOfBandFix(installed: String, missing: Bool) {
        let product = Self.windows10v22H2
        let june = CivilDate.date(year: 2024, month: 6, day: 11)
        let advisories = [
            // Two monthly cumulative updates, the second superseding the first.
            Self.advisory(
                "CVE-2024-0001", [Self.fix("KB5040000", product, supersedes: ["KB5030000"])], published: june),
            Self.advisory(
                "CVE-2024-0002", [Self.fix("KB5050000", product, supersedes: ["KB5040000"])], published: june),
            // Between them, an out-of-band update and a servicing-stack fix, neither in any supersedence.
            Self.advisory("CVE-2024-0003", [Self.fix("KB5045000", product)], published: june),
            Self.advisory("CVE-2024-0004", [Self.fix("KB5044000", product)], published: june),
            // A Flash row (no CVE: its id is the update's) and a .NET one (an installable component): never in a
            // Windows cumulative update.
            Self.advisory("KB5045100", [Self.fix("KB5045100", product)], published: june),
            Self.advisory(
                "CVE-2024-0005", [Self.fix("KB5045200", product, component: "Microsoft .NET Framework 4.8")],
                published: june),
        ]
        let host = Self.host("PC-01", Self.system("Microsoft Windows 10 Pro", "10.0.19045"), kbs: [installed])
        let output = Self.analyse([host], advisories)
        let missed = Self.missing(output, "PC-01")
        #expect(missed.contains("CVE-2024-0003") == missing, "\(installed): \(missed)")
        #expect(missed.contains("CVE-2024-0004") == missing, "\(installed): \(missed)")
        var matcher = UpdateMatcher(index: AdvisoryIndex(advisories))
        let state = matcher.match(host)
        // Neither the Flash row nor the .NET one is counted fixed by the later cumulative update.
        #expect(state.fixedByReleaseOrder == (missing ? 0 : 2), "\(installed)")
    }

    @Test("only Windows 10, 11 and Server 2016 on are serviced by cumulative updates alone; .NET's products are not")
    func cumulativeOnlyProducts() {
        for name in [
            "Windows 10 Version 22H2 for x64-based Systems", "Windows Server 2019", "Windows Server 2016  ",
            "Windows 11 Version 24H2 for x64-based Systems", "Windows Server 2022 (Server Core installation)",
        ] {
            #expect(AdvisoryIndex.isServicedByCumulativeUpdatesOnly(name), "\(name)")
        }
        for name in [
            "Microsoft .NET Framework 3.5 AND 4.8.1 on Windows 10 Version 21H2 for x64-based Systems",
            "Microsoft .NET Framework 4.8 on Windows Server 2016", "Windows 7 for x64-based Systems Service Pack 1",
            "Windows Server 2012 R2", "Windows 8.1 for x64-based systems",
        ] {
            #expect(!AdvisoryIndex.isServicedByCumulativeUpdatesOnly(name), "\(name)")
        }
    }

    @Test("a servicing-stack update (fixing only ADV990001) does not fix older vulnerabilities by release order")
    func servicingStack() {
        let stack = Self.advisory(
            "ADV990001", [Self.fix("KB4516655", supersedes: ["KB4490628"])],
            published: CivilDate.date(year: 2019, month: 9, day: 10), cvss: nil, vendor: "Critical")
        let output = Self.analyse([Self.host("PC-01", kbs: ["KB4516655"])], [Self.eternalBlue, stack])
        #expect(Self.missing(output, "PC-01") == ["CVE-2017-0144"])
    }

    /// CVE-2024-30080 (MSMQ), fixed by KB5039211, build 19045.4529.
    static let msmq = advisory(
        "CVE-2024-30080", [fix("KB5039211", windows10v22H2, build: "10.0.19045.4529")],
        published: CivilDate.date(year: 2024, month: 6, day: 11), cvss: 9.8)

    @Test(
        "a host reporting its build revision but no update list is fixed at or above the fixed build",
        arguments: [(4529, false), (4780, false), (4412, true), (4528, true)])
    func buildRevision(revision: Int, missing: Bool) {
        let osquery = Self.system("Microsoft Windows 10 Pro", "10.0.19045", revision: revision)
        let output = Self.analyse([Self.host("PC-01", osquery, kbs: nil)], [Self.msmq])
        #expect(Self.missing(output, "PC-01") == (missing ? ["CVE-2024-30080"] : []))
        #expect(Self.finding(output, .updateStateUnknown, "PC-01") == nil)
    }

    @Test("a fixed build on another build of the product does not decide a host's advisory")
    func otherBuild() {
        let osquery = Self.system("Microsoft Windows 10 Pro", "10.0.19045", revision: 9999)
        let otherBuild = Self.advisory(
            "CVE-2024-30080", [Self.fix(nil, Self.windows10v22H2, build: "10.0.19044.4529")],
            published: CivilDate.date(year: 2024, month: 6, day: 11), cvss: 9.8)
        let output = Self.analyse([Self.host("PC-01", osquery, kbs: nil)], [otherBuild])
        #expect(Self.missing(output, "PC-01") == [])
        #expect(Self.finding(output, .updateStateUnknown, "PC-01") != nil)
    }

    @Test("a host listing its updates whose build revision is below a build-only fix misses it")
    func listedHostBelowFixedBuild() {
        // May 2024's cumulative update (KB5037768, build 19045.4412) is installed and reported with its revision;
        // a source that gives only the fixed build for June's CVE-2024-30080 must still decide it.
        let host = Self.host(
            "PC-01", Self.system("Microsoft Windows 10 Pro", "10.0.19045", revision: 4412), kbs: ["KB5037768"])
        let may = Self.advisory(
            "CVE-2024-30051", [Self.fix("KB5037768", Self.windows10v22H2, supersedes: ["KB5036892"])],
            published: CivilDate.date(year: 2024, month: 5, day: 14), cvss: 7.8)
        let juneBuildOnly = Self.advisory(
            "CVE-2024-30080", [Self.fix(nil, Self.windows10v22H2, build: "10.0.19045.4529")],
            published: CivilDate.date(year: 2024, month: 6, day: 11), cvss: 9.8)
        let output = Self.analyse([host], [may, juneBuildOnly])
        #expect(Self.missing(output, "PC-01") == ["CVE-2024-30080"])
    }

    /// August 2024's IPv6 fix for Windows 10 22H2, known only as its update (no fixed build).
    static let ipv6 = advisory(
        "CVE-2024-38063", [fix("KB5041580", windows10v22H2)],
        published: CivilDate.date(year: 2024, month: 8, day: 13), cvss: 9.8)

    @Test(
        "WES-NG's service-pack markers are no vulnerabilities: a Windows 7 host without the convenience rollup lacks none"
    )
    func servicePackMarkers() throws {
        // The real custom definitions list SP7X64SP2 (KB3125574, the convenience rollup) as a Critical row.
        let file = "advisories/wesng-custom-20190321.csv"
        let custom = try WesngDefinitionsReader().read(path: Fixtures.url(file).path, file: file, progress: nil)
        #expect(custom.advisories.contains { $0.id == "SP7X64SP2" })
        // Beside a real vulnerability the host is decided on: BlueKeep, fixed in May 2019, after its April rollup.
        let blueKeep = Self.advisory(
            "CVE-2019-0708", [Self.fix("KB4499175")], published: CivilDate.date(year: 2019, month: 5, day: 14),
            cvss: 9.8)
        let output = Self.analyse([Self.host("PC-01", kbs: ["KB4493472"])], custom.advisories + [blueKeep])
        let missing = Self.missing(output, "PC-01")
        #expect(missing.contains("CVE-2019-0708") && !missing.contains { $0.hasPrefix("SP") }, "\(missing)")
        #expect(!output.findings.contains { $0.detail.contains("SP7X64SP2") })
    }

    @Test("a build that decides some advisories says nothing of those known only by update: the host is unknown")
    func partlyDecidedNothingMissing() throws {
        // Past June 2024's fixed build; August's fix is an update, and the host's updates were not listed.
        let osquery = Self.system("Microsoft Windows 10 Pro", "10.0.19045", revision: 4780)
        let output = Self.analyse([Self.host("PC-01", osquery, kbs: nil)], [Self.msmq, Self.ipv6])
        let finding = try #require(Self.finding(output, .updateStateUnknown, "PC-01"))
        #expect(finding.facts["reason"]?.contains("decides only 1 of the 2 advisories") == true)
        // Named as the host's other update findings name it, so findings.csv's host_os has it.
        #expect(finding.facts["os"] == "Windows 10 22H2", "\(finding.facts)")
        #expect(Self.missing(output, "PC-01") == [])
        #expect(output.coverage.first?.status == .partial)
    }

    @Test("a host missing advisories by its build, others undecided: reported, the rest counted, coverage partial")
    func partlyDecidedWithMissing() throws {
        let osquery = Self.system("Microsoft Windows 10 Pro", "10.0.19045", revision: 4412)
        let output = Self.analyse([Self.host("PC-01", osquery, kbs: nil)], [Self.msmq, Self.ipv6])
        #expect(Self.missing(output, "PC-01") == ["CVE-2024-30080"])
        #expect(Self.finding(output, .updateStateUnknown, "PC-01") == nil)
        let finding = try #require(output.findings.first { Self.missingRules.contains($0.rule) })
        #expect(finding.facts["undecided"] == "1")
        #expect(finding.detail.contains("1 more advisory for its product cannot be decided"))
        let coverage = try #require(output.coverage.first)
        #expect(coverage.status == .partial)
        #expect(coverage.basis.contains("1 of them only in part"))
        // Unchecked: the rule its undecided advisory (CVSS 9.8, past 14 days, not known exploited) falls under and the
        // one it fell under before (missing, in its first 14 days), and SMBv1 (not given); not the exploited rule.
        let unchecked = output.unchecked.filter { $0.ids?.contains(Self.host("PC-01", osquery).id) == true }
        #expect(
            unchecked.reduce(Set<RuleID>()) { $0.union($1.rules) } == [
                .updateOverdue, .updateMissing, .smbVersion1Enabled,
            ])
    }

    @Test("MS17-010 is never called fixed on a host whose build decides other advisories but not its update")
    func namedVerdictUndecided() throws {
        // November 2016's Server 2016 build, no update list: an advisory with a fixed build of 14393 decides the
        // build; the catalogue's MS17-010 fix for Server 2016 is an update (KB4013429) that cannot be compared.
        let system = Self.system("Microsoft Windows Server 2016 Standard", "10.0.14393", revision: 447)
        let january2024 = Self.advisory(
            "CVE-2024-20674", [Self.fix(nil, "Windows Server 2016", build: "10.0.14393.6614")],
            published: CivilDate.date(year: 2024, month: 1, day: 9), cvss: 9.0)
        let output = Self.analyse(
            [Self.host("SRV-01", system, kbs: nil)], [january2024], reference: try Self.builtIn.get())
        #expect(Self.missing(output, "SRV-01").contains("CVE-2024-20674"))
        let named = try #require(output.findings.compactMap { $0.facts["named"] }.first)
        #expect(named.contains("MS17-010: unknown"), "\(named)")
        #expect(!named.contains("MS17-010: fixed"))
    }

    @Test(
        "a host whose evidence cannot decide is unknown, never patched",
        arguments: [
            ("no update list and no revision", host("PC-01", win7, kbs: nil), "lists its installed updates"),
            ("no operating system", host("PC-01", nil, kbs: ["KB2999226"]), "reports its operating system"),
            (
                "unrecognised operating system",
                host("PC-01", system("Microsoft Windows NT Server", "4.0.1381"), kbs: ["KB2999226"]),
                "not one Vigil recognises"
            ),
        ])
    func unknown(_ label: String, host: Machine, reason: String) throws {
        let output = Self.analyse([host], [Self.eternalBlue, Self.blueKeep])
        let finding = try #require(Self.finding(output, .updateStateUnknown, "PC-01"))
        #expect(finding.facts["reason"]?.contains(reason) == true)
        #expect(Self.missing(output, "PC-01") == [])
        #expect(output.coverage.first?.status == .partial)
    }

    @Test("an installed update newer than any the data knows for the product makes a host unknown (stale data)")
    func staleAdvisoryData() throws {
        // KB5022338: January 2023 Extended Security Update rollup for Windows 7, unknown to this data.
        let output = Self.analyse([Self.host("PC-ESU", kbs: ["KB5022338"])], [Self.eternalBlue, Self.blueKeep])
        let finding = try #require(Self.finding(output, .updateStateUnknown, "PC-ESU"))
        #expect(finding.facts["reason"]?.contains("KB5022338") == true)
        #expect(Self.missing(output, "PC-ESU") == [])
    }

    @Test("an unknown update older than the data's newest for the product does not make a host unknown")
    func unknownOlderUpdate() {
        // KB2999226: the 2015 Universal C Runtime update, in no advisory.
        let output = Self.analyse([Self.host("PC-01", kbs: ["KB2999226"])], [Self.eternalBlue, Self.blueKeep])
        #expect(Self.finding(output, .updateStateUnknown, "PC-01") == nil)
        #expect(Self.missing(output, "PC-01") == ["CVE-2017-0144", "CVE-2019-0708"])
        #expect(output.coverage.first?.status == .assessed)
    }

    @Test("hosts with identical evidence get identical findings; hosts with different evidence do not share them")
    func memo() throws {
        let hosts = [
            Self.host("PC-A", kbs: ["KB2999226"]), Self.host("PC-B", kbs: ["KB2999226"]),
            Self.host("PC-C", kbs: ["KB4499164"]), Self.host("PC-D", kbs: ["KB2999226"]),
        ]
        let output = Self.analyse(hosts, [Self.eternalBlue, Self.blueKeep])
        for name in ["PC-A", "PC-B", "PC-D"] {
            #expect(Self.missing(output, name) == ["CVE-2017-0144", "CVE-2019-0708"])
        }
        // KB4499164 covers BlueKeep directly and MS17-010 by release order.
        #expect(Self.missing(output, "PC-C") == [])
        let first = try #require(Self.finding(output, .updateOverdue, "PC-A"))
        let second = try #require(Self.finding(output, .updateOverdue, "PC-B"))
        #expect(first.facts == second.facts)
        #expect(first.detail.replacingOccurrences(of: "PC-A", with: "PC-B") == second.detail)
    }

    @Test("hosts of one product but different releases (LTSB and semi-annual 1607) keep their own end of support")
    func memoKeepsRelease() {
        let asOf = CivilDate.date(year: 2026, month: 6, day: 1)
        let ltsb = Self.system("Microsoft Windows 10 Enterprise 2016 LTSB", "10.0.14393")
        let semiAnnual = Self.system("Microsoft Windows 10 Enterprise", "10.0.14393")
        let cumulative = Self.advisory(
            "CVE-2017-0144", [Self.fix("KB4013429", Self.windows10v1607, supersedes: ["KB3213986"])])
        let hosts = [
            Self.host("PC-1", ltsb, kbs: ["KB4013429"]), Self.host("PC-2", semiAnnual, kbs: ["KB4013429"]),
            Self.host("PC-3", ltsb, kbs: ["KB4013429"]), Self.host("PC-4", semiAnnual, kbs: ["KB4013429"]),
        ]
        let output = Self.analyse(hosts, [cumulative], asOf: asOf)
        let unsupported = output.findings.filter { $0.rule == .unsupportedSystem }.map(\.subject.name).sorted()
        #expect(unsupported == ["PC-2", "PC-4"])
    }

    // MARK: 3. Priority and grouping

    @Test("a known-exploited missing advisory (KEV entry joined by CVE) is reported as exploited")
    func exploited() throws {
        let output = Self.analyse(
            [Self.host("PC-01", kbs: ["KB2999226"])],
            [
                Self.eternalBlue, Self.blueKeep,
                Self.kev("CVE-2017-0144", due: (2022, 8, 10), ransomware: true),
                Self.kev("CVE-2019-0708", due: (2022, 5, 3), ransomware: false),
            ])
        let finding = try #require(Self.finding(output, .updateMissingExploited, "PC-01"))
        #expect(finding.severity == .critical)
        #expect(finding.facts["ransomware"] == "true")
        // The CISA date only as "listed as exploited since" (the earliest date added), never its US federal due date.
        #expect(finding.facts["exploitedSince"] == "2021-05-03")
        #expect(finding.facts["kevDueDate"] == nil)
        #expect(finding.facts["vulnerabilities"] == "2")
        // Exploited first, then the higher score: BlueKeep (9.8) before EternalBlue (8.1).
        #expect(finding.facts["listed"] == "CVE-2019-0708,CVE-2017-0144")
        #expect(Self.finding(output, .updateOverdue, "PC-01") == nil)
        #expect(Self.finding(output, .updateMissing, "PC-01") == nil)
    }

    @Test("a KEV entry without known ransomware use gives no ransomware fact")
    func exploitedWithoutRansomware() throws {
        let output = Self.analyse(
            [Self.host("PC-01", kbs: ["KB2999226"])],
            [Self.blueKeep, Self.kev("CVE-2019-0708", due: (2022, 5, 3), ransomware: false)])
        let finding = try #require(Self.finding(output, .updateMissingExploited, "PC-01"))
        #expect(finding.facts["ransomware"] == nil)
        #expect(finding.facts["exploitedSince"] == "2021-05-03")
        #expect(!finding.detail.contains("ransomware"))
    }

    @Test("a KEV entry joins a bulletin advisory through the CVEs it covers")
    func exploitedJoinedByCVE() throws {
        let bulletin = Self.advisory(
            "MS17-010", [Self.fix("KB4012212"), Self.fix("KB4012215", supersedes: ["KB3212646"])],
            cves: ["CVE-2017-0143", "CVE-2017-0144", "CVE-2017-0145"])
        let output = Self.analyse(
            [Self.host("PC-01", kbs: ["KB2999226"])],
            [Self.kev("CVE-2017-0144", due: (2022, 8, 10), ransomware: true), bulletin])
        let finding = try #require(Self.finding(output, .updateMissingExploited, "PC-01"))
        #expect(finding.facts["listed"] == "MS17-010")
        #expect(output.coverage.first?.basis.contains("1 known-exploited entry") == true)
    }

    @Test(
        "critical or high advisories released more than 14 days before are overdue; others are missing",
        arguments: [
            (CivilDate.date(year: 2026, month: 11, day: 16), 9.8, nil, RuleID.updateOverdue),  // 15 days
            (CivilDate.date(year: 2026, month: 11, day: 17), 9.8, nil, .updateMissing),  // 14 days
            (CivilDate.date(year: 2026, month: 11, day: 30), 9.8, nil, .updateMissing),
            (CivilDate.date(year: 2025, month: 1, day: 14), 7.0, nil, .updateOverdue),
            (CivilDate.date(year: 2025, month: 1, day: 14), 6.9, nil, .updateMissing),
            (CivilDate.date(year: 2025, month: 1, day: 14), nil, "Critical", .updateOverdue),
            (CivilDate.date(year: 2025, month: 1, day: 14), nil, "Important", .updateOverdue),
            (CivilDate.date(year: 2025, month: 1, day: 14), nil, "Moderate", .updateMissing),
            (CivilDate.date(year: 2025, month: 1, day: 14), nil, nil, .updateMissing),
        ] as [(Date, Double?, String?, RuleID)])
    func priority(published: Date, cvss: Double?, vendor: String?, rule: RuleID) {
        let advisory = Self.advisory(
            "CVE-2025-21298", [Self.fix("KB5050009", Self.windows11v24H2, supersedes: ["KB5048667"])],
            published: published, cvss: cvss, vendor: vendor)
        let output = Self.analyse([Self.host("PC-01", Self.win11, kbs: ["KB5044284"])], [advisory])
        let found = output.findings.filter { Self.missingRules.contains($0.rule) }.map(\.rule)
        #expect(found == [rule])
    }

    @Test("facts: days exposed, the proof naming the product and fixing updates, and at most 20 listed")
    func facts() throws {
        let older = Self.advisory(
            "CVE-2024-49138", [Self.fix("KB5048667", Self.windows11v24H2, supersedes: ["KB5046617"])],
            published: CivilDate.date(year: 2026, month: 11, day: 1), cvss: 7.8)
        let newer = Self.advisory(
            "CVE-2025-21333", [Self.fix("KB5050009", Self.windows11v24H2, supersedes: ["KB5048667"])],
            published: CivilDate.date(year: 2026, month: 11, day: 11), cvss: 7.8)
        let output = Self.analyse([Self.host("PC-01", Self.win11, kbs: ["KB5044284"])], [older, newer])
        let finding = try #require(Self.finding(output, .updateOverdue, "PC-01"))
        #expect(finding.facts["daysExposed"] == "30")
        #expect(finding.facts["product"] == Self.windows11v24H2)
        #expect(finding.facts["install"] == "KB5050009")
        #expect(finding.proof.count == 2)
        let proof = try #require(finding.proof.last)
        #expect(proof.hasPrefix("CVE-2025-21333: \(Self.windows11v24H2): fixed by KB5050009"))
        #expect(proof.hasSuffix("the host lists 1 installed update, none of which applies"))
        let first = try #require(finding.proof.first)
        #expect(first.contains("KB5048667") && first.contains("or the later update that supersedes them"))
        #expect(!finding.facts.keys.contains { $0.hasPrefix("proof") })
    }

    @Test("a finding lists at most 20 advisory identifiers but counts them all")
    func listedLimit() throws {
        let advisories = (0..<25).map { offset in
            Self.advisory(
                "CVE-2017-\(String(format: "%04d", 8500 + offset))", [Self.fix("KB\(4038777 + offset)")],
                published: CivilDate.date(year: 2017, month: 9, day: 12), cvss: 7.5)
        }
        let output = Self.analyse([Self.host("PC-01", kbs: ["KB2999226"])], advisories)
        let finding = try #require(Self.finding(output, .updateOverdue, "PC-01"))
        #expect(finding.facts["vulnerabilities"] == "25")
        let listed = try #require(finding.facts["listed"]).split(separator: ",")
        #expect(listed.count == 20)
        #expect(listed.first == "CVE-2017-8500")
    }

    // MARK: 4. Unsupported systems and SMBv1

    @Test(
        "an unsupported operating system is reported after, never on or before, its end of support",
        arguments: [
            (
                system("Microsoft Windows XP Professional", "5.1.2600", architecture: "X86-based PC"), (2026, 12, 1),
                Severity.critical
            ),
            (win7, (2026, 12, 1), .critical),
            (win7, (2020, 1, 15), .critical),
            (win7, (2020, 1, 14), nil),
            (server2008R2Standard, (2026, 12, 1), .critical),
            (system("Microsoft Windows 10 Enterprise", "10.0.17763"), (2026, 12, 1), .high),
            (system("Microsoft Windows 10 Enterprise", "10.0.17763"), (2021, 5, 12), .high),
            (system("Microsoft Windows 10 Enterprise", "10.0.17763"), (2021, 5, 11), nil),
            (system("Microsoft Windows Server 2019 Standard", "10.0.17763"), (2026, 12, 1), nil),
            (win11, (2026, 12, 1), nil),
        ] as [(OperatingSystem, (Int, Int, Int), Severity?)])
    func unsupported(system: OperatingSystem, on day: (Int, Int, Int), severity: Severity?) {
        let asOf = CivilDate.date(year: day.0, month: day.1, day: day.2)
        let output = Self.analyse([Self.host("PC-01", system, kbs: [])], [], asOf: asOf)
        let finding = Self.finding(output, .unsupportedSystem, "PC-01")
        #expect(finding?.severity == severity)
        if let finding {
            let end = WindowsRelease.recognise(system)?.endOfSupport
            #expect(finding.facts["endOfSupport"] == end.map(CivilDate.string))
        }
    }

    @Test("SMBv1 is reported only when evidence says it is enabled", arguments: [(true, true), (false, false)])
    func smb1(enabled: Bool, reported: Bool) {
        let output = Self.analyse([Self.host("PC-01", Self.win11, kbs: [], smb1: enabled)], [])
        #expect((Self.finding(output, .smbVersion1Enabled, "PC-01") != nil) == reported)
        // The host's system travels with the finding, so a host whose only finding it is still shows its system.
        if let finding = Self.finding(output, .smbVersion1Enabled, "PC-01") {
            #expect(finding.facts["os"] == "Windows 11 24H2" && finding.facts["build"] == "26100")
        }
    }

    @Test("SMBv1 is not reported when no evidence says")
    func smb1Unknown() {
        let output = Self.analyse(
            [Self.host("PC-01", Self.win11, kbs: [], smb1: nil), Self.host("PC-02", Self.win11, kbs: [], smb1: true)],
            [])
        #expect(output.findings.filter { $0.rule == .smbVersion1Enabled }.map(\.subject.name) == ["PC-02"])
    }

    // MARK: 5. Advisory merging

    @Test("the same CVE from two sources: fixes united, the highest score, the earliest date")
    func merging() throws {
        let bundle = Self.advisory(
            "CVE-2019-0708", [Self.fix("KB4499164", supersedes: ["KB4493472"])],
            published: CivilDate.date(year: 2019, month: 5, day: 20), cvss: 6.5)
        let imported = Self.advisory(
            "CVE-2019-0708",
            [
                Self.fix("KB4499164", supersedes: ["KB4489878"]), Self.fix("KB4499175"),
                Self.fix("KB4499164", Self.server2008R2, supersedes: ["KB4493472"]),
            ],
            published: CivilDate.date(year: 2019, month: 5, day: 14), cvss: 9.8,
            source: EvidenceReference(file: "advisories/imported.csv"))
        let joined = try #require(AdvisoryIndex([bundle, imported]).advisories.first)
        #expect(AdvisoryIndex([bundle, imported]).advisories.count == 1)
        #expect(joined.cvssScore == 9.8)
        #expect(joined.published == CivilDate.date(year: 2019, month: 5, day: 14))
        var merged = bundle
        merged.merge(imported)
        #expect(merged.fixes.count == 3)
        let win7Rollup = merged.fixes.first { $0.product == Self.windows7 && $0.kb == "KB4499164" }
        #expect(win7Rollup?.supersedes == ["KB4489878", "KB4493472"])

        let output = Self.analyse(
            [
                Self.host("PC-SECONLY", kbs: ["KB4499175"]), Self.host("PC-OPEN", kbs: ["KB2999226"]),
                Self.host("SRV-01", Self.server2008R2Standard, kbs: ["KB4489878"]),
            ],
            [bundle], reference: [imported])
        #expect(Self.missing(output, "PC-SECONLY") == [])
        // Overdue on the higher score; exposure from the earlier date.
        let open = try #require(Self.finding(output, .updateOverdue, "PC-OPEN"))
        #expect(open.facts["daysExposed"] == String(UpdatesAnalyzerTests.days(from: (2019, 5, 14))))
        #expect(Self.finding(output, .updateOverdue, "SRV-01") != nil)
    }

    /// Whole days from a date to the as-of date, by counting calendar days.
    static func days(from day: (Int, Int, Int)) -> Int {
        CivilDate.days(year: 2026, month: 12, day: 1) - CivilDate.days(year: day.0, month: day.1, day: day.2)
    }

    // MARK: 6. Installable components

    static let dotNet351 = "Microsoft .NET Framework 3.5.1"
    static let dotNet4 = "Microsoft .NET Framework 4"
    static let dotNet45 = "Microsoft .NET Framework 4.5"

    /// CVE-2015-2431 (MS15-080) for Windows 7 as WES-NG has it: KB3078601 for Windows itself, KB3072305 for
    /// .NET 3.5.1; and MS13-082 (CVE-2013-3128): Windows, .NET 3.5.1, 4 and 4.5 each with their own update. Two older
    /// .NET updates, one per version, show which versions a host has.
    static let componentAdvisories = [
        advisory(
            "CVE-2015-2431",
            [fix("KB3078601", component: ""), fix("KB3072305", component: dotNet351)],
            published: CivilDate.date(year: 2015, month: 8, day: 11)),
        advisory(
            "CVE-2013-3128",
            [
                fix("KB2847311", component: "Windows Kernel-Mode Drivers"), fix("KB2861698", component: dotNet351),
                fix("KB2858302", component: dotNet4), fix("KB2861208", component: dotNet45),
            ],
            published: CivilDate.date(year: 2013, month: 10, day: 8)),
        advisory(
            "CVE-2012-0160",
            [fix("KB2633880", component: dotNet351), fix("KB2633870", component: dotNet4)],
            published: CivilDate.date(year: 2012, month: 3, day: 13)),
    ]

    @Test(
        "an update of one installable component fixes neither Windows nor another component the host has",
        arguments: [
            // The .NET 3.5.1 fix alone leaves the Windows fix of MS15-080 missing.
            (["KB3072305"], ["CVE-2015-2431", "CVE-2013-3128", "CVE-2012-0160"]),
            // Windows' fix alone: the host shows no .NET 3.5.1 update, so only Windows' part applies.
            (["KB3078601", "KB2847311"], ["CVE-2012-0160"]),
            // The host has .NET 3.5.1 (KB2633880): its MS15-080 part applies too.
            (["KB3078601", "KB2847311", "KB2633880"], ["CVE-2015-2431", "CVE-2013-3128"]),
            // .NET 4 shown (KB2633870): MS13-082 needs its .NET 4 update; MS15-080 has no .NET 4 part.
            (["KB3078601", "KB3072305", "KB2847311", "KB2861698", "KB2633870", "KB2633880"], ["CVE-2013-3128"]),
            (["KB3078601", "KB3072305", "KB2847311", "KB2861698", "KB2858302", "KB2633870", "KB2633880"], []),
        ] as [([String], Set<String>)])
    func installableComponents(kbs: [String], missing: Set<String>) {
        let output = Self.analyse([Self.host("PC-01", kbs: kbs)], Self.componentAdvisories)
        #expect(Self.missing(output, "PC-01") == missing)
    }

    @Test(".NET 4.5 upgrades 4 in place: a host showing both needs only the 4.5 part; areas of Windows are Windows")
    func componentFamilies() {
        // KB2861208 (.NET 4.5 part) shows 4.5; KB2633870 shows 4: only 4.5 applies, so KB2858302 is not needed.
        let output = Self.analyse(
            [Self.host("PC-01", kbs: ["KB2847311", "KB2633870", "KB2633880", "KB2861698", "KB2861208"])],
            Self.componentAdvisories)
        #expect(Self.missing(output, "PC-01") == ["CVE-2015-2431"])
        #expect(InstallableComponent("Windows Kernel-Mode Drivers") == nil)
        #expect(InstallableComponent("Microsoft Graphics Component") == nil)
        #expect(InstallableComponent("Windows Internet Explorer 11") == nil)
        #expect(InstallableComponent(Self.dotNet351)?.family == nil)
        #expect(InstallableComponent("Microsoft .NET Framework 4.7.2")?.version == [4, 7, 2])
    }

    // MARK: 6b. The index snapshot

    @Test("a snapshot decodes to an index that matches every host as the built one; a product filter keeps only those")
    func snapshotRoundTrip() throws {
        let advisories =
            try Self.builtIn.get() + Self.componentAdvisories + Self.rollupChain()
            + [Self.kev("CVE-2017-0144", due: (2022, 8, 10), ransomware: true)]
        let built = AdvisoryIndex(advisories)
        let decoded = try AdvisoryIndex(snapshot: built.snapshot())
        #expect(decoded.advisories == built.advisories)
        #expect(decoded.productCount == built.productCount)
        #expect(decoded.supersedes == built.supersedes && decoded.known == built.known)
        #expect(decoded.snapshot() == built.snapshot())
        let hosts = [
            Self.host("PC-01", kbs: ["KB3072305", "KB2633880"]), Self.host("PC-02", kbs: ["KB4022719"]),
            Self.host("PC-03", kbs: ["KB4012212"]),
            Self.host("SRV-01", Self.server2008R2Standard, kbs: ["KB4499164"]),
            Self.host("PC-04", Self.system("Microsoft Windows 10 Enterprise", "10.0.14393"), kbs: ["KB4013429"]),
        ]
        let wanted = AdvisoryIndex.products(for: hosts)
        let filtered = try AdvisoryIndex(snapshot: built.snapshot(), products: wanted)
        #expect(filtered.productCount < built.productCount && filtered.productCount > 0)
        #expect(Set(filtered.productIndex.keys).isSubset(of: wanted))
        for index in [decoded, filtered] {
            var expected = UpdateMatcher(index: built)
            var actual = UpdateMatcher(index: index)
            for host in hosts {
                let (left, right) = (expected.match(host), actual.match(host))
                #expect(left.product.map { built.products[$0].name } == right.product.map { index.products[$0].name })
                let names = { (state: HostUpdateState, index: AdvisoryIndex) in
                    state.missing.map { index.advisories[index.products[state.product!].entries[Int($0)].advisory].id }
                }
                #expect(names(left, built) == names(right, index), "\(host.name)")
                #expect(left.fixed == right.fixed && left.fixedByReleaseOrder == right.fixedByReleaseOrder)
            }
        }
    }

    @Test("a damaged snapshot is refused whole: every truncation and a flipped magic throw, none crashes")
    func snapshotDamage() throws {
        let bytes = AdvisoryIndex(Self.componentAdvisories + Self.rollupChain()).snapshot()
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            #expect(throws: AdvisoryIndex.SnapshotError.self) {
                try AdvisoryIndex(snapshot: Array(bytes.prefix(length)))
            }
        }
        var flipped = bytes
        flipped[0] ^= 0xFF
        #expect(throws: AdvisoryIndex.SnapshotError.self) { try AdvisoryIndex(snapshot: flipped) }
    }

    // MARK: 7. The built-in catalogue

    static let builtIn = Result { try BuiltInAdvisories.load() }

    static let eternalBlueCVEs: Set<String> = [
        "CVE-2017-0143", "CVE-2017-0144", "CVE-2017-0145", "CVE-2017-0146", "CVE-2017-0147", "CVE-2017-0148",
    ]

    /// `host` against the built-in catalogue, its updates dated as the engine dates them.
    static func analyseBuiltIn(_ host: Machine, datingUpdates: Bool = true) throws -> AnalyzerOutput {
        let catalogue = try builtIn.get()
        return analyse(
            [host], [], reference: catalogue,
            updateReleases: datingUpdates ? UpdateReleases.dated(by: catalogue) : [:])
    }

    @Test(
        "Windows 7 SP1 x64 against the built-in catalogue",
        arguments: [
            // Only pre-2017 updates (the UCRT, the September 2016 SSU, January 2017's rollup).
            (["KB2999226", "KB3177467", "KB3212646"], eternalBlueCVEs.union(["CVE-2019-0708"])),
            // March 2017's security-only update fixes MS17-010 and nothing later.
            (["KB4012212"], ["CVE-2019-0708"]),
            // May 2019's security-only update fixes BlueKeep but not the earlier MS17-010.
            (["KB4499175"], eternalBlueCVEs),
            // May 2019's monthly rollup supersedes March 2017's through the chain.
            (["KB4499164"], []),
            // September 2019's monthly rollup.
            (["KB4516065"], []),
        ] as [([String], Set<String>)])
    func builtInWindows7(kbs: [String], missing: Set<String>) throws {
        let output = try Self.analyseBuiltIn(Self.host("PC-01", Self.win7, kbs: kbs))
        #expect(Self.finding(output, .updateStateUnknown, "PC-01") == nil)
        #expect(Self.missing(output, "PC-01") == missing)
        if !missing.isEmpty {
            let finding = try #require(Self.finding(output, .updateMissingExploited, "PC-01"))
            #expect(finding.severity == .critical)
            #expect(finding.facts["ransomware"] == "true")
            #expect(finding.proof.first?.contains(Self.windows7) == true)
        }
    }

    @Test("Windows 10 1607 with March 2017's cumulative update has MS17-010 fixed but misses DejaBlue")
    func builtInWindows10() throws {
        let output = try Self.analyseBuiltIn(
            Self.host("PC-01", Self.system("Microsoft Windows 10 Enterprise", "10.0.14393"), kbs: ["KB4013429"]))
        #expect(Self.finding(output, .updateStateUnknown, "PC-01") == nil)
        #expect(Self.missing(output, "PC-01") == ["CVE-2019-1181", "CVE-2019-1182"])
        let open = try Self.analyseBuiltIn(
            Self.host("PC-02", Self.system("Microsoft Windows 10 Enterprise", "10.0.14393"), kbs: ["KB3213986"]))
        #expect(Self.missing(open, "PC-02").isSuperset(of: Self.eternalBlueCVEs))
    }

    @Test(
        "Server 2008 SP2 with the MS17-010 update KB4012598 has it fixed; without, it misses it",
        arguments: [(["KB4012598"], false), (["KB3177186"], true)])
    func builtInServer2008(kbs: [String], missesEternalBlue: Bool) throws {
        let system = Self.system("Microsoft Windows Server 2008 Standard", "6.0.6002", servicePack: 2)
        let output = try Self.analyseBuiltIn(Self.host("SRV-01", system, kbs: kbs))
        let missing = Self.missing(output, "SRV-01")
        #expect(missing.isSuperset(of: Self.eternalBlueCVEs) == missesEternalBlue)
        #expect(missing.isDisjoint(with: Self.eternalBlueCVEs) == !missesEternalBlue)
        #expect(missing.contains("CVE-2019-0708"))
    }

    @Test(
        "Windows XP SP3: the emergency update KB4012598 fixes MS17-010; without it MS17-010 and MS08-067 are missing",
        arguments: [(["KB4012598", "KB958644"], false), (["KB2347290"], true)])
    func builtInWindowsXP(kbs: [String], missesEternalBlue: Bool) throws {
        let system = Self.system(
            "Microsoft Windows XP Professional", "5.1.2600", architecture: "X86-based PC", servicePack: 3)
        let output = try Self.analyseBuiltIn(Self.host("PC-XP", system, kbs: kbs))
        let missing = Self.missing(output, "PC-XP")
        #expect(missing.isDisjoint(with: Self.eternalBlueCVEs) == !missesEternalBlue)
        #expect(missing.contains("CVE-2008-4250") == missesEternalBlue)
        #expect(missing.contains("CVE-2019-0708"), "BlueKeep's KB4500331 is not installed")
        #expect(Self.finding(output, .updateStateUnknown, "PC-XP") == nil)
        #expect(Self.finding(output, .unsupportedSystem, "PC-XP")?.severity == .critical)
    }

    // MARK: 8. The advisory table

    @Test("the advisory table puts known-exploited advisories first and counts the hosts missing each")
    func table() throws {
        let lnk = Self.advisory(
            "CVE-2017-8464", [Self.fix("KB4022722")], published: CivilDate.date(year: 2017, month: 6, day: 13),
            cvss: 8.8)
        let hosts = [
            Self.host("PC-01", kbs: ["KB2999226"]),  // misses all three
            Self.host("PC-02", kbs: ["KB4499164"]),  // misses the two security-only fixes
            Self.host("PC-03", kbs: ["KB4499164", "KB4022722"]),  // misses MS17-010's security-only fix only
        ]
        // Here MS17-010 is fixed only by its security-only update, so no rollup fixes it by release order (Windows 7
        // is serviced by security-only updates as well as rollups: one outside the chain is not in the next rollup).
        let securityOnly = Self.advisory("CVE-2017-0144", [Self.fix("KB4012212")])
        let output = Self.analyse(
            hosts, [securityOnly, lnk, Self.blueKeep, Self.kev("CVE-2019-0708", due: (2022, 5, 3), ransomware: true)])
        let table = try #require(output.tables.first { $0.id == "updates.advisories" })
        let rows = table.rows.map { [$0[0], $0[2], $0[3]] }
        #expect(
            rows == [
                ["CVE-2019-0708", "1", "yes, listed as exploited since 2021-05-03, ransomware"],
                ["CVE-2017-0144", "3", "no"],
                ["CVE-2017-8464", "2", "no"],
            ])
        #expect(table.note == nil)
    }

    @Test("a host whose release no inventory gave is counted as support not known, never as supported")
    func supportUnknown() {
        let output = Self.analyse(
            [
                Self.host("PC-OLD", Self.win7, kbs: ["KB4012215"]), Self.host("PC-NEW", Self.win11, kbs: []),
                Self.host("PC-HOTFIX-ONLY", nil, kbs: ["KB4012215"]),
            ], [])
        func value(_ id: String) -> Int? { output.metrics.first { $0.id == id }?.value }
        #expect(value("updates.hosts") == 3)
        #expect(value("updates.hosts-unsupported") == 1)
        #expect(value("updates.hosts-support-unknown") == 1)
    }
}
