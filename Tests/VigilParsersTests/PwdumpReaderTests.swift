import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilParsers

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
        #expect(fragment.log.diagnostics.map(\.code) == ["pwdump.cleartext"])
        #expect(!fragment.log.diagnostics.contains { $0.message.contains("Winter") || $0.message.contains("bob") })
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
