import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

/// Exports as people paste them: a prompt or notes around systeminfo, several reports in one file, and PowerShell's
/// Get-HotFix in its table, list and CSV forms. Every skipped line is counted in a positioned warning.
@Suite("Console captures: systeminfo with noise, Get-HotFix")
struct ConsoleCaptureTests {
    static let windows10 = "windows-systeminfo/systeminfo/10_22H2_x64_enterprise_en-us_systeminfo.txt"
    static let server2019 = "windows-systeminfo/systeminfo/srv_2019_rtm_datacenter_en-us_systeminfo.txt"

    func write(_ text: String, name: String) throws -> (ScratchDirectory, URL) {
        let scratch = try ScratchDirectory()
        return (scratch, try scratch.write(name, text))
    }

    func recognised(_ url: URL) throws -> String? {
        if case .recognised(let reader) = try FormatSniffer().examine(path: url.path) { return reader.format.id }
        return nil
    }

    // MARK: systeminfo

    @Test("systeminfo below a prompt and notes: recognised, the notes skipped and counted at their line")
    func systemInfoBelowNotes() throws {
        let report = try Fixtures.text(Self.windows10)
        let text =
            "Ward 3 PC, collected by J. Smith on Tuesday\r\nAsset tag: 00412\r\n\r\nC:\\Users\\jsmith>systeminfo\r\n\r\n"
            + report + "\r\nC:\\Users\\jsmith>exit\r\n"
        let (scratch, url) = try write(text, name: "ward3.txt")
        defer { scratch.remove() }
        #expect(try recognised(url) == "systeminfo")
        let fragment = try SystemInfoReader().read(path: url.path, file: "ward3.txt", progress: nil)
        #expect(fragment.hosts.map(\.name) == ["DESKTOP-92B51CV"])
        #expect(fragment.hosts.first?.installedUpdates.map(\.kb) == ["KB5022502"])
        #expect(fragment.log.recordsRejected == 0)
        let leading = try #require(fragment.log.diagnostics.first { $0.code == "systeminfo.leading-text" })
        #expect(leading.location.line == 1 && leading.message.hasPrefix("3 lines") && leading.level == .warning)
    }

    @Test("two systeminfo reports in one file are two hosts")
    func twoReports() throws {
        let text = try Fixtures.text(Self.windows10) + "\r\n" + Fixtures.text(Self.server2019)
        let (scratch, url) = try write(text, name: "both.txt")
        defer { scratch.remove() }
        #expect(try recognised(url) == "systeminfo")
        let fragment = try SystemInfoReader().read(path: url.path, file: "both.txt", progress: nil)
        #expect(fragment.hosts.map(\.name) == ["DESKTOP-92B51CV", "WIN-O863JARO7CM"])
        #expect(fragment.hosts.last?.installedUpdates.count == 5)
        #expect(fragment.log.recordsRead == 2 && fragment.log.recordsRejected == 0)
    }

    @Test("a table pasted after a report is counted whole as other text, its rows not taken for labels")
    func systeminfoTrailingTable() throws {
        let file = "real/systeminfo/winpeas-tiny11-win11-23h2.txt"
        let fragment = try SystemInfoReader().read(path: Fixtures.url(file).path, file: file, progress: nil)
        #expect(fragment.hosts.map(\.name) == ["TINY11"])
        let other = try #require(fragment.log.diagnostics.first { $0.code == "systeminfo.other-text" })
        // The hotfix table winPEAS prints after the report: header, underline and five rows with `12:00:00 AM`.
        #expect(other.location.line == 65 && other.message.hasPrefix("7 lines"))
    }

    // MARK: Get-HotFix

    static let table = """
        PS C:\\Users\\Administrator> Get-HotFix

        Source        Description      HotFixID      InstalledBy          InstalledOn
        ------        -----------      --------      -----------          -----------
        DC01          Update           KB3176936                          10/18/2016 12:00:00 AM
        DC01          Security Update  KB4013418     NT AUTHORITY\\SYSTEM  3/16/2017 12:00:00 AM
        DC01          Update           File 1        NT AUTHORITY\\SYSTEM

        PS C:\\Users\\Administrator>

        """

    @Test("the default table: columns from the dashes, prompt lines counted, 'File 1' skipped, month-first dates")
    func hotfixTable() throws {
        let (scratch, url) = try write(Self.table, name: "dc01.txt")
        defer { scratch.remove() }
        #expect(try recognised(url) == "get-hotfix")
        let fragment = try GetHotFixReader().read(path: url.path, file: "dc01.txt", progress: nil)
        let host = try #require(fragment.hosts.first)
        #expect(fragment.hosts.count == 1 && host.name == "DC01")
        #expect(host.installedUpdates.map(\.kb) == ["KB3176936", "KB4013418"])
        #expect(host.installedUpdates.map { $0.installedOn.map(CivilDate.string) } == ["2016-10-18", "2017-03-16"])
        #expect(host.installedUpdates.first?.source.line == 5)
        let codes = fragment.log.diagnostics.map(\.code)
        #expect(codes == ["hotfix.leading-text", "hotfix.other-text", "hotfix.not-kb"])
        #expect(fragment.log.diagnostics.first?.location.line == 1)
        #expect(fragment.log.diagnostics[1].location.line == 9)
    }

    @Test("Format-List blocks, host from Source; day-first dates told from a day above 12")
    func hotfixList() throws {
        let text = """
            Source      : PC0042
            Description : Security Update
            HotFixID    : KB5034441
            InstalledBy : NT AUTHORITY\\SYSTEM
            InstalledOn : 15/01/2024 00:00:00

            Source      : PC0042
            Description : Update
            HotFixID    : KB5033372
            InstalledBy : NT AUTHORITY\\SYSTEM
            InstalledOn : 03/02/2024 00:00:00

            """
        let (scratch, url) = try write(text, name: "pc0042.txt")
        defer { scratch.remove() }
        #expect(try recognised(url) == "get-hotfix")
        let fragment = try GetHotFixReader().read(path: url.path, file: "pc0042.txt", progress: nil)
        let host = try #require(fragment.hosts.first)
        #expect(host.name == "PC0042" && host.installedUpdates.map(\.kb) == ["KB5034441", "KB5033372"])
        #expect(host.installedUpdates.map { $0.installedOn.map(CivilDate.string) } == ["2024-01-15", "2024-02-03"])
        #expect(fragment.log.count == 0)
    }

    @Test(
        "Export-Csv with the #TYPE line, several hosts; dates that could be either order are left out, with a warning")
    func hotfixCSV() throws {
        let text = """
            #TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering
            "PSComputerName","InstalledOn","Caption","CSName","Description","HotFixID","InstalledBy"
            "PC1","2/3/2024 12:00:00 AM","http://support.microsoft.com/?kbid=5034441","PC1","Security Update","KB5034441","NT AUTHORITY\\SYSTEM"
            "PC2","4/5/2024 12:00:00 AM","","PC2","Update","KB5033372","NT AUTHORITY\\SYSTEM"

            """
        let (scratch, url) = try write(text, name: "hotfix.csv")
        defer { scratch.remove() }
        #expect(try recognised(url) == "get-hotfix")
        let fragment = try GetHotFixReader().read(path: url.path, file: "hotfix.csv", progress: nil)
        #expect(fragment.hosts.map(\.name) == ["PC1", "PC2"])
        #expect(fragment.hosts.flatMap(\.installedUpdates).allSatisfy { $0.installedOn == nil })
        #expect(fragment.log.diagnostics.map(\.code) == ["hotfix.ambiguous-dates"])
        #expect(fragment.log.diagnostics.first?.location.line == 3)
    }

    @Test("a table that cut the host name takes the host from the file name and says so")
    func hotfixCutHost() throws {
        let text = """
            Source        Description      HotFixID      InstalledBy          InstalledOn
            ------        -----------      --------      -----------          -----------
            DESKTOP-KA... Update           KB4483452     NT AUTHORITY\\SYSTEM  2019/2/14 0:00:00

            """
        let (scratch, url) = try write(text, name: "DESKTOP-KA7.hotfix.txt")
        defer { scratch.remove() }
        let fragment = try GetHotFixReader().read(path: url.path, file: "DESKTOP-KA7.hotfix.txt", progress: nil)
        #expect(fragment.hosts.map(\.name) == ["DESKTOP-KA7"])
        #expect(fragment.hosts.first?.installedUpdates.first?.installedOn.map(CivilDate.string) == "2019-02-14")
        // One warning, which says both that the name was cut and what the host is named instead.
        #expect(fragment.log.diagnostics.map(\.code) == ["hotfix.host-cut"])
        #expect(fragment.log.diagnostics.first?.message.contains("named after the file") == true)
    }

    @Test("rows of several hosts cut short: only those the file's name begins with are its host's, the others rejected")
    func hotfixCutHostsSeveral() throws {
        let text = """
            Source        Description      HotFixID      InstalledBy          InstalledOn
            ------        -----------      --------      -----------          -----------
            DESKTOP-KA... Update           KB5011048     NT AUTHORITY\\SYSTEM  2022/2/14 0:00:00
            DESKTOP-KB... Security Update  KB5094127     NT AUTHORITY\\SYSTEM  2026/6/10 0:00:00
            RECEPTION-PC  Security Update  KB5094127     NT AUTHORITY\\SYSTEM  2026/6/10 0:00:00
            desktop-ka... Update           KB5012170     NT AUTHORITY\\SYSTEM  2022/8/9 0:00:00

            """
        let (scratch, url) = try write(text, name: "DESKTOP-KA7Q2M1.hotfix.txt")
        defer { scratch.remove() }
        let fragment = try GetHotFixReader().read(path: url.path, file: "DESKTOP-KA7Q2M1.hotfix.txt", progress: nil)
        let hosts = Dictionary(
            uniqueKeysWithValues: fragment.hosts.map { ($0.name, $0.installedUpdates.map(\.kb).sorted()) })
        // DESKTOP-KB's June 2026 update is never credited to DESKTOP-KA7Q2M1.
        #expect(hosts == ["DESKTOP-KA7Q2M1": ["KB5011048", "KB5012170"], "RECEPTION-PC": ["KB5094127"]])
        #expect(fragment.log.recordsRead == 3)
        #expect(fragment.log.recordsRejected == 1)
        #expect(
            fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == [
                "hotfix.host-cut-ambiguous@4", "hotfix.host-cut@3",
            ])
        // With a file named after neither, no cut row is anyone's.
        let (other, otherURL) = try write(text, name: "hotfixes.txt")
        defer { other.remove() }
        let unnamed = try GetHotFixReader().read(path: otherURL.path, file: "hotfixes.txt", progress: nil)
        #expect(unnamed.hosts.map(\.name) == ["RECEPTION-PC"])
        #expect(unnamed.log.recordsRejected == 3)
    }

    @Test(
        "a HotFixID that begins KB but is no KB number is rejected at its line; 'File 1' entries are a warning with one"
    )
    func hotfixBadKB() throws {
        let text = """
            Source        Description      HotFixID      InstalledBy          InstalledOn
            ------        -----------      --------      -----------          -----------
            PC1           Update           KB50          NT AUTHORITY\\SYSTEM  2022/2/14 0:00:00
            PC1           Update           File 1        NT AUTHORITY\\SYSTEM  2022/2/14 0:00:00
            PC1           Update           KB5011048     NT AUTHORITY\\SYSTEM  2022/2/14 0:00:00

            """
        let (scratch, url) = try write(text, name: "PC1.hotfix.txt")
        defer { scratch.remove() }
        let fragment = try GetHotFixReader().read(path: url.path, file: "PC1.hotfix.txt", progress: nil)
        #expect(fragment.hosts.first?.installedUpdates.map(\.kb) == ["KB5011048"])
        #expect(fragment.log.recordsRejected == 1)
        #expect(
            fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == [
                "hotfix.not-kb@4", "hotfix.bad-kb@3", "hotfix.list-incomplete@0",
            ])
        // The row lost may have been the update that fixes something: the list read is not the host's whole list.
        #expect(fragment.hosts.first?.updatesListed == false)
        // A header with nothing under it says so, at the header.
        let (empty, emptyURL) = try write(
            String(text.split(separator: "\n").prefix(2).joined(separator: "\n")) + "\n", name: "PC2.hotfix.txt")
        defer { empty.remove() }
        let nothing = try GetHotFixReader().read(path: emptyURL.path, file: "PC2.hotfix.txt", progress: nil)
        #expect(nothing.hosts.isEmpty)
        #expect(nothing.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == ["hotfix.no-updates@1"])
    }

    @Test("Export-Csv with a row cut short: that row is rejected at its line and every row after it read")
    func hotfixCSVRowCut() throws {
        let text = """
            "Source","Description","HotFixID","InstalledBy","InstalledOn"
            "PC1","Update","KB5011048","NT AUTHORITY\\SYSTEM","2/14/2022 12:00:00 AM"
            "PC1","Security Update","KB50
            "PC1","Security Update","KB5094127","NT AUTHORITY\\SYSTEM","6/10/2026 12:00:00 AM"
            "PC1","Update","KB5012170","NT AUTHORITY\\SYSTEM","8/9/2022 12:00:00 AM"

            """
        let (scratch, url) = try write(text, name: "PC1.hotfix.csv")
        defer { scratch.remove() }
        let fragment = try GetHotFixReader().read(path: url.path, file: "PC1.hotfix.csv", progress: nil)
        #expect(fragment.hosts.first?.installedUpdates.map(\.kb) == ["KB5011048", "KB5094127", "KB5012170"])
        #expect(fragment.log.recordsRead == 3)
        #expect(
            fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == [
                "hotfix.unterminated@3", "hotfix.list-incomplete@0",
            ])
        #expect(fragment.hosts.first?.updatesListed == false)
    }

    @Test("a table with East Asian names: columns are counted in console cells, as PowerShell pads them")
    func hotfixWideCharacters() throws {
        // A Japanese host name takes two cells a character: PowerShell pads `開発端末01` (10 cells, 6 characters) to the
        // 14-cell Source column with 4 spaces, and a user name in InstalledBy likewise.
        let text = """
            Source        Description      HotFixID      InstalledBy          InstalledOn
            ------        -----------      --------      -----------          -----------
            開発端末01    Update           KB5032189     NT AUTHORITY\\SYSTEM  2023/11/20 0:00:00
            開発端末01    Security Update  KB5032392     開発端末01\\山田      2023/11/19 0:00:00

            """
        let (scratch, url) = try write(text, name: "hotfix.txt")
        defer { scratch.remove() }
        let fragment = try GetHotFixReader().read(path: url.path, file: "hotfix.txt", progress: nil)
        #expect(fragment.hosts.map(\.name) == ["開発端末01"])
        let updates = fragment.hosts.first?.installedUpdates ?? []
        #expect(updates.map(\.kb) == ["KB5032189", "KB5032392"])
        #expect(updates.map { $0.installedOn.map(CivilDate.string) } == ["2023-11-20", "2023-11-19"])
        #expect(fragment.log.diagnostics.isEmpty)
    }

    @Test("text that is not Get-HotFix output is neither recognised nor read as hosts")
    func notHotfix() throws {
        let (scratch, url) = try write("just some notes\nabout KB5034441\n", name: "notes.txt")
        defer { scratch.remove() }
        #expect(try recognised(url) != "get-hotfix")
        let fragment = try GetHotFixReader().read(path: url.path, file: "notes.txt", progress: nil)
        #expect(fragment.hosts.isEmpty)
        #expect(fragment.log.diagnostics.map(\.code) == ["hotfix.no-header"])
    }
}
