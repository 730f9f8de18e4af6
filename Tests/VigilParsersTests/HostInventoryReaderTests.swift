import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

/// What a systeminfo sample must give, read from the sample by hand (grep, iconv).
struct SystemInfoExpectation: Sendable, CustomTestStringConvertible {
    let fixture: String
    let host: String
    let version: String
    let build: Int
    let servicePack: Int?
    /// Distinct KB numbers listed (systeminfo stops listing after 245 entries; the German sample repeats KBs).
    let kbCount: Int
    let firstKB: String
    /// What its OS Configuration says (all but one are standalone or member workstations and servers).
    var domainController = false

    var testDescription: String { fixture }
}

/// What a wmic qfe sample must give.
struct QfeExpectation: Sendable, CustomTestStringConvertible {
    let fixture: String
    let host: String
    let kbCount: Int
    let firstKB: String
    let firstInstalledOn: String

    var testDescription: String { fixture }
}

@Suite("Host inventory readers: systeminfo, wmic qfe, osquery, host CSV")
struct HostInventoryReaderTests {
    static let secret = "S3CRET5ecret"

    static let systemInfoSamples: [SystemInfoExpectation] = [
        .init(
            fixture: "10_1803_x64_pro_it_systeminfo.txt", host: "PC044", version: "10.0.17134", build: 17134,
            servicePack: nil, kbCount: 10, firstKB: "KB4100347"),
        .init(
            fixture: "10_1803_x64_proforworkstations_en-us_A_20190305_systeminfo.txt", host: "DESKTOP-OOF6NB5",
            version: "10.0.17134", build: 17134, servicePack: nil, kbCount: 4, firstKB: "KB4462930"),
        .init(
            fixture: "10_1809_x64_enterprise_zh-cn_systeminfo.txt", host: "DESKTOP-0CQH3P2", version: "10.0.17763",
            build: 17763, servicePack: nil, kbCount: 1, firstKB: "KB4464455"),
        .init(
            fixture: "10_1809_x64_pro_en-us_20190307_systeminfo.txt", host: "DESKTOP-LOQ9L09", version: "10.0.17763",
            build: 17763, servicePack: nil, kbCount: 5, firstKB: "KB4486553"),
        .init(
            fixture: "10_22H2_x64_enterprise_en-us_systeminfo.txt", host: "DESKTOP-92B51CV", version: "10.0.19045",
            build: 19045, servicePack: nil, kbCount: 1, firstKB: "KB5022502"),
        .init(
            fixture: "11_24H2_x64_enterprise_systeminfo.txt", host: "WINXI24H2LTSC", version: "10.0.26100",
            build: 26100, servicePack: nil, kbCount: 3, firstKB: "KB5037589"),
        .init(
            fixture: "7_sp1_x64_enterprise_en-us_20190305_systeminfo.txt", host: "WIN7SP1X64", version: "6.1.7601",
            build: 7601, servicePack: 1, kbCount: 245, firstKB: "KB2849697"),
        .init(
            fixture: "7_sp1_x64_enterprise_fr_systeminfo_powershell.txt", host: "WIN-IDKKFN87EL8",
            version: "6.1.7601", build: 7601, servicePack: 1, kbCount: 93, firstKB: "KB2491683"),
        .init(
            fixture: "7_sp1_x64_ultimaten_de_systeminfo.txt", host: "OLI7-PC", version: "6.1.7601", build: 7601,
            servicePack: 1, kbCount: 242, firstKB: "KB2849697"),
        .init(
            fixture: "8.1_u1_x64_enterprise_en-us_systeminfo.txt", host: "WIN81U1X64", version: "6.3.9600", build: 9600,
            servicePack: nil, kbCount: 6, firstKB: "KB2919355"),
        .init(
            fixture: "srv_2008r2_sp1_x64_standard_en-us_systeminfo.txt", host: "SRV2K8R2SP1X64", version: "6.1.7601",
            build: 7601, servicePack: 1, kbCount: 2, firstKB: "KB958488"),
        .init(
            fixture: "srv_2012r2_x64_standard_ru_systeminfo.txt", host: "DC", version: "6.3.9600", build: 9600,
            servicePack: nil, kbCount: 7, firstKB: "KB2919355", domainController: true),
        .init(
            fixture: "srv_2019_rtm_datacenter_en-us_systeminfo.txt", host: "WIN-O863JARO7CM", version: "10.0.17763",
            build: 17763, servicePack: nil, kbCount: 5, firstKB: "KB4462930"),
        .init(
            fixture: "srv_2022_systeminfo.txt", host: "WIN-RIBN7SM07BK", version: "10.0.20348", build: 20348,
            servicePack: nil, kbCount: 3, firstKB: "KB5004330"),
    ]

    static let qfeSamples: [QfeExpectation] = [
        // Without a CSName column the host is the file's name up to its first '.'.
        .init(
            fixture: "10_1803_x64_proforworkstations_en-us_A_20190305_qfe.txt",
            host: "10_1803_x64_proforworkstations_en-us_A_20190305_qfe", kbCount: 4, firstKB: "KB4462930",
            firstInstalledOn: "2019-03-02"),
        .init(
            fixture: "10_1809_x64_pro_en-us_20190307_qfe.txt", host: "10_1809_x64_pro_en-us_20190307_qfe",
            kbCount: 5, firstKB: "KB4486553", firstInstalledOn: "2019-03-07"),
        .init(
            fixture: "7_sp1_x64_enterprise_en-us_20190305_qfe.txt", host: "7_sp1_x64_enterprise_en-us_20190305_qfe",
            kbCount: 276, firstKB: "KB2849697", firstInstalledOn: "2015-05-22"),
        .init(
            fixture: "srv_2012r2_x64_standard_ru_qfe.txt", host: "DC", kbCount: 7, firstKB: "KB2919355",
            firstInstalledOn: "2014-03-18"),
    ]

    func read(_ reader: some EvidenceReader, _ url: URL) throws -> EvidenceFragment {
        try reader.read(path: url.path, file: url.lastPathComponent, progress: nil)
    }

    func recognisedFormat(_ url: URL) throws -> String? {
        if case .recognised(let reader) = try FormatSniffer().examine(path: url.path) { return reader.format.id }
        return nil
    }

    // MARK: systeminfo

    @Test("systeminfo samples: host, version, build, service pack, hotfixes", arguments: systemInfoSamples)
    func systemInfoSample(_ expected: SystemInfoExpectation) throws {
        let url = Fixtures.url("windows-systeminfo/systeminfo/" + expected.fixture)
        #expect(try recognisedFormat(url) == "systeminfo")
        let fragment = try read(SystemInfoReader(), url)
        // Two real Windows 7 reports say 273 and 263 updates are installed and list 245: systeminfo's limit.
        let listCut = [
            "7_sp1_x64_enterprise_en-us_20190305_systeminfo.txt", "7_sp1_x64_ultimaten_de_systeminfo.txt",
        ].contains(expected.fixture)
        #expect(
            fragment.log.diagnostics.map(\.code) == (listCut ? ["systeminfo.hotfixes-cut"] : []),
            "\(fragment.log.diagnostics)")
        #expect(fragment.log.recordsRead == 1)
        let host = try #require(fragment.hosts.first)
        #expect(fragment.hosts.count == 1)
        #expect(host.name == expected.host)
        #expect(host.operatingSystem?.version == expected.version)
        #expect(host.operatingSystem?.build == expected.build)
        #expect(host.operatingSystem?.servicePack == expected.servicePack)
        #expect(host.operatingSystem?.architecture == "x64-based PC")
        #expect(host.operatingSystem?.name.contains("Windows") == true)
        #expect(host.operatingSystemSource?.line != nil)
        #expect(host.updatesListed == !listCut)
        #expect(host.installedUpdates.count == expected.kbCount)
        #expect(host.installedUpdates.first?.kb == expected.firstKB)
        #expect(host.installedUpdates.allSatisfy { $0.source.file == expected.fixture && $0.source.line != nil })
        #expect(host.sources.count == 1)
        #expect(host.domainController == expected.domainController)
    }

    @Test(
        "systeminfo: OS Configuration tells a domain controller from a member or standalone host, in any language",
        arguments: [
            ("Primary Domain Controller", true), ("Backup Domain Controller", true), ("Member Server", false),
            ("Standalone Workstation", false), ("Основной контроллер домена", true), ("Workstation membro", false),
            ("Eigenständige Arbeitsstation", false), ("Station de travail autonome", false),
            ("Contrôleur de domaine principal", true), ("独立工作站", false), ("主域控制器", true), ("N/A", nil),
        ])
    func osConfiguration(value: String, domainController: Bool?) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // By the English label, and by position under a label in a language Vigil does not read.
        for label in ["OS Configuration", "Konfigurasi OS"] {
            let url = try scratch.write(
                "\(label).txt",
                "Host Name: SRV-01\nOS Name: Microsoft Windows Server 2016 Standard\n"
                    + "OS Version: 10.0.14393 N/A Build 14393\nOS Manufacturer: Microsoft Corporation\n"
                    + "\(label): \(value)\nHotfix(s): 1 Hotfix(s) Installed.\n [01]: KB5094122\n")
            let host = try #require(read(SystemInfoReader(), url).hosts.first)
            #expect(host.domainController == domainController, "\(label): \(value)")
        }
        let csv = try scratch.write(
            "hosts.csv",
            "\"Host Name\",\"OS Name\",\"OS Version\",\"OS Manufacturer\",\"OS Configuration\"\n"
                + "\"SRV-01\",\"Microsoft Windows Server 2016 Standard\",\"10.0.14393 N/A Build 14393\",\"Microsoft Corporation\",\"\(value)\"\n"
        )
        #expect(try read(SystemInfoReader(), csv).hosts.first?.domainController == domainController, "csv: \(value)")
    }

    @Test("systeminfo in a language Vigil does not read: a System Type in OS Configuration's place is still the type")
    func unknownLanguagePositions() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(
            "pc1.txt",
            "Nama Host: PC1\nNama OS: Microsoft Windows 7 Professional\nVersi OS: 6.1.7601 Service Pack 1 Build 7601\n"
                + "Produsen OS: Microsoft Corporation\nTipe Sistem: X86-based PC\nPerbaikan: 1 terpasang.\n [01]: KB4012215\n"
        )
        let host = try #require(read(SystemInfoReader(), url).hosts.first)
        #expect(host.operatingSystem?.architecture == "X86-based PC")
        #expect(host.domainController == nil)
        // systeminfo /fo csv under a header in that language: every column in systeminfo's order.
        var header = (0..<33).map { "\"Kolom \($0)\"" }
        header[0] = "\"Nama Host\""
        var row = (0..<33).map { _ in "\"\"" }
        row[0] = "\"DC1\""
        row[1] = "\"Microsoft Windows Server 2016 Standard\""
        row[2] = "\"10.0.14393 N/A Build 14393\""
        row[4] = "\"Primary Domain Controller\""
        row[30] = "\"1 Hotfix(s) Installed.,[01]: KB5094122\""
        let csv = try scratch.write(
            "hosts.csv", header.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n")
        #expect(try read(SystemInfoReader(), csv).hosts.first?.domainController == true)
    }

    @Test("systeminfo: real hosts' roles (a domain controller from a lab write-up, a standalone server)")
    func realRoles() throws {
        let controller = try read(
            SystemInfoReader(), Fixtures.url("real/systeminfo/snovvcrash-multimaster-ps-prompt.txt"))
        #expect(controller.hosts.first?.domainController == true)
        let standalone = try read(SystemInfoReader(), Fixtures.url("real/systeminfo/htb-optimum-prompt.txt"))
        #expect(standalone.hosts.first?.domainController == false)
        // One source saying domain controller wins: a host must not lose a domain controller's exposure to a stale file.
        var stale = try #require(controller.hosts.first)
        stale.domainController = false
        #expect(try #require(controller.hosts.first).merging(stale).domainController == true)
        #expect(stale.merging(try #require(controller.hosts.first)).domainController == true)
    }

    @Test("systeminfo /fo csv: a header and two hosts, the second appended with /nh")
    func systemInfoCSV() throws {
        let url = Fixtures.url("windows-systeminfo/systeminfo/two-hosts_systeminfo.csv")
        #expect(try recognisedFormat(url) == "systeminfo")
        let fragment = try read(SystemInfoReader(), url)
        #expect(fragment.log.diagnostics.isEmpty, "\(fragment.log.diagnostics)")
        try #require(fragment.hosts.map(\.name) == ["DESKTOP-92B51CV", "WIN-O863JARO7CM"])
        #expect(fragment.hosts.map { $0.installedUpdates.count } == [1, 5])
        #expect(fragment.hosts[1].installedUpdates.map(\.kb).last == "KB4480116")
        #expect(fragment.hosts[1].operatingSystem?.build == 17763)
        #expect(fragment.hosts[0].operatingSystem?.architecture == "x64-based PC")
        #expect(fragment.hosts[1].sources == [EvidenceReference(file: "two-hosts_systeminfo.csv", line: 3)])
    }

    @Test("systeminfo /fo csv whose list is shorter than it says: warned, and that host's list not taken as complete")
    func systemInfoCSVListCut() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = try String(
            contentsOf: Fixtures.url("windows-systeminfo/systeminfo/two-hosts_systeminfo.csv"), encoding: .utf8
        ).replacingOccurrences(of: "\"5 Hotfix(s) Installed.,", with: "\"273 Hotfix(s) Installed.,")
        let url = try scratch.write("hosts.csv", text)
        let fragment = try read(SystemInfoReader(), url)
        #expect(fragment.hosts.map(\.updatesListed) == [true, false])
        #expect(fragment.hosts.map { $0.installedUpdates.count } == [1, 5])
        #expect(fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == ["systeminfo.hotfixes-cut@3"])
    }

    @Test("systeminfo /fo csv with an appended row cut short: that row alone is rejected, the hosts after it read")
    func systemInfoCSVRowCut() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let lines = try String(
            contentsOf: Fixtures.url("windows-systeminfo/systeminfo/two-hosts_systeminfo.csv"), encoding: .utf8
        ).split(whereSeparator: \.isNewline).map(String.init)
        // The first host's row cut inside a quoted field (an append that lost its end), then the second host's.
        let cut = String(lines[1].prefix(lines[1].utf8.count / 2))
        let url = try scratch.write("hosts.csv", [lines[0], cut, lines[2]].joined(separator: "\n") + "\n")
        let fragment = try read(SystemInfoReader(), url)
        #expect(fragment.hosts.map(\.name) == ["WIN-O863JARO7CM"])
        #expect(fragment.log.recordsRejected == 1)
        #expect(fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == ["systeminfo.unterminated@2"])
    }

    @Test(
        "systeminfo cut in its update list: warned, and the list not taken as complete",
        arguments: [
            (
                "3 Hotfix(s) Installed.",
                "                           [01]: KB4012212\n                           [02]: KB4"
            ),
            (
                "3 Hotfix(s) Installed.",
                "                           [01]: KB4012212\n                           [02]: File 1"
            ),
            ("1 Hotfix(s) Installed.", "                           [01]: KB5"),
        ])
    func systemInfoHotfixesCut(stated: String, entries: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = """
            Host Name:                 PC-07
            OS Name:                   Microsoft Windows 7 Professional
            OS Version:                6.1.7601 Service Pack 1 Build 7601
            System Type:               x64-based PC
            Hotfix(s):                 \(stated)
            \(entries)
            """
        let url = try scratch.write("PC-07.systeminfo.txt", text)
        let fragment = try read(SystemInfoReader(), url)
        let host = try #require(fragment.hosts.first)
        #expect(!host.updatesListed)
        #expect(fragment.log.diagnostics.map(\.code) == ["systeminfo.hotfixes-cut"])
        // Whole, the same report's list is complete and silent.
        let whole = try scratch.write(
            "PC-08.systeminfo.txt",
            text.replacingOccurrences(of: stated, with: "1 Hotfix(s) Installed.").replacingOccurrences(
                of: entries, with: "                           [01]: KB4012212"))
        let complete = try read(SystemInfoReader(), whole)
        #expect(complete.hosts.first?.updatesListed == true)
        #expect(complete.log.diagnostics.isEmpty, "\(complete.log.diagnostics)")
    }

    @Test("systeminfo: several reports, File entries, N/A hotfixes, unknown labels by position, repeated host merged")
    func systemInfoQuirks() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = """
            Host Name:                 OLDBOX
            OS Name:                   Microsoft Windows XP Professional
            OS Version:                5.1.2600 Service Pack 3 Build 2600
            System Type:               X86-based PC
            Hotfix(s):                 3 Hotfix(s) Installed.
                                       [01]: File 1
                                       [02]: Q147222
                                       [03]: KB958644

            Host Name:                 NEWBOX
            OS Name:                   Microsoft Windows 10 Pro
            OS Version:                10.0.19045 N/A Build 19045
            Hotfix(s):                 N/A

            Host Name:                 OLDBOX
            OS Name:                   Microsoft Windows XP Professional
            OS Version:                5.1.2600 Service Pack 3 Build 2600
            Hotfix(s):                 1 Hotfix(s) Installed.
                                       [01]: KB2347290

            """
        let url = try scratch.write("hosts.txt", text.replacingOccurrences(of: "\n", with: "\r\n"))
        let fragment = try read(SystemInfoReader(), url)
        #expect(fragment.log.diagnostics.isEmpty, "\(fragment.log.diagnostics)")
        #expect(fragment.log.recordsRead == 3)
        try #require(fragment.hosts.map(\.name) == ["OLDBOX", "NEWBOX"])
        let old = try #require(fragment.hosts.first)
        #expect(old.installedUpdates.map(\.kb) == ["KB958644", "KB2347290"])
        #expect(old.operatingSystem?.servicePack == 3 && old.operatingSystem?.architecture == "X86-based PC")
        #expect(old.sources == [EvidenceReference(file: "hosts.txt", line: 1)])
        #expect(fragment.hosts.last?.updatesListed == true && fragment.hosts.last?.installedUpdates.isEmpty == true)

        // Labels in a language Vigil does not know: fields by position and form, reports by the repeated first label.
        let unknown = """
            Nom-inconnu:               ODDBOX
            Etwas:                     Microsoft Windows 10 Pro
            Unbekannt:                 10.0.19044 N/A Build 19044
            Feld:                      x64-based PC
            Liste:                     2 installed
                                       [01]: KB5031356
                                       [02]: KB5032189
            Nom-inconnu:               ODDBOX2
            Etwas:                     Microsoft Windows 11 Pro
            Unbekannt:                 10.0.22631 N/A Build 22631
            """
        let other = try read(SystemInfoReader(), try scratch.write("unknown.txt", unknown))
        #expect(other.log.diagnostics.isEmpty, "\(other.log.diagnostics)")
        try #require(other.hosts.map(\.name) == ["ODDBOX", "ODDBOX2"])
        let odd = try #require(other.hosts.first)
        #expect(odd.operatingSystem?.build == 19044 && odd.operatingSystem?.architecture == "x64-based PC")
        #expect(odd.installedUpdates.map(\.kb) == ["KB5031356", "KB5032189"])
        #expect(odd.installedUpdates.first?.source.line == 6)
        #expect(other.hosts.last?.updatesListed == false)
    }

    @Test("systeminfo: reports without a version are rejected by line, without quoting")
    func systemInfoIncomplete() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(
            "bad.txt",
            "Host Name:   \(Self.secret)\nOS Name:   x\n\nHost Name:   GOOD\nOS Name:   y\nOS Version:   10.0.1 N/A Build 1\n"
        )
        let fragment = try read(SystemInfoReader(), url)
        try #require(fragment.hosts.map(\.name) == ["GOOD"])
        #expect(fragment.log.diagnostics.map(\.location.line) == [1])
        #expect(fragment.log.diagnostics.allSatisfy { !$0.message.contains(Self.secret) })
    }

    // MARK: wmic qfe

    @Test("wmic qfe samples: KBs, dates, host from CSName or the file name", arguments: qfeSamples)
    func qfeSample(_ expected: QfeExpectation) throws {
        let url = Fixtures.url("windows-systeminfo/qfe/" + expected.fixture)
        #expect(try recognisedFormat(url) == "wmic-qfe")
        let fragment = try read(WmicQfeReader(), url)
        #expect(fragment.log.recordsRead == expected.kbCount)
        #expect(fragment.log.recordsRejected == 0, "\(fragment.log.diagnostics)")
        let host = try #require(fragment.hosts.first)
        #expect(fragment.hosts.count == 1)
        #expect(host.name == expected.host)
        #expect(host.updatesListed)
        #expect(host.installedUpdates.count == expected.kbCount)
        #expect(host.installedUpdates.first?.kb == expected.firstKB)
        #expect(host.installedUpdates.first.flatMap(\.installedOn).map(CivilDate.string) == expected.firstInstalledOn)
        #expect(host.installedUpdates.first?.source.line == 2 || expected.fixture.contains("_ru_"))
        #expect(host.sources.count == 1)
    }

    @Test("wesng's missing-KB lists are not wmic qfe output")
    func updatesListsAreNotQfe() throws {
        for name in [
            "7_sp1_x64_enterprise_en-us_20190305_updates.txt",
            "10_1803_x64_proforworkstations_en-us_A_20190305_updates.txt",
        ] {
            let sample = try FormatSniffer.sample(path: Fixtures.url("windows-systeminfo/qfe/" + name).path)
            #expect(!WmicQfeReader().recognises(sample), "\(name)")
            #expect(!SystemInfoReader().recognises(sample), "\(name)")
            #expect(!HostInventoryCSVReader().recognises(sample), "\(name)")
            #expect(!OsqueryReader().recognises(sample), "\(name)")
        }
    }

    @Test("wmic qfe: CSV with several nodes, list full, a FILETIME, BOM-only file, rows without HotFixID")
    func qfeForms() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let csv = try scratch.write(
            "qfe.csv",
            "\r\nNode,CSName,HotFixID,InstalledOn\r\nPC1,PC1,KB5034441,1/9/2024\r\nPC2,PC2,KB5034441,01d6d2f0c2a4e000\r\nPC1,PC1,KB5033372,garbage\r\n"
        )
        #expect(try recognisedFormat(csv) == "wmic-qfe")
        let fromCSV = try read(WmicQfeReader(), csv)
        try #require(fromCSV.hosts.map(\.name) == ["PC1", "PC2"])
        try #require(fromCSV.hosts[0].installedUpdates.map(\.kb) == ["KB5034441", "KB5033372"])
        #expect(fromCSV.hosts[0].installedUpdates[1].installedOn == nil)
        #expect(fromCSV.hosts[1].installedUpdates[0].installedOn.map(CivilDate.string) == "2020-12-15")
        #expect(fromCSV.log.diagnostics.isEmpty, "\(fromCSV.log.diagnostics)")

        let full = try scratch.write(
            "full.txt",
            "\r\n\r\nCaption=http://support.microsoft.com/?kbid=5034441\r\nCSName=PC9\r\nDescription=Security Update\r\nHotFixID=KB5034441\r\nInstalledOn=1/9/2024\r\n\r\nCSName=PC9\r\nHotFixID=File 1\r\n\r\nCSName=PC9\r\nInstalledOn=1/9/2024\r\n\r\n"
        )
        #expect(try recognisedFormat(full) == "wmic-qfe")
        let fromList = try read(WmicQfeReader(), full)
        try #require(fromList.hosts.map(\.name) == ["PC9"])
        #expect(fromList.hosts[0].installedUpdates.map(\.kb) == ["KB5034441"])
        try #require(fromList.log.diagnostics.map(\.code) == ["qfe.no-hotfix-id", "qfe.not-kb"])
        #expect(fromList.log.diagnostics[0].location.line == 12)

        let empty = try scratch.write("empty.txt", Data([0xFF, 0xFE, 0x0D, 0x00, 0x0A, 0x00]))
        let fromEmpty = try read(WmicQfeReader(), empty)
        #expect(fromEmpty.hosts.isEmpty && fromEmpty.log.diagnostics.isEmpty)
    }

    @Test("wmic qfe: a repeated header is skipped in either form, a row that mentions HotFixID is still a row")
    func qfeRepeatedHeaders() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let header = "Caption   CSName  Description       HotFixID   InstalledOn  \r\n"
        let table = try scratch.write(
            "PC1.qfe.txt",
            header + "http://a  PC1     Security Update   KB5034441  1/9/2024     \r\n"
                + "http://b  PC1     hotfixid notes    KB5033372  12/12/2023   \r\n\r\n" + header.uppercased()
                + "http://c  PC1     Update            KB5034122  1/10/2024    \r\n")
        let fromTable = try read(WmicQfeReader(), table)
        try #require(fromTable.hosts.map(\.name) == ["PC1"])
        #expect(fromTable.hosts[0].installedUpdates.map(\.kb) == ["KB5034441", "KB5033372", "KB5034122"])
        #expect(
            fromTable.hosts[0].installedUpdates.compactMap(\.installedOn).map(CivilDate.string) == [
                "2024-01-09", "2023-12-12", "2024-01-10",
            ])
        #expect(fromTable.log.recordsRead == 3)
        #expect(fromTable.log.diagnostics.isEmpty, "\(fromTable.log.diagnostics)")

        let csv = try scratch.write(
            "qfe.csv",
            "\r\nNode,CSName,HotFixID,InstalledOn\r\nPC1,PC1,KB5034441,1/9/2024\r\n"
                + "NODE,CSNAME,HOTFIXID,INSTALLEDON\r\nPC2,PC2,KB5033372,1/9/2024\r\n")
        let fromCSV = try read(WmicQfeReader(), csv)
        #expect(fromCSV.hosts.map(\.name) == ["PC1", "PC2"])
        #expect(fromCSV.log.recordsRead == 2)
        #expect(fromCSV.log.diagnostics.isEmpty, "\(fromCSV.log.diagnostics)")
    }

    // MARK: osquery

    @Test("osqueryi --json: each table's rows for the host named by the file")
    func osqueryArrays() throws {
        let reader = OsqueryReader()
        func host(_ name: String) throws -> Machine {
            let url = Fixtures.url("osquery/" + name)
            #expect(try recognisedFormat(url) == "osquery", "\(name)")
            let fragment = try read(reader, url)
            #expect(fragment.log.recordsRejected == 0, "\(fragment.log.diagnostics)")
            #expect(fragment.hosts.count == 1)
            return try #require(fragment.hosts.first)
        }
        let os = try host("PC0042.os_version.json")
        #expect(os.name == "PC0042")
        #expect(
            os.operatingSystem
                == OperatingSystem(
                    name: "Microsoft Windows 10 Enterprise", version: "10.0.19045", build: 19045, revision: 3930,
                    architecture: "x86_64"))
        #expect(os.operatingSystemSource == EvidenceReference(file: "PC0042.os_version.json", line: 2))
        let patches = try host("PC0042.patches.json")
        #expect(patches.updatesListed && patches.installedUpdates.map(\.kb) == ["KB5034441", "KB5033372", "KB5011048"])
        #expect(
            patches.installedUpdates.map { $0.installedOn.map(CivilDate.string) } == [
                "2024-01-09", "2023-12-12", "2011-09-25",
            ])
        #expect(patches.installedUpdates.map(\.source.line) == [2, 3, 4])
        let programs = try host("PC0042.programs.json")
        #expect(programs.installedPrograms.count == 3)
        #expect(
            programs.installedPrograms.first
                == InstalledProgram(
                    name: "Microsoft Edge", version: "120.0.2210.91", publisher: "Microsoft Corporation"))
        #expect(try host("PC0042.windows_optional_features.json").smbVersion1Enabled == true)
        #expect(try host("PC0042.bitlocker_info.json").diskEncrypted == true)
        let fleet = try host("fleet-win11-21H2_os_version.json")
        #expect(fleet.name == "fleet-win11-21H2_os_version")
        #expect(fleet.operatingSystem?.build == 22000 && fleet.operatingSystem?.revision == nil)
        let kernel = try host("fleet-win11-21H2_os_windows.json")
        #expect(kernel.operatingSystem?.version == "10.0.22000" && kernel.operatingSystem?.revision == 1098)
    }

    @Test("osqueryi --json: a value that is not a row (a number, a string with ']', an array) costs itself only")
    func osqueryStrayValues() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let lines = try Fixtures.text("osquery/PC0042.patches.json").split(separator: "\n").map(String.init)
        let rows = lines.filter { $0.hasPrefix("  {") }.map { $0.hasSuffix(",") ? String($0.dropLast()) : $0 }
        try #require(rows.count >= 3)
        // Row, 42, row, a string holding brackets and a comma, row, an array, and the rest.
        let strays = ["42", "\"not ] a, row\"", "[1, [2, {\"x\": 3}], \"]\"]"]
        var items: [String] = []
        for (position, row) in rows.enumerated() {
            items.append(row)
            if position < strays.count { items.append(strays[position]) }
        }
        let url = try scratch.write("PC0042.patches.json", "[\n" + items.joined(separator: ",\n") + "\n]\n")
        let fragment = try read(OsqueryReader(), url)
        let whole = try read(OsqueryReader(), Fixtures.url("osquery/PC0042.patches.json"))
        #expect(fragment.log.recordsRejected == 3)
        #expect(
            fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == [
                "osquery.malformed@3", "osquery.malformed@5", "osquery.malformed@7",
            ])
        #expect(fragment.hosts.first?.installedUpdates.map(\.kb) == whole.hosts.first?.installedUpdates.map(\.kb))
    }

    @Test("osquery result log: event, snapshot and batch lines, removed rows not applied, numerics")
    func osqueryLog() throws {
        let url = Fixtures.url("osquery/osqueryd.results.log")
        #expect(try recognisedFormat(url) == "osquery")
        let fragment = try read(OsqueryReader(), url)
        #expect(fragment.log.recordsRejected == 0, "\(fragment.log.diagnostics)")
        try #require(fragment.hosts.map(\.name) == ["PC0043", "SRV-FILE01"])
        let pc = fragment.hosts[0]
        #expect(pc.operatingSystem?.build == 22631 && pc.operatingSystem?.revision == 3007)
        #expect(pc.operatingSystem?.version == "10.0.22631")
        #expect(pc.installedUpdates.map(\.kb) == ["KB5034123"])
        #expect(pc.sources == [EvidenceReference(file: "osqueryd.results.log", line: 1)])
        let server = fragment.hosts[1]
        #expect(server.operatingSystem?.revision == 5329)
        #expect(server.smbVersion1Enabled == false && server.diskEncrypted == false)
        #expect(server.operatingSystemSource?.line == 4)
        #expect(fragment.log.diagnostics.map(\.code) == ["osquery.removed"])
    }

    @Test("osquery: bad lines rejected by number, deep nesting refused unparsed, a hostname column names the host")
    func osqueryHostile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let good =
            #"{"name":"p","hostIdentifier":"PC7","columns":{"hotfix_id":"KB5034441","installed_on":"1/9/2024"},"action":"added"}"#
        let deep =
            "{\"hostIdentifier\":\"\(Self.secret)\",\"columns\":" + String(repeating: "[", count: 100)
            + String(repeating: "]", count: 100) + "}"
        let lines = [good, "{\"hostIdentifier\": \"\(Self.secret)\", broken", deep, "[\"\(Self.secret)\"]", good]
        let log = try scratch.write("results.log", lines.joined(separator: "\n") + "\n")
        let fragment = try read(OsqueryReader(), log)
        try #require(fragment.hosts.map(\.name) == ["PC7"])
        #expect(fragment.log.recordsRead == 2)
        try #require(fragment.log.diagnostics.map(\.location.line) == [2, 3, 4])
        #expect(fragment.log.diagnostics[1].code == "osquery.too-deep")

        let array = try scratch.write(
            "joined.json",
            """
            [
              {"hostname":"PC0050","name":"Microsoft Windows 11 Pro","version":"10.0.22631","build":"22631","platform":"windows"},
              {"hostname":"PC0051","name":"Microsoft Windows 11 Pro","version":"10.0.22631","build":"x","platform":"windows"},
              {"nested":\(String(repeating: "[", count: 80))\(String(repeating: "]", count: 80)),"secret":"\(Self.secret)"},
              {"hostname":"PC0050","name":"SMB1Protocol","state":"2","caption":"","statename":"Disabled"}
            """)
        let fromArray = try read(OsqueryReader(), array)
        try #require(fromArray.hosts.map(\.name) == ["PC0050", "PC0051"])
        #expect(fromArray.hosts[0].smbVersion1Enabled == false)
        #expect(fromArray.log.diagnostics.map(\.code) == ["osquery.too-deep", "osquery.malformed"])
        #expect(fromArray.log.diagnostics.map(\.location.line) == [4, 5])
        for diagnostic in fragment.log.diagnostics + fromArray.log.diagnostics {
            #expect(!diagnostic.message.contains(Self.secret))
        }
    }

    // MARK: host inventory CSV

    @Test("host inventory CSV: documented columns, malformed rows rejected by line, hosts merged")
    func hostInventoryCSV() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = """
            Host,OS,Version,Build,Revision,KBs,Architecture,SMB1,BitLocker,Owner
            PC1,Windows 10 Enterprise,10.0.19045,19045,3930,KB5034441;KB5033372,x64,no,yes,\(Self.secret)
            PC2,Windows 11 Pro,10.0.22631.3007,,,5034123 5032007,,,,
            PC3,Windows 10 Pro,10.0.19045,\(Self.secret),,,,,,
            ,Windows 10 Pro,10.0.19045,19045,,,,,,
            PC4,,,,,KB5034441;\(Self.secret),,,,
            PC5,,,,,,,maybe,,
            pc1,,,,,KB5031356,,,,
            "PC6","Windows Server 2019, Standard",10.0.17763,17763,,none,,1,0,

            """
        let url = try scratch.write("hosts.csv", text)
        #expect(try recognisedFormat(url) == "host-inventory-csv")
        let fragment = try read(HostInventoryCSVReader(), url)
        try #require(fragment.hosts.map(\.name) == ["PC1", "PC2", "PC6"])
        #expect(fragment.log.recordsRead == 4)
        #expect(fragment.log.diagnostics.map(\.location.line) == [4, 5, 6, 7])
        #expect(
            fragment.log.diagnostics.map(\.message) == [
                "build must be a number", "host must not be empty",
                "kbs must be KB numbers (KB5034441) separated by ';' or spaces, or 'none'",
                "smb1 must be yes, no, true, false, 1, 0 or blank",
            ])
        #expect(fragment.log.diagnostics.allSatisfy { !$0.message.contains(Self.secret) })
        let pc1 = fragment.hosts[0]
        #expect(pc1.installedUpdates.map(\.kb) == ["KB5034441", "KB5033372", "KB5031356"])
        #expect(pc1.operatingSystem?.revision == 3930 && pc1.smbVersion1Enabled == false && pc1.diskEncrypted == true)
        #expect(pc1.sources == [EvidenceReference(file: "hosts.csv", line: 2)])
        #expect(
            fragment.hosts[1].operatingSystem?.build == 22631 && fragment.hosts[1].operatingSystem?.revision == 3007)
        let server = fragment.hosts[2]
        #expect(server.updatesListed && server.installedUpdates.isEmpty && server.smbVersion1Enabled == true)
        #expect(server.operatingSystem?.name == "Windows Server 2019, Standard")
    }

    @Test("host inventory CSV: Export-Csv with #TYPE and quoted header; semicolons from European spreadsheets")
    func hostInventoryDialects() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let powershell = try scratch.write(
            "ps.csv",
            "#TYPE System.Management.Automation.PSCustomObject\r\n\"host\",\"os\",\"version\",\"build\",\"kbs\",\"smb1\"\r\n\"PC8\",\"Microsoft Windows 11 Pro\",\"10.0.22631\",\"22631\",\"KB5034123;KB5032007\",\"False\"\r\n"
        )
        #expect(try recognisedFormat(powershell) == "host-inventory-csv")
        let fromPowerShell = try read(HostInventoryCSVReader(), powershell)
        #expect(fromPowerShell.log.diagnostics.isEmpty, "\(fromPowerShell.log.diagnostics)")
        #expect(fromPowerShell.hosts.first?.installedUpdates.count == 2)
        #expect(fromPowerShell.hosts.first?.smbVersion1Enabled == false)
        let semicolons = try scratch.write("eu.csv", "Host;OS;Build;KBs\nPC9;Windows 10;19045;KB5034441 KB5033372\n")
        let fromSemicolons = try read(HostInventoryCSVReader(), semicolons)
        #expect(fromSemicolons.hosts.first?.operatingSystem?.build == 19045)
        #expect(fromSemicolons.hosts.first?.installedUpdates.map(\.kb) == ["KB5034441", "KB5033372"])
    }

    @Test("host inventory CSV: a file without a host column is not recognised and is rejected at its header")
    func hostInventoryWithoutHost() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("other.csv", "name,os,version,build\nPC1,Windows,10.0.19045,19045\n")
        #expect(!HostInventoryCSVReader().recognises(try FormatSniffer.sample(path: url.path)))
        let fragment = try read(HostInventoryCSVReader(), url)
        #expect(fragment.hosts.isEmpty)
        #expect(fragment.log.diagnostics.map(\.code) == ["hostcsv.no-header"])
    }

    // MARK: recognition

    @Test("the host inventory readers do not claim the other formats' fixtures")
    func noFalseClaims() throws {
        let others = [
            "ad-estate-sample/directory.ldif", "ad-estate-sample/ntds.txt", "ad-estate-sample/vigil.yaml",
            "ldif/openldap-test.ldif", "ldif/openldap-test-modify.ldif", "pwdump/dpat-customer-small.ntds",
            "acl/icacls-clinical.txt", "acl/icacls-clinical-utf16.txt", "acl/get-acl-objects.csv",
            "acl/get-acl-rules.csv", "corpus/pwned-passwords-ntlm-sample.txt", "golden/practice-seed7.csv",
            "golden/practice-seed7.assessment.json",
        ]
        let readers: [any EvidenceReader] = [
            SystemInfoReader(), WmicQfeReader(), OsqueryReader(), HostInventoryCSVReader(),
        ]
        for path in others {
            let sample = try FormatSniffer.sample(path: Fixtures.url(path).path)
            for reader in readers {
                #expect(!reader.recognises(sample), "\(reader.format.id) claims \(path)")
            }
        }
    }
}
