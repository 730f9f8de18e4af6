import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilParsers

/// `Get-Acl | Format-List` as PowerShell writes it: blocks of `Name : value` lines, long values wrapped onto lines
/// indented to the value's column. The real samples are in the real corpus; these cases pin each rule of the reading.
@Suite("Get-Acl Format-List")
struct GetAclListTests {
    /// Reads `text` (UTF-8, or UTF-16 LE with a BOM when `utf16`) as Vigil would: recognised by content, then read.
    func read(_ text: String, utf16: Bool = false) throws -> (recognised: Bool, fragment: EvidenceFragment) {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let data = utf16 ? Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)! : Data(text.utf8)
        let url = try scratch.write("acl.txt", data)
        let recognised = GetAclReader().recognises(try FormatSniffer.sample(path: url.path))
        return (recognised, try GetAclReader().read(path: url.path, file: "acl.txt", progress: nil))
    }

    func grants(_ fragment: EvidenceFragment) -> [String] {
        fragment.grants.map {
            "\($0.resourceID) | \($0.principal) | \($0.access == .deny ? "deny " : "")\($0.right.rawValue)\($0.inherited ? " (inherited)" : "")"
        }
    }

    func diagnostics(_ fragment: EvidenceFragment) -> [String] {
        fragment.log.diagnostics.map { "\($0.code)@\($0.location.line.map(String.init) ?? "-")" }
    }

    static let clinical = """
        PS D:\\> Get-ChildItem D:\\Shares\\Clinical -Directory | Get-Acl | Format-List


        Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\Shares\\Clinical\\Clinic Lists
        Owner  : BUILTIN\\Administrators
        Group  : RIVERSIDE\\Domain Users
        Access : NT AUTHORITY\\SYSTEM Allow  FullControl
                 RIVERSIDE\\Domain Users Allow  ReadAndExecute, Synchronize
        Audit  :
        Sddl   : O:BAG:DUD:AI(A;OICIID;FA;;;SY)(A;OICIID;0x1200a9;;;S-1-5-21-1004336348-1177238915-682003330-513)(A;OICI
                 ID;FA;;;BA)(D;OICI;0x1301
                 bf;;;WD)

        Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\Shares\\Clinical\\Referrals
        Owner  : BUILTIN\\Administrators
        Group  : RIVERSIDE\\Domain Users
        Access : RIVERSIDE\\Referrals Team Allow  Modify, Synchronize
        Audit  :
        Sddl   : O:BAG:DUD:PAI(A;OICI;0x1301bf;;;S-1-5-21-1004336348-1177238915-682003330-1107)

        """

    @Test("blocks read by their Sddl, its wrapped pieces joined even inside a token; the prompt before them skipped")
    func sddlWrapped() throws {
        let (recognised, fragment) = try read(Self.clinical)
        #expect(recognised)
        #expect(
            grants(fragment) == [
                "D:\\Shares\\Clinical\\Clinic Lists | NT AUTHORITY\\SYSTEM | full-control (inherited)",
                "D:\\Shares\\Clinical\\Clinic Lists | S-1-5-21-1004336348-1177238915-682003330-513 | read (inherited)",
                "D:\\Shares\\Clinical\\Clinic Lists | BUILTIN\\Administrators | full-control (inherited)",
                "D:\\Shares\\Clinical\\Clinic Lists | Everyone | deny modify",
                "D:\\Shares\\Clinical\\Referrals | S-1-5-21-1004336348-1177238915-682003330-1107 | modify",
            ])
        #expect(
            fragment.resources.map(\.id) == ["D:\\Shares\\Clinical\\Clinic Lists", "D:\\Shares\\Clinical\\Referrals"])
        #expect(fragment.grants.map(\.source.line) == [4, 4, 4, 4, 14])
        #expect(fragment.log.recordsRead == 2 && fragment.log.recordsRejected == 0)
        #expect(diagnostics(fragment) == ["getacl.leading-text@1"])
    }

    @Test("PowerShell 5.1's `>` writes UTF-16 with a byte-order mark: read the same")
    func utf16() throws {
        let (recognised, fragment) = try read(Self.clinical, utf16: true)
        #expect(recognised)
        #expect(fragment.grants.count == 5)
    }

    @Test("blocks joined without a blank line: a repeated property starts the next block")
    func joinedBlocks() throws {
        let text = """
            Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\A
            Sddl   : O:BAG:SYD:(A;;FA;;;SY)
            Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\B
            Sddl   : O:BAG:SYD:(A;;FR;;;AU)
            """
        let fragment = try read(text).fragment
        #expect(
            grants(fragment) == [
                "C:\\A | NT AUTHORITY\\SYSTEM | full-control", "C:\\B | NT AUTHORITY\\Authenticated Users | read",
            ])
    }

    @Test("without Sddl, rules come from Access, a rule wrapped at the console's width joined again")
    func accessWrapped() throws {
        let text = """
            Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\Data
            Owner  : BUILTIN\\Administrators
            Access : S-1-5-21-3167813660-1240564177-918740779-3102 Allow  
                     FullControl
                     APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION 
                     PACKAGES Allow  ReadAndExecute,
                     Synchronize
                     BUILTIN\\Users Allow  Frobnicate

            """
        let fragment = try read(text).fragment
        #expect(
            grants(fragment) == [
                "C:\\Data | S-1-5-21-3167813660-1240564177-918740779-3102 | full-control",
                "C:\\Data | APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION PACKAGES | read",
            ])
        #expect(diagnostics(fragment) == ["getacl.uninterpreted@-"])
        #expect(!fragment.log.diagnostics[0].message.contains("Frobnicate"))
    }

    @Test("a value wrapped at a space keeps it, whether it ends the line or starts the next one")
    func wrappedAtSpace() throws {
        let text = """
            Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\Shares\\Clinical\\Clinic
                      Lists\\Referrals from GP\u{20}
                     practices
            Access : RIVERSIDE\\Referrals Team Allow
                      Modify, Synchronize

            """
        let fragment = try read(text).fragment
        #expect(
            grants(fragment) == [
                "D:\\Shares\\Clinical\\Clinic Lists\\Referrals from GP practices | RIVERSIDE\\Referrals Team | modify"
            ]
        )
    }

    @Test("`Format-List *`: AccessToString read, Access's type names ignored, the other properties passed over")
    func allProperties() throws {
        let text = """
            PSPath                  : Microsoft.PowerShell.Core\\FileSystem::C:\\Records
            PSParentPath            : Microsoft.PowerShell.Core\\FileSystem::C:\\
            PSChildName             : Records
            PSDrive                 : C
            Access                  : {System.Security.AccessControl.FileSystemAccessRule,
                                      System.Security.AccessControl.FileSystemAccessRule}
            Path                    : Microsoft.PowerShell.Core\\FileSystem::C:\\Records
            Owner                   : BUILTIN\\Administrators
            AccessToString          : Everyone Allow  ReadAndExecute, Synchronize
                                      BUILTIN\\Administrators Allow  FullControl
            AreAccessRulesProtected : False

            """
        let fragment = try read(text).fragment
        #expect(
            grants(fragment) == [
                "C:\\Records | Everyone | read", "C:\\Records | BUILTIN\\Administrators | full-control",
            ])
        #expect(diagnostics(fragment).isEmpty)
    }

    @Test("a registry key's block is counted and left out; a block with rules but no Path is rejected with its line")
    func otherProviders() throws {
        let text = """
            Path   : Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\regsvc
            Owner  : BUILTIN\\Administrators
            Access : Everyone Allow  ReadKey
            Sddl   : O:BAG:SYD:P(A;CI;KR;;;WD)(A;CI;KA;;;IU)

            Owner  : BUILTIN\\Administrators
            Sddl   : O:BAG:SYD:(A;;FA;;;WD)

            Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\Kept
            Sddl   : O:BAG:SYD:(A;;FA;;;SY)

            Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\Owner only
            Owner  : BUILTIN\\Administrators

            """
        let fragment = try read(text).fragment
        #expect(grants(fragment) == ["C:\\Kept | NT AUTHORITY\\SYSTEM | full-control"])
        #expect(diagnostics(fragment) == ["getacl.no-path@6", "getacl.no-rules@12", "getacl.not-file-system@1"])
        #expect(fragment.log.recordsRejected == 2)
    }

    @Test("notes between the blocks are skipped and counted, and the blocks after them read")
    func notesBetween() throws {
        let text = """
            Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\A
            Sddl   : O:BAG:SYD:(A;;FA;;;SY)
            [+] Changing permissions
            Exception calling "AddAccessRule" with "1" argument(s)

            Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\B
            Sddl   : O:BAG:SYD:(A;;FA;;;BA)
            """
        let fragment = try read(text).fragment
        #expect(fragment.grants.count == 2)
        #expect(diagnostics(fragment) == ["getacl.other-text@3"])
        #expect(fragment.log.diagnostics[0].message.contains("2 lines"))
    }

    @Test("Get-Acl's default table is recognised and refused with its remedy: it cuts the rules short")
    func table() throws {
        let text = """

                Directory: D:\\Shares


            Path     Owner                  Access
            ----     -----                  ------
            Clinical BUILTIN\\Administrators NT AUTHORITY\\SYSTEM Allow  FullControl...

            """
        let (recognised, fragment) = try read(text)
        #expect(recognised)
        #expect(fragment.grants.isEmpty)
        #expect(diagnostics(fragment) == ["getacl.table@5"])
        #expect(fragment.log.diagnostics[0].message.contains("Format-List"))
    }

    @Test("a block of endless continuation lines is bounded and rejected; the next block is read")
    func hostileBlock() throws {
        let piece = String(repeating: "(A;;FA;;;SY)", count: 1000)
        var text = "Path   : Microsoft.PowerShell.Core\\FileSystem::C:\\A\nSddl   : O:BAG:SYD:\n"
        for _ in 0..<200 { text += "         \(piece)\n" }
        text += "\nPath   : Microsoft.PowerShell.Core\\FileSystem::C:\\B\nSddl   : O:BAG:SYD:(A;;FR;;;SY)\n"
        let fragment = try read(text).fragment
        #expect(grants(fragment) == ["C:\\B | NT AUTHORITY\\SYSTEM | read"])
        #expect(diagnostics(fragment) == ["getacl.record-too-long@1"])
    }

    @Test("an Sddl cut inside an entry is reported, and Access, which lists every rule, is read instead")
    func cutSddl() throws {
        let text = """
            Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\Shares
            Access : NT AUTHORITY\\SYSTEM Allow  FullControl
                     T\\Domain Users Allow  ReadAndExecute, Synchronize
            Sddl   : O:BAG:SYD:(A;;FA;;;SY)(A;;0x1200a9;;;DU

            Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\Other
            Sddl   : O:BAG:SYD:(A;;FA;;;SY)(A;;0x1200a9;;;DU

            """
        let fragment = try read(text).fragment
        #expect(
            grants(fragment) == [
                "D:\\Shares | NT AUTHORITY\\SYSTEM | full-control", "D:\\Shares | T\\Domain Users | read",
                "D:\\Other | NT AUTHORITY\\SYSTEM | full-control",
            ])
        #expect(diagnostics(fragment) == ["getacl.sddl-cut@1"])
        #expect(fragment.log.diagnostics.first?.message.hasPrefix("2 Sddl values end") == true)
    }

    @Test("a null DACL (NO_ACCESS_CONTROL) gives everyone full control, not nobody")
    func nullDACL() throws {
        let text = "Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\Open\nSddl   : O:BAG:SYD:NO_ACCESS_CONTROL\n"
        #expect(grants(try read(text).fragment) == ["D:\\Open | Everyone | full-control"])
    }

    @Test("a rule whose rights were lost (Allow, then nothing) is counted as not understood, never taken as no access")
    func rightsLost() throws {
        let text = "Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\A\nAccess : T\\Domain Users Allow\n"
        let fragment = try read(text).fragment
        #expect(fragment.grants.isEmpty)
        #expect(diagnostics(fragment) == ["getacl.uninterpreted@-"])
    }

    @Test("hostile blocks stay linear: 100,000 wrapped Access lines and 100,000 distinct properties read in one pass")
    func hostileShapes() throws {
        var wrapped = "Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\A\nAccess : x\n"
        for _ in 0..<100_000 { wrapped += "         y\n" }
        let first = try read(wrapped).fragment
        #expect(diagnostics(first) == ["getacl.record-too-long@1"])
        var properties = "Path   : Microsoft.PowerShell.Core\\FileSystem::D:\\B\nSddl   : O:BAG:SYD:(A;;FR;;;SY)\n"
        for index in 0..<100_000 { properties += "P\(index) :\n" }
        // Under 1 MiB with its names counted: read, each property found by name, not by a scan of those before it.
        let second = try read(properties).fragment
        #expect(grants(second) == ["D:\\B | NT AUTHORITY\\SYSTEM | read"])
        // The rules joined one piece at a time, in place: 50,000 pieces make one rule.
        let rules = GetAclList.rules(["T\\X Allow"] + Array(repeating: "Read,", count: 50_000)[...] + ["Write"])
        #expect(rules.count == 1)
    }

    @Test("text that is not Get-Acl output is not recognised, and a file of notes only is rejected with its line")
    func notGetAcl() throws {
        let (recognised, fragment) = try read("Name : value\nSomething : else\n")
        #expect(!recognised)
        #expect(diagnostics(fragment) == ["getacl.no-header@1"])
    }
}
