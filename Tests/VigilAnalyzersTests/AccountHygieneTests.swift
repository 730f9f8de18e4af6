import Foundation
import Testing
import VigilAnalyzers
import VigilCore
import VigilEngine
import VigilSynth
import VigilTestSupport

@Suite("Account hygiene analyzer")
struct AccountHygieneTests {
    static let hygieneRules = Set(AccountHygieneAnalyzer().rules)

    @Test("finds exactly the sample estate's seeded account-hygiene failings")
    func sampleGroundTruth() async throws {
        let assessment = try await AssessmentEngine().assess(
            directory: Fixtures.url("ad-estate-sample"),
            options: .init(asOf: SyntheticBundles.asOf)
        )
        let truth = try SampleTruth.load()
        let found = Set(
            assessment.findings.filter { Self.hygieneRules.contains($0.rule) }.map { "\($0.rule) \($0.subject.name)" })
        let expected = truth.expected.filter { Self.hygieneRules.contains(RuleID(String($0.split(separator: " ")[0]))) }
        #expect(found.subtracting(expected).sorted() == [])
        #expect(expected.subtracting(found).sorted() == [])
        #expect(!expected.isEmpty)
    }

    @Test(
        "finds every seeded failing in generated estates and nothing else",
        arguments: [
            (UInt64(1), 300, EstateSpecification.Layout.trust), (2, 2_500, .trust), (3, 12, .practice),
            (4, 45, .practice),
            (5, 60, .practice), (6, 900, .trust),
        ]
    )
    func generatedGroundTruth(seed: UInt64, staff: Int, layout: EstateSpecification.Layout) async throws {
        let bundle = try SyntheticBundles.make(seed: seed, staff: staff, layout: layout)
        defer { bundle.scratch.remove() }
        let assessment = try await AssessmentEngine().assess(
            directory: bundle.directory, options: .init(asOf: SyntheticBundles.asOf))
        let comparison = bundle.truth.compare(with: assessment, rules: Self.hygieneRules)
        #expect(comparison.missed == [])
        #expect(comparison.unexpected == [])
        #expect(comparison.matched > 0)
        // Every other finding is counted as outside what was compared, so the demo's line adds up.
        #expect(
            comparison.uncovered
                == assessment.findings.count - comparison.matched - comparison.unexpected.count)
        #expect(assessment.evidence.recordsRejected == 0)
    }

    /// Assesses a bundle holding the real Return directory export (Hack The Box, two enabled people who logged on a week
    /// before 2025-08-20), `edit` applied to its text.
    static func assessReturn(
        asOf: Date = CivilDate.date(year: 2025, month: 8, day: 20), _ edit: (String) -> String
    ) async throws -> Assessment {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let text = try String(
            contentsOf: Fixtures.url("real/ldif/ldapsearch-return-computers.ldif"), encoding: .utf8)
        try scratch.write("directory.ldif", edit(text))
        return try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
    }

    @Test("an export whose attribute list left out logon times judges no account stale, and says why")
    func logonTimesNotExported() async throws {
        let real = try await Self.assessReturn { $0 }
        #expect(real.findings.filter { $0.rule == .staleAccount || $0.rule == .stalePrivilegedAccount }.isEmpty)
        #expect(real.coverage.first { $0.area == .accounts }?.status == .assessed)
        // The same export without lastLogon and lastLogonTimestamp: never "never logged on".
        let stripped = try await Self.assessReturn { text in
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.lowercased().hasPrefix("lastlogon") }.joined(separator: "\n")
        }
        #expect(stripped.findings.filter { $0.rule == .staleAccount || $0.rule == .stalePrivilegedAccount }.isEmpty)
        let coverage = try #require(stripped.coverage.first { $0.area == .accounts })
        #expect(coverage.status == .partial)
        #expect(
            coverage.basis.contains(
                "; 2 enabled accounts from an export without logon times (lastLogon, lastLogonTimestamp) are not judged for use"
            ), "\(coverage.basis)")
        #expect(!coverage.basis.contains("neither a logon time nor a creation date"))
        let privilegedStale = try #require(stripped.metrics.first { $0.id == "accounts.privileged-stale" })
        #expect(privilegedStale.value == 0 && privilegedStale.total == 0)
        let headline = try #require(stripped.headlines.first { $0.area == .accounts })
        #expect(headline.text.hasPrefix("Whether accounts are used cannot be told"), "\(headline.text)")
        #expect(headline.severity == nil)
        let warnings = stripped.evidence.files.flatMap(\.diagnostics).map(\.code)
        #expect(warnings.contains("ldif.no-logon-times"))
    }

    @Test("an account with neither a logon time nor a creation date is not judged, nor covered for the service")
    func accountWithoutDates() async throws {
        let real = try await Self.assessReturn { $0 }
        // The Administrator's record without whenCreated, lastLogon and lastLogonTimestamp; the rest untouched.
        let edited = try await Self.assessReturn { text in
            text.components(separatedBy: "\n\n").map { record in
                guard record.contains("\ndn: CN=Administrator,") else { return record }
                return record.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("whenCreated") && !$0.lowercased().hasPrefix("lastlogon") }
                    .joined(separator: "\n")
            }.joined(separator: "\n\n")
        }
        let coverage = try #require(edited.coverage.first { $0.area == .accounts })
        #expect(coverage.status == .partial)
        #expect(
            coverage.basis.contains("; 1 enabled account with neither a logon time nor a creation date is not judged"),
            "\(coverage.basis)")
        let stale = try #require(edited.metrics.first { $0.id == "accounts.stale" })
        #expect(stale.total == 1)
        // The national service sees one account fewer covered: the one Vigil could not judge.
        func coveredAccounts(_ assessment: Assessment) throws -> Set<String> {
            Set(try #require(assessment.covered?.first { $0.area == .accounts && $0.kind == .account }).ids)
        }
        let before = try coveredAccounts(real)
        let after = try coveredAccounts(edited)
        #expect(after.isSubset(of: before))
        #expect(before.subtracting(after).count == 1)
        #expect(before.subtracting(after).allSatisfy { $0.hasSuffix("-500") || $0.hasSuffix("administrator") })
    }

    @Test("a directory export of computers alone assesses no account: not a pass")
    func noEnabledAccount() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(
            "directory.ldif", try Data(contentsOf: Fixtures.url("real/ldif/ldapsearch-forest-computers.ldif")))
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: CivilDate.date(year: 2026, month: 12, day: 1)))
        #expect(assessment.coverage.first { $0.area == .accounts }?.status == .notAssessed)
        let headline = try #require(assessment.headlines.first { $0.area == .accounts })
        #expect(!headline.text.contains("Every enabled account"), "\(headline.text)")
        #expect(headline.text.contains("no enabled account"))
    }

    @Test(
        "an application's own 'Administrators' or 'Domain Admins' group outside the default containers is not the domain's"
    )
    func privilegeByNameNeedsItsContainer() async throws {
        // svc-printer's memberOf rewritten to name an application's groups that share the privileged names.
        let assessment = try await Self.assessReturn(asOf: CivilDate.date(year: 2026, month: 12, day: 1)) { text in
            text.replacingOccurrences(
                of: "memberOf: CN=Server Operators,CN=Builtin,DC=return,DC=local",
                with: "memberOf: CN=Administrators,OU=PACS,OU=Apps,DC=return,DC=local"
            ).replacingOccurrences(
                of: "memberOf: CN=Print Operators,CN=Builtin,DC=return,DC=local",
                with: "memberOf: CN=Domain Admins,OU=Apps,DC=return,DC=local"
            ).replacingOccurrences(
                of: "adminCount: 1\naccountExpires: 9223372036854775807\nlogonCount: 1\nsAMAccountName: svc-printer",
                with: "accountExpires: 9223372036854775807\nlogonCount: 1\nsAMAccountName: svc-printer")
        }
        // Without its adminCount, nothing makes it privileged: an ordinary stale account.
        let stale = assessment.findings.filter { $0.subject.name.hasSuffix("\\svc-printer") }.map(\.rule)
        #expect(stale.contains(.staleAccount) && !stale.contains(.stalePrivilegedAccount), "\(stale)")
        // The Administrator's own memberOf still names the real Domain Admins.
        #expect(
            assessment.findings.contains {
                $0.rule == .stalePrivilegedAccount && $0.subject.name.hasSuffix("\\Administrator")
            })
    }

    @Test(
        "the memberOf name counts in a partial export too: one privileged group exported, Domain Admins not, and wins over it"
    )
    func privilegeByNameInPartialExport() async throws {
        let backupOperators = """

            dn: CN=Backup Operators,CN=Builtin,DC=return,DC=local
            objectClass: group
            cn: Backup Operators
            sAMAccountName: Backup Operators
            objectSid: S-1-5-32-551
            member: CN=Administrator,CN=Users,DC=return,DC=local

            """
        let assessment = try await Self.assessReturn(asOf: CivilDate.date(year: 2026, month: 12, day: 1)) {
            $0 + backupOperators
        }
        let administrator = assessment.findings.first {
            $0.rule == .stalePrivilegedAccount && $0.subject.name.hasSuffix("\\Administrator")
        }
        #expect(
            administrator?.facts["privilege"]
                == "member of Domain Admins (named in its memberOf; the group is not in the export)")
    }

    @Test(
        "a Domain Admin whose group the export does not hold is one by its memberOf, not 'adminCount now or in the past'"
    )
    func privilegeByMemberOf() async throws {
        // Return's export holds users only ((objectClass=user)): Administrator's memberOf names Domain Admins,
        // svc-printer's Server Operators and Print Operators. Both logged on long before 2026.
        let assessment = try await Self.assessReturn(asOf: CivilDate.date(year: 2026, month: 12, day: 1)) { $0 }
        func privilege(_ name: String) -> String? {
            assessment.findings.first { $0.rule == .stalePrivilegedAccount && $0.subject.name.hasSuffix(name) }?
                .facts["privilege"]
        }
        #expect(
            privilege("\\Administrator")
                == "member of Domain Admins (named in its memberOf; the group is not in the export)")
        #expect(
            privilege("\\svc-printer")
                == "member of Server Operators (named in its memberOf; the group is not in the export)")
    }

    // MARK: Unit cases on a hand-built estate

    func analyze(_ estate: Estate, staleDays: Int = 90) -> AnalyzerOutput {
        AccountHygieneAnalyzer().analyze(
            AnalysisContext(estate: estate, asOf: TestDirectory.asOf, settings: AnalysisSettings(staleDays: staleDays)))
    }

    @Test("the coverage counts accounts in parts that add up: enabled people assessed, computers, disabled")
    func coverageParts() {
        var computer = TestDirectory.account("DC01$", rid: 1000)
        computer.kind = .computer
        let accounts = [
            TestDirectory.account("a1", rid: 1001), TestDirectory.account("b2", rid: 1002), computer,
            TestDirectory.account("Guest", rid: 501, control: [.normalAccount, .disabled]),
            TestDirectory.account("krbtgt", rid: 502, control: [.normalAccount, .disabled]),
        ]
        let basis = analyze(Estate(organisation: .unnamed, accounts: accounts)).coverage.first?.basis ?? ""
        #expect(
            basis.hasPrefix(
                "5 directory accounts: 2 enabled people, service and built-in accounts assessed, 1 computer account not, 2 disabled or expired;"
            ), "\(basis)")
    }

    @Test("SID-less groups: privileged by name in their default container, or moved with adminCount; not an app's")
    func sidLessGroupsByContainer() {
        let source = EvidenceReference(file: "d.ldif", line: 1)
        let names = ["moved", "inUsers", "app"]
        let accounts = names.map {
            Account(name: $0, distinguishedName: "CN=\($0),OU=Staff,DC=t,DC=nhs", source: source)
        }
        let groups = [
            DirectoryGroup(
                distinguishedName: "CN=Domain Admins,OU=Tier0,DC=t,DC=nhs", name: "Domain Admins", adminCount: true,
                members: ["CN=moved,OU=Staff,DC=t,DC=nhs"], source: source),
            // DnsAdmins has a RID of its own (no fixed one): judged by name, with its SID or without.
            DirectoryGroup(
                distinguishedName: "CN=DnsAdmins,CN=Users,DC=t,DC=nhs", name: "DnsAdmins",
                sid: SecurityIdentifier(authority: 5, subAuthorities: TestDirectory.domain.subAuthorities + [1101]),
                members: ["CN=inUsers,OU=Staff,DC=t,DC=nhs"], source: source),
            DirectoryGroup(
                distinguishedName: "CN=Administrators,OU=PACS,DC=t,DC=nhs", name: "Administrators",
                members: ["CN=app,OU=Staff,DC=t,DC=nhs"], source: source),
        ]
        let directory = DirectoryIndex(Estate(organisation: .unnamed, accounts: accounts, groups: groups))
        #expect(directory.privilege[0] == .member(of: "Domain Admins"))
        #expect(directory.privilege[1] == .member(of: "DnsAdmins"))
        #expect(directory.privilege[2] == nil)
    }

    @Test("privilege through nested groups, built-in SIDs, primary group and adminCount; cycles terminate")
    func privilege() {
        let groups = [
            DirectoryGroup(
                distinguishedName: "CN=Domain Admins,DC=t", name: "Domain Admins",
                sid: SecurityIdentifier(authority: 5, subAuthorities: TestDirectory.domain.subAuthorities + [512]),
                members: ["CN=Tier0,DC=t"], source: .init(file: "d")),
            DirectoryGroup(
                distinguishedName: "CN=Tier0,DC=t", name: "Tier0", members: ["CN=Loop,DC=t", "CN=a1,OU=Staff,DC=t"],
                source: .init(file: "d")),
            DirectoryGroup(
                distinguishedName: "CN=Loop,DC=t", name: "Loop", members: ["CN=Tier0,DC=t"], source: .init(file: "d")),
            DirectoryGroup(
                distinguishedName: "CN=Backup Operators,CN=Builtin,DC=t", name: "Sauvegarde",
                sid: SecurityIdentifier("S-1-5-32-551"), source: .init(file: "d")),
            DirectoryGroup(distinguishedName: "CN=Helpdesk,DC=t", name: "Helpdesk", source: .init(file: "d")),
        ]
        let accounts = [
            TestDirectory.account("a1", rid: 1001),
            TestDirectory.account("b2", rid: 1002, memberOf: ["cn=backup operators, cn=builtin, dc=t"]),
            TestDirectory.account("c3", rid: 1003, primaryGroup: 512),
            TestDirectory.account("d4", rid: 1004, adminCount: true),
            TestDirectory.account("e5", rid: 1005, memberOf: ["CN=Helpdesk,DC=t"]),
        ]
        let index = DirectoryIndex(Estate(organisation: .unnamed, accounts: accounts, groups: groups))
        #expect(index.privilege[0] == .member(of: "Domain Admins (through Tier0)"))
        #expect(index.privilege[1] == .member(of: "Sauvegarde"))
        #expect(index.privilege[2] == .primaryGroup("Domain Admins"))
        #expect(index.privilege[3] == .adminCount)
        #expect(index.privilege[4] == nil)
    }

    @Test("disabled, expired and computer accounts are left out; the threshold is honoured")
    func scope() {
        var expired = TestDirectory.account("expired", rid: 1003, lastLogonDaysAgo: 400)
        expired.expires = TestDirectory.asOf.addingTimeInterval(-86_400)
        var computer = TestDirectory.account("PC01$", rid: 1004, lastLogonDaysAgo: 400, control: .workstationTrust)
        computer.kind = .computer
        let estate = Estate(
            organisation: .unnamed,
            accounts: [
                TestDirectory.account("old", rid: 1001, lastLogonDaysAgo: 120),
                TestDirectory.account(
                    "gone", rid: 1002, lastLogonDaysAgo: 400,
                    control: [.normalAccount, .disabled, .passwordNeverExpires]),
                expired, computer,
                TestDirectory.account("fresh", rid: 1005, lastLogonDaysAgo: nil),
            ]
        )
        var fresh = estate
        fresh.accounts[4].created = TestDirectory.asOf.addingTimeInterval(-86_400 * 10)
        #expect(analyze(fresh).findings.map(\.subject.name) == ["T\\old"])
        #expect(analyze(fresh, staleDays: 150).findings.isEmpty)
        let neverUsed = analyze(estate).findings.filter { $0.subject.name == "T\\fresh" }
        #expect(neverUsed.map(\.rule) == [.staleAccount])
        #expect(neverUsed.first?.detail.contains("never logged on") == true)
    }

    @Test("a domain policy storing reversible passwords is one finding on the domain")
    func domainReversible() {
        let estate = Estate(
            organisation: .unnamed,
            domains: [
                DirectoryDomain(
                    distinguishedName: "DC=t", dnsName: "t", passwordPolicy: PasswordPolicy(reversibleEncryption: true),
                    source: .init(file: "d", line: 1))
            ],
            accounts: [TestDirectory.account("a", rid: 1001)]
        )
        let findings = analyze(estate).findings
        #expect(findings.map(\.rule) == [.reversibleEncryption])
        #expect(findings.first?.subject.kind == .domain)
    }

    @Test(
        "where the domain's passwords never expire (maxPwdAge 0), the never-expires flag is not reported, and coverage says so"
    )
    func flagMootWithoutExpiry() {
        func estate(maximumAge: Int) -> Estate {
            Estate(
                organisation: .unnamed,
                domains: [
                    DirectoryDomain(
                        distinguishedName: "DC=t", dnsName: "t",
                        passwordPolicy: PasswordPolicy(maximumAgeDays: maximumAge),
                        source: .init(file: "d", line: 1))
                ],
                accounts: [
                    TestDirectory.account("a", rid: 1001, control: [.normalAccount, .passwordNeverExpires])
                ])
        }
        let expiring = analyze(estate(maximumAge: 42))
        #expect(expiring.findings.map(\.rule) == [.passwordNeverExpires])
        let never = analyze(estate(maximumAge: 0))
        #expect(never.findings.isEmpty)
        #expect(never.metrics.first { $0.id == "accounts.password-never-expires" }?.value == 0)
        #expect(never.coverage.first?.basis.contains("1 account set never to expire is not reported") == true)
        // A child domain keeps its own policy: the forest root's 'never' does not reach its accounts.
        var estate = estate(maximumAge: 0)
        estate.domains.append(
            DirectoryDomain(
                distinguishedName: "DC=child, DC=t", dnsName: "child.t",
                passwordPolicy: PasswordPolicy(maximumAgeDays: 42),
                source: .init(file: "d", line: 2)))
        var child = TestDirectory.account("c", rid: 1002, control: [.normalAccount, .passwordNeverExpires])
        child.distinguishedName = "CN=c,OU=Staff,DC=child,DC=t"
        estate.accounts.append(child)
        #expect(analyze(estate).findings.map(\.subject.name) == ["T\\c"])
    }

    @Test("without a directory export the analyzer assesses nothing, and says so through coverage")
    func nothingToAssess() {
        let output = analyze(Estate(organisation: .unnamed))
        #expect(output.findings.isEmpty && output.coverage.isEmpty && output.metrics.isEmpty)
    }
}
