import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilSynth
import VigilTestSupport

@testable import VigilAnalyzers

@Suite("Account hygiene analyzer")
struct AccountHygieneTests {
    static let hygieneRules = Set(AccountHygieneAnalyzer().rules)

    @Test("finds exactly the sample estate's seeded hygiene failings")
    func sampleGroundTruth() async throws {
        let assessment = try await AssessmentEngine().assess(
            directory: Fixtures.url("ad-estate-sample"),
            options: .init(asOf: SyntheticBundles.asOf)
        )
        let truth =
            try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.url("ad-estate-sample/ground-truth.json")))
            as! [String: Any]
        let flagRule: [String: RuleID] = [
            "password-never-expires": .passwordNeverExpires, "password-not-required": .passwordNotRequired,
            "reversible-encryption": .reversibleEncryption, "lm-hash-stored": .lmHashStored,
            "stale-privileged": .stalePrivilegedAccount,
        ]
        var expected: Set<String> = []
        for (account, flag) in truth["flags"] as! [String: String] {
            expected.insert("\(flagRule[flag]!) RIVERSIDE\\\(account)")
        }
        for (account, reason) in truth["weak"] as! [String: String] where reason == "empty-password" {
            expected.insert("\(RuleID.emptyPassword) RIVERSIDE\\\(account)")
        }
        for group in truth["shared_groups"] as! [[String: Any]] {
            for account in group["accounts"] as! [String] {
                // The sample names its administrators adm.*; they are the privileged members of a privileged group.
                let rule: RuleID =
                    (group["privileged"] as! Bool) && account.hasPrefix("adm.")
                    ? .privilegedSharedPassword : .sharedPassword
                expected.insert("\(rule) RIVERSIDE\\\(account)")
            }
        }
        let found = Set(
            assessment.findings.filter { Self.hygieneRules.contains($0.rule) }.map { "\($0.rule) \($0.subject.name)" })
        #expect(found.subtracting(expected).sorted() == [])
        #expect(expected.subtracting(found).sorted() == [])
        // Sharing with an administrator makes the ordinary account's finding critical too.
        let zoe = try #require(assessment.findings.first { $0.subject.name == "RIVERSIDE\\zoe.lewis" })
        #expect(zoe.severity == .critical && zoe.related.map(\.name) == ["RIVERSIDE\\adm.nina.lewis"])
        let services = assessment.findings.filter { $0.subject.name.hasPrefix("RIVERSIDE\\svc_") }
        #expect(services.allSatisfy { $0.severity == .high && $0.related.count == 2 })
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
        let comparison = bundle.truth.compare(with: assessment)
        #expect(comparison.missed == [])
        #expect(comparison.unexpected == [])
        #expect(comparison.matched == bundle.truth.expected.count)
        #expect(bundle.truth.expected.count > 0)
        #expect(Set(bundle.truth.rules) == Self.hygieneRules)
        #expect(assessment.evidence.recordsRejected == 0)
    }

    // MARK: Unit cases on a hand-built estate

    static let asOf = CivilDate.date(year: 2026, month: 6, day: 1)
    static let domain = SecurityIdentifier("S-1-5-21-10-20-30")!

    static func account(
        _ name: String, rid: UInt32, lastLogonDaysAgo: Double? = 5, control: AccountControl = .normalAccount,
        memberOf: [String] = [], adminCount: Bool = false, primaryGroup: UInt32 = 513
    ) -> Account {
        Account(
            name: name, domain: "T", distinguishedName: "CN=\(name),OU=Staff,DC=t",
            sid: SecurityIdentifier(authority: 5, subAuthorities: domain.subAuthorities + [rid]),
            control: control, lastLogon: lastLogonDaysAgo.map { asOf.addingTimeInterval(-86_400 * $0) },
            created: asOf.addingTimeInterval(-86_400 * 1_000), adminCount: adminCount, memberOf: memberOf,
            primaryGroupID: primaryGroup,
            source: .init(file: "d.ldif", line: Int(rid))
        )
    }

    static func credential(_ name: String, rid: UInt32, password: String, lm: Bool = false) -> CredentialRecord {
        CredentialRecord(
            accountName: name, domain: "T", rid: rid, ntHash: NTHash(password: password), hasLMHash: lm,
            source: .init(file: "h", line: Int(rid)))
    }

    func analyze(_ estate: Estate, staleDays: Int = 90) -> AnalyzerOutput {
        AccountHygieneAnalyzer().analyze(
            AnalysisContext(estate: estate, asOf: Self.asOf, settings: AnalysisSettings(staleDays: staleDays)))
    }

    @Test("privilege through nested groups, built-in SIDs, primary group and adminCount; cycles terminate")
    func privilege() {
        let groups = [
            DirectoryGroup(
                distinguishedName: "CN=Domain Admins,DC=t", name: "Domain Admins",
                sid: SecurityIdentifier(authority: 5, subAuthorities: Self.domain.subAuthorities + [512]),
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
            Self.account("a1", rid: 1001),
            Self.account("b2", rid: 1002, memberOf: ["cn=backup operators, cn=builtin, dc=t"]),
            Self.account("c3", rid: 1003, primaryGroup: 512),
            Self.account("d4", rid: 1004, adminCount: true),
            Self.account("e5", rid: 1005, memberOf: ["CN=Helpdesk,DC=t"]),
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
        var expired = Self.account("expired", rid: 1003, lastLogonDaysAgo: 400)
        expired.expires = Self.asOf.addingTimeInterval(-86_400)
        var computer = Self.account("PC01$", rid: 1004, lastLogonDaysAgo: 400, control: .workstationTrust)
        computer.kind = .computer
        let estate = Estate(
            organisation: .unnamed,
            accounts: [
                Self.account("old", rid: 1001, lastLogonDaysAgo: 120),
                Self.account(
                    "gone", rid: 1002, lastLogonDaysAgo: 400,
                    control: [.normalAccount, .disabled, .passwordNeverExpires]),
                expired, computer,
                Self.account("fresh", rid: 1005, lastLogonDaysAgo: nil),
            ]
        )
        var fresh = estate
        fresh.accounts[4].created = Self.asOf.addingTimeInterval(-86_400 * 10)
        #expect(analyze(fresh).findings.map(\.subject.name) == ["T\\old"])
        #expect(analyze(fresh, staleDays: 150).findings.isEmpty)
        let neverUsed = analyze(estate).findings.filter { $0.subject.name == "T\\fresh" }
        #expect(neverUsed.map(\.rule) == [.staleAccount])
        #expect(neverUsed.first?.detail.contains("never logged on") == true)
    }

    @Test("shared passwords: groups of current hashes among enabled accounts; the empty password is its own rule")
    func sharing() {
        let estate = Estate(
            organisation: .unnamed,
            accounts: [
                Self.account("a", rid: 1001), Self.account("b", rid: 1002), Self.account("c", rid: 1003),
                Self.account("d", rid: 1004, control: [.normalAccount, .disabled]), Self.account("e", rid: 1005),
                Self.account("f", rid: 1006),
            ],
            credentials: [
                Self.credential("a", rid: 1001, password: "Welcome1"),
                Self.credential("b", rid: 1002, password: "Welcome1"),
                Self.credential("c", rid: 1003, password: "unique-c"),
                Self.credential("d", rid: 1004, password: "unique-c"),
                Self.credential("e", rid: 1005, password: ""), Self.credential("f", rid: 1006, password: "", lm: true),
            ]
        )
        let findings = analyze(estate).findings
        #expect(Set(findings.filter { $0.rule == .sharedPassword }.map(\.subject.name)) == ["T\\a", "T\\b"])
        #expect(Set(findings.filter { $0.rule == .emptyPassword }.map(\.subject.name)) == ["T\\e", "T\\f"])
        #expect(findings.filter { $0.rule == .lmHashStored }.map(\.subject.name) == ["T\\f"])
        let metrics = analyze(estate).metrics
        #expect(metrics.first { $0.id == "credentials.shared" }?.value == 2)
        #expect(metrics.first { $0.id == "credentials.shared-groups" }?.value == 1)
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
            accounts: [Self.account("a", rid: 1001)]
        )
        let findings = analyze(estate).findings
        #expect(findings.map(\.rule) == [.reversibleEncryption])
        #expect(findings.first?.subject.kind == .domain)
    }

    @Test("without a directory export the analyzer assesses nothing, and says so through coverage")
    func nothingToAssess() {
        let output = analyze(Estate(organisation: .unnamed))
        #expect(output.findings.isEmpty && output.coverage.isEmpty && output.metrics.isEmpty)
    }
}
