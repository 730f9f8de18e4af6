import Foundation
import Testing
import VigilCore
import VigilIO
import VigilTestSupport

@testable import VigilParsers

@Suite("LDIF reader")
struct LDIFReaderTests {
    let reader = LDIFReader()

    func read(_ text: String, name: String = "test.ldif") throws -> EvidenceFragment {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write(name, text)
        return try reader.read(path: url.path, file: name, progress: nil)
    }

    @Test("reads the sample AD export: users, groups and the domain password policy")
    func activeDirectorySample() throws {
        let fragment = try reader.read(
            path: Fixtures.url("ad-estate-sample/directory.ldif").path, file: "directory.ldif", progress: nil)
        #expect(fragment.log.recordsRejected == 0)
        #expect(fragment.log.recordsRead == 187)
        #expect(fragment.accounts.count == 182)
        #expect(fragment.groups.count == 4)
        let domain = try #require(fragment.domains.first)
        #expect(domain.dnsName == "riverside.nhs.local")
        #expect(
            domain.passwordPolicy
                == PasswordPolicy(
                    minimumLength: 6, historyLength: 0, lockoutThreshold: 0, maximumAgeDays: 42,
                    complexityRequired: false, reversibleEncryption: false))
        let amy = try #require(fragment.accounts.first { $0.name == "amy.hall" })
        #expect(amy.sid?.description == "S-1-5-21-1111-2222-3333-2001")
        #expect(amy.qualifiedName == "RIVERSIDE\\amy.hall")
        #expect(amy.control == .normalAccount)
        #expect(amy.displayName == "Amy Hall")
        #expect(amy.memberOf == ["CN=Clinical Staff,CN=Users,DC=riverside,DC=nhs,DC=local"])
        #expect(amy.passwordLastSet.map(CivilDate.string) == "2026-04-11")
        #expect(amy.source == EvidenceReference(file: "directory.ldif", line: 222))
        let tom = try #require(fragment.accounts.first { $0.name == "tom.hall" })
        #expect(tom.control.contains(.reversibleEncryption))
        let admins = try #require(fragment.groups.first { $0.name == "Domain Admins" })
        #expect(admins.adminCount && admins.members.count == 2)
    }

    @Test("reads OpenLDAP's content sample: base64 values keep their spaces, folded lines are joined")
    func openLDAPSample() throws {
        var log = DiagnosticLog(file: "test.ldif")
        var surnames: [String] = []
        var members: [String] = []
        try LDIFParser(attributes: ["sn", "member"]).parse(
            path: Fixtures.url("ldif/openldap-test.ldif").path, log: &log
        ) { record, _ in
            record.withView { view in
                view.forEachValue(0) { bytes, _ in surnames.append(String(decoding: bytes, as: UTF8.self)) }
                view.forEachValue(1) { bytes, _ in members.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        #expect(log.recordsRead == 19)
        #expect(log.recordsRejected == 0)
        #expect(surnames.contains(" Jensen "))
        #expect(members.contains("cn=Barbara Jensen,ou=Information Technology Division,ou=People,dc=example,dc=com"))
        // No AD classes: nothing becomes an account, and nothing is an error.
        let fragment = try reader.read(
            path: Fixtures.url("ldif/openldap-test.ldif").path, file: "test.ldif", progress: nil)
        #expect(fragment.accounts.isEmpty && fragment.log.count == 0)
    }

    @Test("rejects the modify, delete and modrdn records of OpenLDAP's modify sample; its 'changetype: add' is content")
    func changeRecords() throws {
        let fragment = try reader.read(
            path: Fixtures.url("ldif/openldap-test-modify.ldif").path, file: "m.ldif", progress: nil)
        #expect(fragment.log.recordsRead == 1)
        #expect(fragment.log.recordsRejected == 7)
        #expect(fragment.log.diagnostics.map(\.location.line) == [7, 24, 35, 59, 96, 100, 108])
        #expect(
            fragment.log.diagnostics.allSatisfy {
                $0.code == "ldif.change-record" && $0.message.contains("changetype: add")
            })
    }

    /// The diagnostics of `fragment` other than the one saying the export holds no logon times, which these small
    /// hand-made exports (without `lastLogon`) all get: the tests using this are about something else.
    static func others(_ fragment: EvidenceFragment) -> [Diagnostic] {
        fragment.log.diagnostics.filter { $0.code != "ldif.no-logon-times" }
    }

    @Test("an export that holds logon times for some accounts marks none; one that holds none marks all, and says so")
    func logonTimes() throws {
        let account = { (name: String, extra: String) in
            "dn: CN=\(name),CN=Users,DC=trust,DC=nhs\nobjectClass: user\nsAMAccountName: \(name)\n\(extra)\n"
        }
        let some = try read(account("amy", "lastLogon: 0") + "\n" + account("bob", "whenCreated: 20200101000000.0Z"))
        #expect(some.accounts.map(\.logonTimesMissing) == [nil, nil])
        #expect(some.log.count == 0)
        let none = try read(account("amy", "") + "\n" + account("bob", ""))
        #expect(none.accounts.map(\.logonTimesMissing) == [true, true])
        #expect(none.log.diagnostics.map(\.code) == ["ldif.no-logon-times"])
        #expect(none.log.diagnostics.first?.location.line == 1)
        // Computers alone: their use is never judged, so nothing to warn of.
        let computers = try read(
            "dn: CN=WS01,CN=Computers,DC=trust,DC=nhs\nobjectClass: computer\nsAMAccountName: WS01$\n")
        #expect(computers.log.count == 0)
    }

    @Test(
        "GeneralizedTime: a day not in the calendar or before 1601 rejects its record by line; AD's 1601 zero is no date"
    )
    func generalizedTimes() throws {
        let account = { (name: String, created: String) in
            "dn: CN=\(name),CN=Users,DC=trust,DC=nhs\nobjectClass: user\nsAMAccountName: \(name)\nlastLogon: 0\nwhenCreated: \(created)\n"
        }
        let fragment = try read(
            [
                account("leap", "20240229120000.0Z"), account("notleap", "20230229120000.0Z"),
                account("zero", "00000101000000.0Z"), account("never", "16010101000000.0Z"),
            ].joined(separator: "\n"))
        #expect(fragment.accounts.map(\.name) == ["leap", "never"])
        #expect(fragment.accounts.first?.created.map(CivilDate.string) == "2024-02-29")
        #expect(fragment.accounts.last?.created == nil)
        #expect(fragment.log.diagnostics.map(\.code) == ["ldif.invalid-time", "ldif.invalid-time"])
        #expect(fragment.log.diagnostics.map(\.location.line) == [11, 17])
    }

    @Test("ldifde's 'changetype: add' on every entry is read as the entry's contents")
    func ldifdeAddRecords() throws {
        let text = [
            "dn: CN=Amy Hall,CN=Users,DC=trust,DC=nhs", "changetype: add", "objectClass: top", "objectClass: user",
            "sAMAccountName: amy.hall", "userAccountControl: 512", "",
            "dn: CN=WS01,CN=Computers,DC=trust,DC=nhs", "changetype: Add", "objectClass: computer",
            "sAMAccountName: WS01$", "userAccountControl: 4096", "",
        ].joined(separator: "\r\n")
        let fragment = try read(text)
        #expect(Self.others(fragment).isEmpty)
        #expect(fragment.accounts.map(\.name) == ["amy.hall", "WS01$"])
        #expect(fragment.accounts.map(\.kind) == [.user, .computer])
    }

    @Test(
        "entries are classified by whichever of objectClass, objectCategory, sAMAccountType or userAccountControl the export has",
        arguments: [
            ("objectClass: user", Account.Kind.user),
            ("objectClass: computer", .computer),
            ("objectCategory: CN=Person,CN=Schema,CN=Configuration,DC=trust,DC=nhs", .user),
            ("objectCategory: CN=Computer,CN=Schema,CN=Configuration,DC=trust,DC=nhs", .computer),
            ("sAMAccountType: 805306368", .user),
            ("sAMAccountType: 805306369", .computer),
            ("userAccountControl: 66048", .user),
            ("userAccountControl: 4096", .computer),
            ("userAccountControl: 8192", .computer),
        ])
    func classification(attribute: String, kind: Account.Kind) throws {
        let text = ["dn: CN=X,CN=Users,DC=trust,DC=nhs", "sAMAccountName: x1", attribute, ""].joined(separator: "\n")
        let fragment = try read(text)
        #expect(Self.others(fragment).isEmpty)
        #expect(fragment.accounts.map(\.kind) == [kind])
    }

    @Test(
        "groups are classified by objectCategory or sAMAccountType too",
        arguments: [
            "objectCategory: CN=Group,CN=Schema,CN=Configuration,DC=trust,DC=nhs", "sAMAccountType: 268435456",
            "sAMAccountType: 536870912",
        ])
    func groupClassification(attribute: String) throws {
        let text = ["dn: CN=Staff,CN=Users,DC=trust,DC=nhs", "sAMAccountName: Staff", attribute, ""].joined(
            separator: "\n")
        let fragment = try read(text)
        #expect(fragment.groups.map(\.name) == ["Staff"])
        #expect(fragment.accounts.isEmpty)
    }

    @Test("entries nothing classifies are reported once, naming the missing attributes, never a silent zero")
    func unclassified() throws {
        let text = [
            "dn: CN=OU,DC=trust,DC=nhs", "description: not a principal", "",
            "dn: CN=A,CN=Users,DC=trust,DC=nhs", "sAMAccountName: a1", "pwdLastSet: 0", "",
            "dn: CN=B,CN=Users,DC=trust,DC=nhs", "sAMAccountName: b1", "",
        ].joined(separator: "\n")
        let fragment = try read(text)
        #expect(fragment.accounts.isEmpty)
        #expect(fragment.log.recordsRead == 3)
        let warning = try #require(fragment.log.diagnostics.first)
        #expect(fragment.log.diagnostics.count == 1)
        #expect(warning.code == "ldif.unclassified" && warning.level == .warning && warning.location.line == 4)
        #expect(warning.message.hasPrefix("2 entries") && warning.message.contains("objectClass"))
    }

    @Test(
        "ldapsearch's non-zero result trailers mean the export is incomplete",
        arguments: [
            ("result: 4 Size limit exceeded", "size limit"), ("result: 3 Time limit exceeded", "time limit"),
            ("result: 11 Administrative limit exceeded", "administrative limit"),
        ])
    func truncatedResult(trailer: String, words: String) throws {
        let text = [
            "dn: CN=A,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: a1", "",
            "# search result", "search: 2", trailer, "", "# numResponses: 2", "# numEntries: 1", "",
        ].joined(separator: "\n")
        let fragment = try read(text)
        #expect(fragment.accounts.count == 1)
        let warning = try #require(fragment.log.diagnostics.first)
        #expect(warning.code == "ldif.truncated" && warning.location.line == 7 && warning.message.contains(words))
    }

    @Test("a paged search left with a non-empty cookie is incomplete; one run to its last page is not")
    func pagedCookies() throws {
        // ldapsearch's full output: each page ends with its result, the paged-results control and the cookie.
        let page = [
            "# extended LDIF", "dn: CN=A,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: a1", "",
            "# search result", "search: 2", "result: 0 Success", "control: 1.2.840.113556.1.4.319 false MAUCAQAEAA==",
        ]
        let cut = try read((page + ["pagedresults: cookie=AQAAAA==", ""]).joined(separator: "\n"))
        #expect(cut.accounts.count == 1)
        #expect(Self.others(cut).map(\.code) == ["ldif.truncated"])
        #expect(cut.log.diagnostics.first?.location.line == 10)
        let complete = try read((page + ["pagedresults: cookie=", "", "# numEntries: 1", ""]).joined(separator: "\n"))
        #expect(Self.others(complete).isEmpty)
    }

    @Test("ldapsearch -LL paged output: version repeated per page is fine; a last page without its cookie is cut")
    func pagedCommentCookies() throws {
        let first = [
            "version: 1", "", "dn: CN=A,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: a1", "",
            "# pagedresults: cookie=AwAAAAAAAAA=", "version: 1", "", "dn: CN=B,CN=Users,DC=trust,DC=nhs",
            "objectClass: user", "sAMAccountName: b1", "",
        ]
        let complete = try read((first + ["# pagedresults: cookie=", ""]).joined(separator: "\n"))
        #expect(complete.accounts.count == 2 && Self.others(complete).isEmpty)
        let cut = try read(first.joined(separator: "\n"))
        #expect(cut.accounts.count == 2)
        #expect(Self.others(cut).map(\.code) == ["ldif.truncated"])
        #expect(cut.log.diagnostics.first?.location.line == 10)
    }

    @Test("a file cut in the middle of its last record rejects that record and says the export is incomplete")
    func partialLastRecord() throws {
        let text = [
            "dn: CN=A,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: a1", "",
            "dn: CN=B,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: b1", "userAccountControl: 51",
        ].joined(separator: "\n")
        let fragment = try read(text)
        #expect(fragment.accounts.map(\.name) == ["a1"])
        #expect(Self.others(fragment).map(\.code) == ["ldif.partial-record"])
        #expect(fragment.log.diagnostics.first?.location.line == 8)
        // The same records ending with a line break are complete.
        #expect(try read(text + "\n").accounts.count == 2)
    }

    @Test("records run together without a blank line are split at each dn: and reported at its line")
    func mergedRecords() throws {
        let text = [
            "dn: CN=A,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: a1",
            "dn: CN=B,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: b1", "",
        ].joined(separator: "\n")
        let fragment = try read(text)
        #expect(fragment.accounts.map(\.name) == ["a1", "b1"])
        #expect(Self.others(fragment).map(\.code) == ["ldif.merged-records"])
        #expect(fragment.log.diagnostics.first?.location.line == 4)
    }

    @Test("the sign of a cut export is kept even past the cap on diagnostics, and the cap still holds")
    func truncationPastCap() throws {
        let broken = (0..<250).map { "dn: CN=U\($0),DC=trust,DC=nhs\nobjectClass: user\nno colon here\n" }
        let text = broken.joined(separator: "\n") + "\n# search result\nsearch: 2\nresult: 4 Size limit exceeded\n"
        let fragment = try read(text)
        #expect(fragment.log.count == 251)
        #expect(fragment.log.diagnostics.count == EvidenceFileSummary.diagnosticLimit)
        #expect(fragment.log.diagnostics.last?.code == "ldif.truncated")
    }

    @Test("the documented ldifde and ldapsearch commands, and the format's producedBy, request every attribute read")
    func documentedCommandsRequestEverything() throws {
        let doc = try String(
            contentsOf: Fixtures.repository.appendingPathComponent("docs/formats/ldif.md"), encoding: .utf8)
        let ldifde = try #require(
            doc.components(separatedBy: "```bat\n").dropFirst().first?.components(separatedBy: "```").first)
        let ldapsearch = try #require(
            doc.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        let words = { (text: String) in
            Set(text.split(whereSeparator: { " ,\"\\\n^".contains($0) }).map { $0.lowercased() })
        }
        for (name, command) in [
            ("ldifde", ldifde), ("ldapsearch", ldapsearch), ("producedBy", reader.format.producedBy),
        ] {
            let requested = words(command)
            let missing = DirectoryAttribute.names.filter { !requested.contains($0.lowercased()) }
            #expect(missing.isEmpty, "\(name) does not request \(missing)")
        }
    }

    @Test("a line of spaces between records is a blank line, and does not stop recognition")
    func whitespaceLine() throws {
        let text = [
            "   ", "dn: CN=A,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: a1", "  ",
            "dn: CN=B,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: b1", "",
        ].joined(separator: "\n")
        #expect(reader.recognises(TextSample(bytes: Array(text.utf8))))
        let fragment = try read(text)
        #expect(fragment.accounts.count == 2 && Self.others(fragment).isEmpty)
    }

    @Test("a malformed record is rejected with its position; the records around it are still read")
    func badRecordsDoNotStopTheRest() throws {
        let text = """
            dn: CN=a,DC=x,DC=y
            objectClass: user
            sAMAccountName: first

            dn: CN=b,DC=x,DC=y
            objectClass: user
            this line has no colon SECRET-VALUE
            sAMAccountName: second

            dn: CN=c,DC=x,DC=y
            objectClass: user
            sAMAccountName: third
            userAccountControl: 5x12

            dn: CN=d,DC=x,DC=y
            objectClass: user
            objectSid:: AQUA!!!notbase64

            dn: CN=e,DC=x,DC=y
            objectClass: user
            sAMAccountName: fifth

            """
        let fragment = try read(text)
        #expect(fragment.accounts.map(\.name) == ["first", "fifth"])
        #expect(fragment.log.recordsRead == 2)
        #expect(fragment.log.recordsRejected == 3)
        #expect(Self.others(fragment).map(\.location.line) == [7, 13, 17])
        #expect(
            Self.others(fragment).map(\.code) == [
                "ldif.missing-colon", "ldif.invalid-integer", "ldif.invalid-base64",
            ])
        #expect(fragment.log.diagnostics.allSatisfy { !$0.message.contains("SECRET") && !$0.message.contains("5x12") })
    }

    @Test("folded lines, base64 DNs, CRLF endings, comments and ldapsearch trailers")
    func syntax() throws {
        let dn = "CN=Zoë Müller,OU=Staff,DC=trust,DC=nhs"
        let encodedDN = Data(dn.utf8).base64EncodedString()
        let text = [
            "# extended LDIF", "version: 1", "", "# Zoë, Staff, trust.nhs",
            "dn:: \(encodedDN)", "objectClass: user", "sAMAccount", " Name: zoe.muller",
            "memberOf: CN=A Very Long Group Name That Wr",
            " aps,OU=Groups,DC=trust,DC=nhs", "# a comment inside", " that continues", "userAccountControl: 66048", "",
            "# search result", "search: 2", "result: 0 Success", "", "# numEntries: 1", "",
        ].joined(separator: "\r\n")
        let fragment = try read(text)
        #expect(Self.others(fragment).isEmpty)
        let account = try #require(fragment.accounts.first)
        #expect(account.distinguishedName == dn)
        #expect(account.name == "zoe.muller")
        #expect(account.memberOf == ["CN=A Very Long Group Name That Wraps,OU=Groups,DC=trust,DC=nhs"])
        #expect(account.control.contains(.passwordNeverExpires))
    }

    @Test("the eight-bytes-at-once lower-casing agrees with byte-by-byte lower-casing for every byte")
    func swarLowercase() {
        for byte in 0...255 {
            for position in 0..<8 {
                let word =
                    UInt64(byte) << (8 * UInt64(position)) | 0x4142_6162_5A5B_4060 & ~(0xFF << (8 * UInt64(position)))
                let expected = (0..<8).reduce(UInt64(0)) { result, offset in
                    result | UInt64(ASCII.lower(UInt8(truncatingIfNeeded: word >> (8 * UInt64(offset)))))
                        << (8 * UInt64(offset))
                }
                #expect(AttributeTable.lowered(word) == expected)
            }
        }
    }

    @Test("attribute names are case-insensitive and ranged values count")
    func attributeNames() throws {
        let fragment = try read(
            "dn: CN=G,DC=x\nOBJECTCLASS: Group\nsamaccountname: G\nmember;range=0-1499: CN=a,DC=x\nMember: CN=b,DC=x\n\n"
        )
        #expect(fragment.groups.first?.members == ["CN=a,DC=x", "CN=b,DC=x"])
    }

    @Test("values that are not UTF-8 are rejected without being quoted")
    func invalidUTF8() throws {
        var bytes = Array("dn: CN=a,DC=x\nobjectClass: user\nsAMAccountName: bad".utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array("\n\ndn: CN=b,DC=x\nobjectClass: user\nsAMAccountName: good\n".utf8)
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("u.ldif", Data(bytes))
        let fragment = try reader.read(path: url.path, file: "u.ldif", progress: nil)
        #expect(fragment.accounts.map(\.name) == ["good"])
        #expect(fragment.log.diagnostics.first?.code == "ldif.invalid-utf8")
        #expect(fragment.log.diagnostics.first?.location.line == 3)
    }

    @Test("UTF-16 exports (PowerShell redirection) are read like UTF-8")
    func utf16() throws {
        let text = "dn: CN=a,DC=x\r\nobjectClass: user\r\nsAMAccountName: zoë\r\n\r\n"
        var data = Data([0xFF, 0xFE])
        data.append(text.data(using: .utf16LittleEndian)!)
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("w.ldif", data)
        let fragment = try reader.read(path: url.path, file: "w.ldif", progress: nil)
        #expect(fragment.accounts.map(\.name) == ["zoë"])
    }

    @Test("URL values are never fetched")
    func urlValues() throws {
        let fragment = try read(
            "dn: CN=a,DC=x\nobjectClass: user\nsAMAccountName: a\nmemberOf:< file:///etc/passwd\n\n")
        #expect(fragment.accounts.first?.memberOf == [])
        #expect(fragment.log.diagnostics.first?.code == "ldif.url-value")
    }

    @Test("a line over the limit rejects its record and nothing else")
    func overlongLine() throws {
        let huge = String(repeating: "A", count: 9 << 20)
        let fragment = try read(
            "dn: CN=a,DC=x\nobjectClass: user\nsAMAccountName: a\ndescription: \(huge)\n\ndn: CN=b,DC=x\nobjectClass: user\nsAMAccountName: b\n"
        )
        #expect(fragment.accounts.map(\.name) == ["b"])
        #expect(Self.others(fragment).map(\.code) == ["ldif.line-too-long"])
        #expect(fragment.log.diagnostics.first?.location.line == 4)
    }

    @Test("a record of many unfolded lines is held to the record limit too, at the line that passes it")
    func recordOfUnfoldedLines() throws {
        // 70 values of 1 MiB, none folded: each is under the line limit, together they pass the 64 MiB record limit.
        let group = "memberOf: CN=" + String(repeating: "G", count: (1 << 20) - 3) + "\n"
        let fragment = try read(
            "dn: CN=a,DC=x\nobjectClass: user\nsAMAccountName: a\n" + String(repeating: group, count: 70)
                + "\ndn: CN=b,DC=x\nobjectClass: user\nsAMAccountName: b\n")
        #expect(fragment.accounts.map(\.name) == ["b"])
        #expect(Self.others(fragment).map(\.code) == ["ldif.record-too-large"])
        // Lines 4 to 66 hold 63 MiB of values; the 64th, line 67, takes the record (with its name) past 64 MiB.
        #expect(fragment.log.diagnostics.first?.location.line == 67)
    }

    @Test("a file parsed in segments on several cores gives exactly what one pass gives", arguments: [2, 3, 7])
    func segments(parts: Int) throws {
        var text = try Fixtures.text("ad-estate-sample/directory.ldif")
        // A bad record near the end: its line number must survive the segment arithmetic.
        text +=
            "\ndn: CN=bad,DC=riverside,DC=nhs,DC=local\nobjectClass: user\nsAMAccountName: bad\nuserAccountControl: nope\n"
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = try scratch.write("d.ldif", text)
        let single = try LDIFReader(segmentThreshold: .max, parallelism: 1).read(
            path: url.path, file: "d.ldif", progress: nil)
        let split = try LDIFReader(segmentThreshold: 1, parallelism: parts).read(
            path: url.path, file: "d.ldif", progress: nil)
        #expect(try SegmentedFile(path: url.path, size: text.utf8.count, parts: parts).segments.count == parts)
        #expect(split.accounts == single.accounts)
        #expect(split.groups == single.groups)
        #expect(split.domains == single.domains)
        #expect(split.log.diagnostics == single.log.diagnostics)
        #expect(
            split.log.diagnostics.map(\.location.line) == [
                text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            ])
        #expect(split.log.recordsRead == single.log.recordsRead && split.log.recordsRejected == 1)
    }

    @Test("the NetBIOS domain guess is the first DC= label, whatever the case and escaping before it")
    func netBIOSGuess() {
        var cache = DomainNameCache()
        func guess(_ dn: String) -> String? { Array(dn.utf8).withUnsafeBufferPointer { cache.netBIOSGuess($0) } }
        #expect(guess("CN=x,OU=Staff,DC=riverside,DC=nhs,DC=local") == "RIVERSIDE")
        #expect(guess("CN=Smith\\, dc=fake,OU=Staff, dc=Trust,DC=nhs") == "TRUST")
        #expect(guess("CN=x,OU=Staff") == nil)
    }

    @Test("content is recognised as LDIF whatever the file is called")
    func recognition() {
        #expect(reader.recognises(TextSample(bytes: Array("# comment\nversion: 1\n\ndn: CN=x\n".utf8))))
        #expect(reader.recognises(TextSample(bytes: Array("DN: CN=x\n".utf8))))
        #expect(
            !reader.recognises(
                TextSample(
                    bytes: Array(
                        "user:1000:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::\n".utf8))))
        #expect(!reader.recognises(TextSample(bytes: Array("{\"dn\": 1}".utf8))))
    }
}
