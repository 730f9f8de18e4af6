import Foundation
import Testing
import VigilCore

@Suite("Estate model")
struct ModelTests {
    @Test("a binary objectSid decodes to its string form and back")
    func securityIdentifier() throws {
        let bytes = try #require(Data(base64Encoded: "AQUAAAAAAAUVAAAAVwQAAK4IAAAFDQAA0QcAAA=="))
        let sid = try #require(SecurityIdentifier(bytes: bytes))
        #expect(sid.description == "S-1-5-21-1111-2222-3333-2001")
        #expect(sid.rid == 2001)
        #expect(sid.domain?.description == "S-1-5-21-1111-2222-3333")
        #expect(SecurityIdentifier("S-1-5-32-544")?.domain == nil)
        #expect(SecurityIdentifier(sid.description) == sid)
    }

    @Test(
        "malformed SIDs are refused",
        arguments: [[UInt8](), [2, 1, 0, 0, 0, 0, 0, 5, 1, 0, 0, 0], [1, 2, 0, 0, 0, 0, 0, 5, 1, 0, 0, 0]])
    func malformedSID(bytes: [UInt8]) {
        #expect(SecurityIdentifier(bytes: bytes) == nil)
    }

    @Test("FILETIME converts both ways; 0 and Int64.max mean never")
    func fileTime() throws {
        let epoch = try #require(WindowsFileTime.date(fromTicks: 116_444_736_000_000_000))
        #expect(epoch.timeIntervalSince1970 == 0)
        #expect(WindowsFileTime.date(fromTicks: 0) == nil)
        #expect(WindowsFileTime.date(fromTicks: Int64.max) == nil)
        let date = CivilDate.date(year: 2026, month: 11, day: 1)
        #expect(WindowsFileTime.date(fromTicks: WindowsFileTime.ticks(from: date)) == date)
        #expect(
            CivilDate.string(try #require(WindowsFileTime.date(fromTicks: 134_203_392_000_000_000))) == "2026-04-11")
    }

    @Test("civil dates round-trip and invalid ones are refused")
    func civilDates() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (year, month, day) = CivilDate.components(days: days)
            #expect(CivilDate.days(year: year, month: month, day: day) == days)
        }
        #expect(CivilDate.parse("2024-02-29").map(CivilDate.string) == "2024-02-29")
        #expect(CivilDate.parse("2023-02-29") == nil)
        #expect(CivilDate.parse("2023-13-01") == nil)
        #expect(CivilDate.parse("23-01-01") == nil)
    }

    /// The byte parser against the parser it replaced (split on `-`, `Int` of each part, the day written back and
    /// compared), on edge cases and on every mutation of a few days by one character.
    @Test("the date parser accepts exactly what the split-and-compare parser accepted")
    func civilDateParserMatchesReference() {
        func reference(_ text: String) -> Date? {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
                (1...12).contains(month), (1...31).contains(day)
            else { return nil }
            let result = CivilDate.date(year: year, month: month, day: day)
            guard CivilDate.string(result) == "\(parts[0])-\(parts[1])-\(parts[2])" else { return nil }
            return result
        }
        var cases = [
            "2024-02-29", "2023-02-29", "2024-04-31", "2024-04-30", "1000-01-01", "0999-12-31", "9999-12-31",
            "2024-00-10", "2024-13-01", "2024-01-00", "2024-01-32", "+202-01-01", "2024-+1-01", "2024-1-01",
            "2024-01-1 ", " 2024-01-01", "2024/01/01", "２０２４-01-01", "2024-01-01T00:00:00Z", "", "-", "--",
            "20240101", "2024-01-0١", "2024-1--01", "1970-01-01", "2038-01-19", "2262-04-12",
        ]
        let alphabet = ["0", "1", "2", "9", "-", "+", " ", "a", "é", "٣"]
        for seed in ["2024-02-29", "1999-12-31", "2000-10-05"] {
            for position in 0...seed.count {
                for replacement in alphabet {
                    var characters = Array(seed)
                    if position < characters.count { characters[position] = Character(replacement) }
                    cases.append(String(characters))
                    var inserted = Array(seed)
                    inserted.insert(Character(replacement), at: position)
                    cases.append(String(inserted))
                }
            }
        }
        for text in cases {
            #expect(CivilDate.parse(text) == reference(text), "\(text)")
            #expect(CivilDate.parse(Substring(text)) == reference(text), "\(text)")
        }
    }

    /// The normaliser writes into the string's own storage; the array-building one it replaced is the reference.
    @Test("distinguished names normalise exactly as the byte-array normaliser did")
    func distinguishedNameNormaliserMatchesReference() {
        func reference(_ dn: String) -> String {
            func lowered(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
            var output: [UInt8] = []
            var escaped = false
            var pendingSpaces = 0
            for byte in dn.utf8 {
                if escaped {
                    output.append(lowered(byte))
                    escaped = false
                    continue
                }
                switch byte {
                case UInt8(ascii: "\\"):
                    output += repeatElement(UInt8(ascii: " "), count: pendingSpaces)
                    pendingSpaces = 0
                    output.append(byte)
                    escaped = true
                case UInt8(ascii: " "):
                    if output.isEmpty
                        || [UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "+")].contains(output.last!)
                    {
                        continue
                    }
                    pendingSpaces += 1
                case UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "+"):
                    pendingSpaces = 0
                    output.append(byte)
                default:
                    output += repeatElement(UInt8(ascii: " "), count: pendingSpaces)
                    pendingSpaces = 0
                    output.append(lowered(byte))
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
        var cases = [
            "", " ", "   ", "\\", "CN=Smith\\, John,OU=Staff", " CN = Domain Admins , CN=Users ,DC=x ", "cn=a+sn=B",
            "CN=Zoë Ärger,OU=Ünits", "CN=\\ lead,DC=x", "CN=trail\\ ,DC=x", "CN=名前,DC=例",
        ]
        let alphabet = [" ", ",", "=", "+", "\\", "A", "z", "é", "Ä"]
        for seed in ["CN=Amy Hall,OU=Staff,DC=trust,DC=nhs", "CN=Smith\\, John ,OU= Staff"] {
            for position in 0...seed.count {
                for insert in alphabet {
                    var characters = Array(seed)
                    characters.insert(Character(insert), at: position)
                    cases.append(String(characters))
                }
            }
        }
        for dn in cases { #expect(DistinguishedName.normalised(dn) == reference(dn), "\(dn)") }
    }

    @Test("distinguished names compare regardless of case and spacing")
    func distinguishedNames() {
        #expect(
            DistinguishedName.normalised("CN=Domain Admins, CN=Users,DC=Trust,DC=nhs")
                == DistinguishedName.normalised("cn=domain admins,cn=users,dc=trust,dc=nhs"))
        #expect(
            DistinguishedName.normalised("CN=Smith\\, John,OU=Staff")
                != DistinguishedName.normalised("CN=Smith,CN=John,OU=Staff"))
        #expect(DistinguishedName.dnsName("CN=x,OU=Staff,DC=riverside,DC=nhs,DC=local") == "riverside.nhs.local")
        #expect(DistinguishedName.firstValue("CN=Smith\\, John,OU=Staff") == "Smith, John")
        #expect(DistinguishedName.firstValue("CN=Ko\\C4\\8Dar,OU=Staff") == "Kočar")
    }

    @Test("an estate encodes without its credential hashes")
    func estateCoding() throws {
        let hash = NTHash(password: "Winter2025")
        let estate = Estate(
            organisation: .unnamed,
            accounts: [Account(name: "amy", source: .init(file: "d.ldif", line: 3))],
            credentials: [
                CredentialRecord(accountName: "amy", rid: 1, ntHash: hash, hasLMHash: false, source: .init(file: "h"))
            ]
        )
        let data = try JSONEncoder().encode(estate)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.localizedCaseInsensitiveContains(hash.unredactedHex))
        #expect(!text.contains("credentials"))
        let decoded = try JSONDecoder().decode(Estate.self, from: data)
        #expect(decoded.accounts == estate.accounts)
        #expect(decoded.credentials.isEmpty)
    }

    @Test("accounts are enabled unless disabled or expired")
    func enabled() {
        let now = CivilDate.date(year: 2026, month: 1, day: 1)
        var account = Account(name: "a", source: .init(file: "f"))
        #expect(account.isEnabled(at: now))
        account.expires = now.addingTimeInterval(-1)
        #expect(!account.isEnabled(at: now))
        account.expires = nil
        account.control.insert(.disabled)
        #expect(!account.isEnabled(at: now))
    }

    @Test("JSON dates: RFC 3339 with fractional seconds or an offset is read; a day the calendar does not have is not")
    func calendarDates() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .calendarISO8601
        func date(_ text: String) throws -> Date {
            try decoder.decode([Date].self, from: Data("[\"\(text)\"]".utf8))[0]
        }
        #expect(try date("2026-12-04T09:00:00Z").timeIntervalSince1970 == 1_796_374_800)
        #expect(try date("2026-12-04T09:00:00.5Z").timeIntervalSince1970 == 1_796_374_800.5)
        #expect(try date("2026-12-04T10:00:00+01:00").timeIntervalSince1970 == 1_796_374_800)
        do {
            _ = try date("2026-02-30T00:00:00Z")
            Issue.record("2026-02-30 was read")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription == CivilDate.impossibleDay)
        }
        #expect(throws: DecodingError.self) { try date("yesterday") }
    }
}
