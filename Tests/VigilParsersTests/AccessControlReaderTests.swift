import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilParsers

@Suite("Permission readers: icacls and Get-Acl")
struct AccessControlReaderTests {
    func grants(_ fragment: EvidenceFragment) -> [String] {
        fragment.grants.map {
            "\($0.resourceID) | \($0.principal) | \($0.access == .deny ? "deny " : "")\($0.right.rawValue)"
        }
    }

    @Test(
        "icacls: paths with spaces split by indentation or by principal form; rights, deny, inheritance; errors reported",
        arguments: ["acl/icacls-clinical.txt", "acl/icacls-clinical-utf16.txt"])
    func icacls(fixture: String) throws {
        let reader = IcaclsReader()
        #expect(reader.recognises(try FormatSniffer.sample(path: Fixtures.url(fixture).path)))
        let fragment = try reader.read(path: Fixtures.url(fixture).path, file: "acl.txt", progress: nil)
        #expect(fragment.log.recordsRead == 8)
        #expect(fragment.log.recordsRejected == 0)
        let found = grants(fragment)
        #expect(found.contains("D:\\Shares\\Clinical | RIVERSIDE\\Clinical Staff | modify"))
        #expect(found.contains("D:\\Shares\\Clinical\\Clinic Lists | RIVERSIDE\\Domain Users | read"))
        #expect(found.contains("D:\\Shares\\Clinical\\Clinic Lists\\March 2026.xlsx | RIVERSIDE\\Domain Users | read"))
        #expect(found.contains("D:\\Shares\\Clinical\\One Entry Folder | NT AUTHORITY\\Authenticated Users | read"))
        #expect(found.contains("D:\\Shares\\Clinical\\Scans | NT AUTHORITY\\Authenticated Users | read"))
        #expect(found.contains("D:\\Shares\\Clinical\\Drop Box | Everyone | write"))
        #expect(
            found.contains("\\\\fs01\\clinical$\\Ward 4 Lists | S-1-5-21-1004336348-1177238915-682003330-513 | read"))
        #expect(found.contains("D:\\Shares\\Clinical\\Private Notes | Everyone | deny write"))
        let byKey = Dictionary(
            fragment.grants.map { ("\($0.resourceID) | \($0.principal)", $0) }, uniquingKeysWith: { first, _ in first })
        let explicit = byKey["D:\\Shares\\Clinical\\Clinic Lists | RIVERSIDE\\Domain Users"]
        #expect(explicit?.inherited == false)
        #expect(explicit?.appliesTo == Grant.Scope(object: true, files: true, folders: true))
        let inherited = byKey["D:\\Shares\\Clinical\\Clinic Lists\\March 2026.xlsx | RIVERSIDE\\Domain Users"]
        #expect(inherited?.inherited == true)
        #expect(inherited?.appliesTo == .objectOnly)
        #expect(byKey["D:\\Shares\\Clinical | CREATOR OWNER"]?.appliesTo?.object == false)
        #expect(byKey["D:\\Shares\\Clinical\\Scans | NT AUTHORITY\\Authenticated Users"]?.right == .read)
        let kinds = Dictionary(uniqueKeysWithValues: fragment.resources.map { ($0.id, $0.kind) })
        #expect(kinds["D:\\Shares\\Clinical\\Clinic Lists\\March 2026.xlsx"] == .file)
        #expect(kinds["D:\\Shares\\Clinical"] == .folder)
        #expect(fragment.resources.first { $0.id.hasPrefix("\\\\fs01") }?.host == "fs01")
        #expect(
            fragment.log.diagnostics.map(\.code).sorted() == ["icacls.path-error"],
            "\(fragment.log.diagnostics)")
        #expect(fragment.log.diagnostics.first { $0.code == "icacls.path-error" }?.location.line == 27)
    }

    @Test("icacls: an entry with rights Vigil does not know is reported with its position, not guessed")
    func icaclsUninterpretable() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(
            "acl.txt", "D:\\A BUILTIN\\Users:(OI)(CI)(RX)\n     Everyone:(OI)(CI)(ZZ)\n     T\\ann:(RD,WD)\n")
        let fragment = try IcaclsReader().read(path: url.path, file: "acl.txt", progress: nil)
        #expect(grants(fragment) == ["D:\\A | BUILTIN\\Users | read", "D:\\A | T\\ann | modify"])
        #expect(fragment.log.diagnostics.map(\.code) == ["icacls.uninterpreted"])
        #expect(fragment.log.diagnostics.map(\.location.line) == [2])
        #expect(!fragment.log.diagnostics[0].message.contains("ZZ"))
    }

    @Test("icacls: a line that fits no form is rejected with its position, and the rest is read")
    func icaclsMalformed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(
            "acl.txt",
            "D:\\A BUILTIN\\Users:(OI)(CI)(RX)\n\nthis line is not icacls\n\nD:\\B Everyone:(R)\n")
        let fragment = try IcaclsReader().read(path: url.path, file: "acl.txt", progress: nil)
        #expect(grants(fragment) == ["D:\\A | BUILTIN\\Users | read", "D:\\B | Everyone | read"])
        #expect(fragment.log.diagnostics.map(\.location.line) == [3])
        #expect(fragment.log.recordsRejected == 1)
    }

    @Test("Get-Acl objects: SDDL preferred (aliases and SIDs), AccessToString otherwise; the #TYPE line skipped")
    func getAclObjects() throws {
        let reader = GetAclReader()
        let path = Fixtures.url("acl/get-acl-objects.csv").path
        #expect(reader.recognises(try FormatSniffer.sample(path: path)))
        #expect(!IcaclsReader().recognises(try FormatSniffer.sample(path: path)))
        let fragment = try reader.read(path: path, file: "acl.csv", progress: nil)
        #expect(fragment.log.recordsRead == 3 && fragment.log.recordsRejected == 0)
        let found = grants(fragment)
        #expect(found.contains("D:\\Shares\\Clinical | S-1-5-21-1004336348-1177238915-682003330-1107 | modify"))
        #expect(found.contains("D:\\Shares\\Clinical\\Clinic Lists | Domain Users | read"))
        #expect(found.contains("D:\\Shares\\Clinical\\Clinic Lists | NT AUTHORITY\\SYSTEM | full-control"))
        #expect(found.contains("D:\\Shares\\Clinical\\Old | Everyone | read"))
        #expect(found.contains("D:\\Shares\\Clinical\\Old | RIVERSIDE\\Domain Users | full-control"))
        #expect(found.contains("D:\\Shares\\Clinical\\Clinic Lists | Everyone | deny write"))
        let system = fragment.grants.first {
            $0.resourceID.hasSuffix("Clinic Lists") && $0.principal == "NT AUTHORITY\\SYSTEM"
        }
        #expect(system?.inherited == true)
        #expect(system?.appliesTo == Grant.Scope(object: true, files: true, folders: true))
        #expect(fragment.log.diagnostics.isEmpty, "\(fragment.log.diagnostics)")
    }

    @Test("Get-Acl CSV: a prompt before the header is skipped with a warning; a registry key's row is left out")
    func getAclCSVOtherProvider() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(
            "acl.csv",
            """
            PS C:\\> Get-Acl C:\\Data, HKLM:\\SOFTWARE | Export-Csv acl.csv
            "Path","Owner","Sddl"
            "Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE","BUILTIN\\Administrators","O:BAG:SYD:(A;CI;KA;;;BA)"
            "Microsoft.PowerShell.Core\\FileSystem::C:\\Data","BUILTIN\\Administrators","O:BAG:SYD:(A;OICI;FR;;;AU)"

            """)
        let fragment = try GetAclReader().read(path: url.path, file: "acl.csv", progress: nil)
        #expect(grants(fragment) == ["C:\\Data | NT AUTHORITY\\Authenticated Users | read"])
        #expect(
            fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" } == [
                "getacl.leading-text@1", "getacl.not-file-system@3",
            ])
        #expect(fragment.log.recordsRead == 1 && fragment.log.recordsRejected == 0)
    }

    @Test(
        "rights read data only by ReadData or generic read; execute, attributes and READ_CONTROL confer nothing but are known; changing permissions or owner is full control",
        arguments: [
            ("sddl", "LC", "write"), ("sddl", "CC", "read"), ("sddl", "CCDC", "modify"), ("sddl", "RC", "none"),
            ("sddl", "FX", "none"), ("sddl", "RPWPLO", "none"), ("sddl", "WD", "full-control"),
            ("sddl", "SDGXGWGR", "modify"), ("sddl", "0x1000a1", "read"), ("sddl", "0x1200a0", "none"),
            ("sddl", "0x40000", "full-control"), ("sddl", "ZZ", "unknown"), ("sddl", "0xZZ", "unknown"),
            ("dotnet", "ReadAttributes, Synchronize", "none"), ("dotnet", "ExecuteFile, Synchronize", "none"),
            ("dotnet", "ReadData, ExecuteFile, ReadAttributes, Synchronize", "read"),
            ("dotnet", "ChangePermissions", "full-control"), ("dotnet", "AppendData", "write"),
            ("dotnet", "536870912", "none"), ("dotnet", "-1610612736", "read"), ("dotnet", "Frobnicate", "unknown"),
            ("icacls", "RA", "none"), ("icacls", "X", "none"), ("icacls", "RC", "none"),
            ("icacls", "WDAC", "full-control"),
            ("icacls", "RX", "read"), ("icacls", "RD,WD", "modify"),
            // Denied, changing permissions or the owner blocks no data access: it must not remove readers.
            ("sddl-deny", "WDWO", "none"), ("sddl-deny", "0xc0000", "none"), ("sddl-deny", "FR", "read"),
            ("dotnet-deny", "ChangePermissions, TakeOwnership", "none"), ("icacls-deny", "WDAC,WO", "none"),
            ("icacls-deny", "R", "read"),
        ])
    func rightsMapping(_ form: String, _ rights: String, _ expected: String) {
        let right: Grant.Right?
        let known: Bool
        let deny = form.hasSuffix("-deny")
        switch form {
        case "sddl", "sddl-deny":
            right = AccessRights.sddl(rights[...], deny: deny)
            known = AccessRights.isKnown(sddl: rights[...])
        case "dotnet", "dotnet-deny":
            right = AccessRights.fileSystemRights(rights, deny: deny)
            known = AccessRights.isKnown(fileSystemRights: rights)
        default:
            let groups: [Substring] = (deny ? ["DENY"] : []) + [rights[...]]
            right = AccessRights.icacls(groups)
            known = !AccessRights.icaclsUninterpretable(groups)
        }
        #expect((right?.rawValue ?? (known ? "none" : "unknown")) == expected)
    }

    @Test("Get-Acl rules: one row per access rule")
    func getAclRules() throws {
        let path = Fixtures.url("acl/get-acl-rules.csv").path
        #expect(GetAclReader().recognises(try FormatSniffer.sample(path: path)))
        let fragment = try GetAclReader().read(path: path, file: "rules.csv", progress: nil)
        #expect(
            grants(fragment) == [
                "D:\\Shares\\Clinical\\Clinic Lists | RIVERSIDE\\Domain Users | read",
                "D:\\Shares\\Clinical\\Clinic Lists | NT AUTHORITY\\SYSTEM | full-control",
                "D:\\Shares\\Clinical\\Clinic Lists | Everyone | deny write",
                "D:\\Shares\\Clinical\\Finance | RIVERSIDE\\Finance Team | modify",
            ])
        #expect(fragment.grants.map(\.inherited) == [false, true, false, false])
        #expect(fragment.grants[2].appliesTo == .objectOnly)
        #expect(fragment.resources.map(\.kind) == [.folder, .folder])
    }

    @Test("the sniffer tells the permission formats from the others")
    func recognition() throws {
        let sniffer = FormatSniffer()
        for (fixture, format) in [
            ("acl/icacls-clinical.txt", "icacls"), ("acl/icacls-clinical-utf16.txt", "icacls"),
            ("acl/get-acl-objects.csv", "get-acl"), ("acl/get-acl-rules.csv", "get-acl"),
            ("ad-estate-sample/directory.ldif", "ldif"), ("ad-estate-sample/ntds.txt", "pwdump"),
        ] {
            guard case .recognised(let reader) = try sniffer.examine(path: Fixtures.url(fixture).path) else {
                Issue.record("\(fixture) not recognised")
                continue
            }
            #expect(reader.format.id == format, "\(fixture)")
        }
    }

    @Test("trimming removes the given characters at both ends only, whole characters, in one pass however long the run")
    func trimming() {
        #expect("  a b \t".trimming(" \t") == "a b")
        #expect("\u{00A0}x\u{00A0}".trimming(" \u{00A0}") == "x")
        // A space carrying a combining mark is another character and stays.
        #expect(" e\u{0301} \u{0301}".trimming(" ") == "e\u{0301} \u{0301}")
        let padded = String(repeating: " ", count: 200_000) + "KB4012212" + String(repeating: "\t", count: 200_000)
        #expect(padded.trimming(" \t") == "KB4012212")
        #expect(String(repeating: " ", count: 200_000).trimming(" ") == "")
    }
}
