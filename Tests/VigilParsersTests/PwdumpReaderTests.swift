import Foundation
import Testing
import VigilCore
import VigilParsers
import VigilTestSupport

@Suite("pwdump / secretsdump reader")
struct PwdumpReaderTests {
    let reader = PwdumpReader()

    func read(_ text: String) throws -> EvidenceFragment {
        try read(Data(text.utf8))
    }

    func read(_ data: Data) throws -> EvidenceFragment {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("ntds.txt", data)
        return try reader.read(path: url.path, file: "ntds.txt", progress: nil)
    }

    @Test("reads the sample estate's secretsdump output")
    func estateSample() throws {
        let fragment = try reader.read(
            path: Fixtures.url("ad-estate-sample/ntds.txt").path, file: "ntds.txt", progress: nil)
        #expect(fragment.credentials.count == 182)
        #expect(fragment.log.count == 0)
        let jo = try #require(fragment.credentials.first { $0.accountName == "jo.evans" })
        #expect(jo.hasLMHash && jo.domain == "RIVERSIDE" && jo.rid == 2041)
        let zoe = try #require(fragment.credentials.first { $0.accountName == "zoe.thomas" })
        #expect(zoe.ntHash == .emptyPassword && !zoe.hasLMHash)
    }

    @Test("attaches DPAT's password history to its account and keeps machine accounts apart")
    func history() throws {
        let fragment = try reader.read(
            path: Fixtures.url("pwdump/dpat-customer-small.ntds").path, file: "dpat.ntds", progress: nil)
        #expect(fragment.credentials.count == 12)
        #expect(fragment.log.recordsRead == 42)
        #expect(fragment.log.count == 0)
        let larry = try #require(fragment.credentials.first { $0.accountName == "Larry" })
        #expect(larry.history.count == 5)
        #expect(larry.history.first == NTHash(hex: "e62830daed8dbea4acd0b99d682946bb"))
        #expect(fragment.credentials.filter(\.isMachineAccount).map(\.accountName) == ["WIN-M2HC5DF3QHT$"])
        #expect(fragment.credentials.first { $0.accountName == "Guest" }?.ntHash == .emptyPassword)
    }

    @Test("status lines, Kerberos keys, -user-status suffixes and cleartext lines")
    func secretsdumpExtras() throws {
        let text = """
            [*] Dumping Domain Credentials (domain\\uid:rid:lmhash:nthash)
            TRUST\\amy:1104:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c::: (status=Enabled)
            [*] Kerberos keys grabbed
            TRUST\\amy:aes256-cts-hmac-sha1-96:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            TRUST\\amy:des-cbc-md5:0123456789abcdef
            [*] ClearText passwords grabbed
            TRUST\\bob:CLEARTEXT:Winter2025!

            """
        let fragment = try read(text)
        #expect(fragment.credentials.map(\.accountName) == ["amy"])
        #expect(fragment.credentials.first?.ntHash == NTHash(password: "password"))
        #expect(fragment.log.recordsRejected == 0)
        #expect(fragment.log.diagnostics.map(\.code) == ["pwdump.status-lines", "pwdump.cleartext"])
        #expect(fragment.log.diagnostics.first?.message.hasPrefix("3 status lines") == true)
        #expect(!fragment.log.diagnostics.contains { $0.message.contains("Winter") || $0.message.contains("bob") })
    }

    /// A secretsdump domain section: amy's hash line ending in `suffix`, then `line`.
    static func domainSection(amy suffix: String, then line: String) -> String {
        """
        [*] Dumping Domain Credentials (domain\\uid:rid:lmhash:nthash)
        TRUST\\amy:1104:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\(suffix)
        \(line)

        """
    }

    @Test(
        "secretsdump's -pwd-last-set and -user-status suffixes, alone or together, are read past",
        arguments: [
            " (pwdLastSet=2020-02-23 19:09) (status=Enabled)", " (pwdLastSet=never) (status=Disabled)",
            " (pwdLastSet=N/A) (status=N/A)", " (pwdLastSet=2024-11-12 21:08)", " (status=Enabled)",
            " (status=Enabled) (pwdLastSet=2020-02-23 19:09)", "",
        ])
    func secretsdumpSuffixes(_ suffix: String) throws {
        let fragment = try read(
            Self.domainSection(
                amy: suffix,
                then: "TRUST\\amy_history0:1104:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::"))
        #expect(fragment.credentials.map(\.accountName) == ["amy"])
        #expect(fragment.credentials.first?.history == [.emptyPassword])
        #expect(fragment.log.recordsRejected == 0)
    }

    @Test(
        "text after ':::' that secretsdump does not write rejects the line, named, not quoted; the first account's line included",
        arguments: [
            " \u{2190}", " (pwdLastSet=2020-02-23 19:09) (status=Enabled) \u{2190}", " (note=Winter2025)", " x",
        ])
    func textAfterHashes(_ suffix: String) throws {
        let fragment = try read(
            Self.domainSection(
                amy: suffix,
                then: "TRUST\\bob:1105:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::"))
        #expect(fragment.credentials.map(\.accountName) == ["bob"])
        #expect(fragment.log.recordsRejected == 1)
        let rejection = try #require(fragment.log.diagnostics.first { $0.code == "pwdump.malformed" })
        #expect(rejection.location.line == 2)
        #expect(rejection.message.contains("text after ':::'"))
        #expect(!rejection.message.contains("8846f7") && !rejection.message.contains("Winter"))
        #expect(!fragment.log.diagnostics.contains { $0.code == "pwdump.leading-text" })
    }

    @Test("a line with an extra field is explained by its fields, not as text after its first ':::'")
    func emptyRID() throws {
        let text = """
            TRUST\\amy:1104:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::
            TRUST\\bob:::aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::
            TRUST\\cy:1106:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::

            """
        let fragment = try read(text)
        let rejection = try #require(fragment.log.diagnostics.first { $0.code == "pwdump.malformed" })
        #expect(rejection.location.line == 2 && rejection.message.contains("found 8 ':'-separated fields"))
    }

    @Test("a saved secretsdump console run: prompt, banner, status lines and LSA sections skipped, counted and placed")
    func consoleCapture() throws {
        let text = """
            kali@kali:~$ impacket-secretsdump -system SYSTEM -ntds ntds.dit LOCAL
            Impacket v0.10.0 - Copyright 2022 SecureAuth Corporation

            [*] Target system bootKey: 0x0123456789abcdef0123456789abcdef
            [*] Dumping local SAM hashes (uid:rid:lmhash:nthash)
            Administrator:500:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::
            [*] Dumping cached domain logon information (domain/username:hash)
            TRUST.LOCAL/amy:$DCC2$10240#amy#0123456789abcdef0123456789abcdef
            [*] Dumping LSA Secrets
            [*] $MACHINE.ACC
            $MACHINE.ACC:plain_password_hex:0011
             0000   8D D2 B1 AB 2C
            [*] Dumping Domain Credentials (domain\\uid:rid:lmhash:nthash)
            TRUST\\amy:1104:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::
            TRUST\\bob:1105:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::
            [*] Cleaning up...
            kali@kali:~$

            """
        #expect(PwdumpReader().recognises(TextSample(bytes: Array(text.utf8))))
        let fragment = try read(text)
        #expect(fragment.credentials.map(\.accountName) == ["Administrator", "amy", "bob"])
        #expect(fragment.log.recordsRejected == 0)
        let warnings = Dictionary(
            uniqueKeysWithValues: fragment.log.diagnostics.map { ($0.code, ($0.location.line, $0.message)) })
        #expect(warnings["pwdump.leading-text"]?.0 == 1)
        #expect(warnings["pwdump.leading-text"]?.1.hasPrefix("2 lines") == true)
        #expect(warnings["pwdump.status-lines"]?.0 == 4)
        #expect(warnings["pwdump.status-lines"]?.1.hasPrefix("7 status lines") == true)
        #expect(warnings["pwdump.other-section"]?.0 == 8)
        #expect(warnings["pwdump.other-section"]?.1.hasPrefix("3 lines") == true)
        #expect(warnings["pwdump.trailing-text"]?.0 == 17)
        #expect(fragment.log.diagnostics.allSatisfy { $0.level == .warning })
        #expect(!fragment.log.diagnostics.contains { $0.message.contains("8D D2") || $0.message.contains("DCC2") })
    }

    @Test("a last line shaped as a hash record but damaged (a UTF-16 file cut mid-character) is rejected, not notes")
    func damagedLastRecord() throws {
        let good = "amy:1104:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::"
        let cut = "bob:1105:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\u{FFFD}"
        let fragment = try read([good, cut, "C:\\> exit"].joined(separator: "\n") + "\n")
        #expect(fragment.credentials.map(\.accountName) == ["amy"])
        #expect(fragment.log.recordsRejected == 1)
        let codes = fragment.log.diagnostics.map { "\($0.code)@\($0.location.line ?? 0)" }
        #expect(codes == ["pwdump.malformed@2", "pwdump.trailing-text@3"], "\(codes)")
        #expect(fragment.log.diagnostics.last?.message.hasPrefix("1 line after") == true)
        // The same file cut one byte into its final line end: UTF-16 with an odd length.
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = [good, String(cut.dropLast())].joined(separator: "\n") + "\n"
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let url = try scratch.write("ntds.txt", Data(utf16.dropLast(2) + [0x0A]))
        let decoded = try PwdumpReader().read(path: url.path, file: "ntds.txt", progress: nil)
        #expect(decoded.credentials.map(\.accountName) == ["amy"])
        #expect(decoded.log.recordsRejected == 1)
        // Past the thousand trailing lines kept with their explanation, a damaged record is still counted.
        let notes = (1...1_000).map { "note \($0)" }
        let late = try read(([good] + notes + [cut]).joined(separator: "\n") + "\n")
        #expect(late.log.recordsRejected == 1)
        #expect(late.log.diagnostics.map(\.code).sorted() == ["pwdump.malformed", "pwdump.trailing-text"])
    }

    @Test("a long preamble is not a dump; a few lines before the hashes are")
    func recognitionLimit() {
        let hashes = (1...3).map {
            "u\($0):100\($0):aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::"
        }
        let short = (["notes from the audit", "C:\\> type dump.txt"] + hashes).joined(separator: "\n")
        #expect(PwdumpReader().recognises(TextSample(bytes: Array(short.utf8))))
        let long = ((1...20).map { "paragraph \($0) of a report" } + hashes).joined(separator: "\n")
        #expect(!PwdumpReader().recognises(TextSample(bytes: Array(long.utf8))))
    }

    @Test("malformed lines are rejected with position and reason, never content; the rest are read")
    func malformed() throws {
        let text = """
            a:1001:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::
            b:1002:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586:::
            c:x:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::
            d:1004:aad3b435b51404eeaad3b435b51404ee
            e:1005:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586z:::
            f:1006:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::
            a:1001:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::

            """
        let fragment = try read(text)
        #expect(fragment.credentials.map(\.accountName) == ["a", "f"])
        #expect(fragment.log.recordsRejected == 4)
        let errors = fragment.log.diagnostics.filter { $0.level == .error }
        #expect(errors.map(\.location.line) == [2, 3, 4, 5])
        #expect(errors[0].message.contains("NT hash (field 4) is 31 characters"))
        #expect(errors[1].message.contains("RID"))
        #expect(errors[2].message.contains("3 ':'-separated fields"))
        #expect(fragment.log.diagnostics.last?.code == "pwdump.duplicate-account")
        #expect(!fragment.log.diagnostics.contains { $0.message.contains("8846f7") || $0.message.contains("aad3b4") })
    }

    @Test("a history line without its account is reported")
    func orphanHistory() throws {
        let fragment = try read(
            "ghost_history0:1200:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\n")
        #expect(fragment.credentials.isEmpty)
        #expect(fragment.log.diagnostics.map(\.code) == ["pwdump.orphan-history"])
    }

    @Test("UTF-16LE dumps with a BOM are read")
    func utf16() throws {
        var data = Data([0xFF, 0xFE])
        data.append(
            "amy:1001:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\r\n".data(
                using: .utf16LittleEndian)!)
        #expect(try read(data).credentials.map(\.accountName) == ["amy"])
    }

    @Test("fgdump's NO PASSWORD markers mean no hash")
    func noPassword() throws {
        let fragment = try read("Guest:501:NO PASSWORD*********************:NO PASSWORD*********************:::\n")
        #expect(fragment.credentials.first?.ntHash == nil)
        #expect(fragment.credentials.first?.hasLMHash == false)
    }
}
