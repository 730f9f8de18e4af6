import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilParsers
import VigilSynth
import VigilTestSupport

@testable import VigilAnalyzers

@Suite("Credential analyzer")
struct CredentialAnalyzerTests {
    static let allRules = Set(AccountHygieneAnalyzer().rules + CredentialAnalyzer().rules)

    @Test("finds exactly the sample estate's weak, shared and flagged accounts, with the breach corpus")
    func sampleGroundTruth() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let assessment = try await AssessmentEngine().assess(
            directory: Fixtures.url("ad-estate-sample"),
            options: .init(asOf: SyntheticBundles.asOf, breachIndex: try SampleTruth.breachIndex(in: scratch))
        )
        let expected = try SampleTruth.load().expected
        let found = Set(
            assessment.findings.filter { Self.allRules.contains($0.rule) }.map { "\($0.rule) \($0.subject.name)" })
        #expect(found.subtracting(expected).sorted() == [])
        #expect(expected.subtracting(found).sorted() == [])
        #expect(assessment.coverage.first { $0.area == .credentials }?.status == .assessed)
        // Patterns, never passwords: every guessable finding names its pattern and length.
        for finding in assessment.findings where finding.rule == .guessablePassword {
            #expect(finding.facts["pattern"] != nil && finding.facts["length"] != nil)
        }
        let uma = try #require(
            assessment.findings.first { $0.subject.name == "RIVERSIDE\\uma.hughes" && $0.rule == .guessablePassword })
        #expect(uma.facts["pattern"] == "own name + year")
        let breached = try #require(assessment.findings.first { $0.rule == .breachedPassword })
        #expect(Int(breached.facts["breachCount"] ?? "") ?? 0 > 0)
    }

    @Test("without a breach index the area is partly assessed and nothing is reported as breached")
    func withoutCorpus() async throws {
        let assessment = try await AssessmentEngine().assess(
            directory: Fixtures.url("ad-estate-sample"), options: .init(asOf: SyntheticBundles.asOf))
        let coverage = try #require(assessment.coverage.first { $0.area == .credentials })
        #expect(coverage.status == .partial && coverage.basis.contains("vigil corpus build"))
        #expect(!assessment.findings.contains { $0.rule == .breachedPassword })
        #expect(assessment.findings.contains { $0.rule == .guessablePassword })
        // What was not checked is said, so that the national service closes nothing on it.
        let unchecked = CredentialAnalyzer.unchecked(
            AnalysisContext(
                estate: Estate(
                    organisation: .unnamed,
                    credentials: [
                        CredentialRecord(
                            accountName: "alice", rid: 1104, ntHash: nil, hasLMHash: false,
                            source: EvidenceReference(file: "ntds.txt"))
                    ]), asOf: SyntheticBundles.asOf),
            weaknesses: WeaknessSearch.Result())
        #expect(
            unchecked.first?.rules == [
                .breachedPassword, .guessablePassword, .reusedPassword, .sharedHistoryPassword,
            ])
    }

    @Test("a dump with no weak password and no breach index never claims 'no breached password'; its basis says why")
    func passWithoutCorpus() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // One account with a random (not guessable) NT hash: nothing weak to find.
        try scratch.write(
            "ntds.txt", "CORP\\alice:1104:aad3b435b51404eeaad3b435b51404ee:0c9f2e7b4a1d3c5e6f708192a3b4c5d6:::\n")
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: SyntheticBundles.asOf))
        let headline = try #require(assessment.headlines.first { $0.area == .credentials && $0.severity == nil })
        #expect(headline.text.contains("breached passwords not checked (no breach index)"))
        #expect(!headline.text.contains("No breached"))
        let coverage = try #require(assessment.coverage.first { $0.area == .credentials })
        #expect(coverage.basis.contains("breached passwords not checked: no breach index"))
    }

    @Test("a SHA-1 breach index says in the coverage that only recovered passwords could be looked up in it")
    func sha1CorpusCoverage() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("ntds.txt", try Data(contentsOf: Fixtures.url("pwdump/dpat-customer-small.ntds")))
        let reference = try ScratchDirectory()
        defer { reference.remove() }
        let corpus = try reference.write(
            "sha1.txt",
            "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:9659365\n7C4A8D09CA3762AF61E59520943DC26494F8941B:37359195\n")
        let index = reference.url.appendingPathComponent("sha1.vbi").path
        _ = try BreachIndexBuilder().build(source: corpus.path, output: index)
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: SyntheticBundles.asOf, breachIndex: index))
        let coverage = try #require(assessment.coverage.first { $0.area == .credentials })
        #expect(coverage.basis.contains("(a SHA-1 corpus: only passwords this assessment recovered could be looked up"))
        #expect(coverage.status == .partial)
        // Said once, in the coverage: not on every finding.
        #expect(!assessment.findings.contains { $0.detail.contains("SHA-1") })
    }

    @Test("a dump that holds none of the directory's enabled accounts leaves the area partly assessed, saying how many")
    func dumpOfAnotherDomain() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("directory.ldif", try Data(contentsOf: Fixtures.url("ad-estate-sample/directory.ldif")))
        try scratch.write("ntds.txt", try Data(contentsOf: Fixtures.url("pwdump/dpat-customer-small.ntds")))
        let index = try SampleTruth.breachIndex(in: scratch)
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: SyntheticBundles.asOf, breachIndex: index))
        let coverage = try #require(assessment.coverage.first { $0.area == .credentials })
        #expect(coverage.status == .partial)
        #expect(coverage.basis.contains("182 enabled accounts of the directory export have no hash in the dump"))
        // The headline counts what was assessed, not the directory's enabled accounts.
        let counted = assessment.headlines.filter { $0.metrics.contains("credentials.assessed") }
        #expect(!counted.isEmpty)
        for headline in counted { #expect(headline.text.contains("hash-dump account"), "\(headline.text)") }
    }

    @Test("a hash dump read alone yields what the hashes support, named as in the dump, and says what LDIF would add")
    func dumpAlone() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("ntds.txt", try Data(contentsOf: Fixtures.url("pwdump/dpat-customer-small.ntds")))
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: SyntheticBundles.asOf))
        let findings = assessment.findings.filter { Self.allRules.contains($0.rule) }
        // Worked out by hand from the dump: cjordan's NT hash is the empty password's; dpat and Larry share one hash;
        // Guest (empty too) and krbtgt are disabled by default and left out.
        #expect(findings.filter { $0.rule == .emptyPassword }.map(\.subject.name) == ["cjordan"])
        #expect(Set(findings.filter { $0.rule == .sharedPassword }.map(\.subject.name)) == ["dpat", "Larry"])
        #expect(!findings.contains { ["Guest", "krbtgt"].contains($0.subject.name) })
        #expect(!findings.contains { $0.rule == .lmHashStored })
        let coverage = try #require(assessment.coverage.first { $0.area == .credentials })
        #expect(coverage.status == .partial)
        #expect(
            coverage.basis.contains("hash dump alone") && coverage.basis.contains("directory export (LDIF) would add"))
        #expect(!coverage.basis.contains("provide"))
        #expect(assessment.coverage.first { $0.area == .accounts }?.status == .notAssessed)
        // Whether the accounts are enabled is unknown without the directory: the headline does not say "enabled".
        let headline = try #require(assessment.headlines.first { $0.area == .credentials })
        #expect(headline.text.contains("hash-dump accounts") && !headline.text.contains("enabled"))
    }

    @Test("a dump's -user-status decides: an enabled Guest's empty password is found, a disabled krbtgt left out")
    func userStatus() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write(
            "ntds.txt",
            try Data(contentsOf: Fixtures.url("real/pwdump/secretsdump-blackfield-history-pwdlastset-status.txt")))
        let assessment = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: SyntheticBundles.asOf))
        let empty = assessment.findings.filter { $0.rule == .emptyPassword }.map(\.subject.name)
        // Worked out from the file: Guest (RID 501) has the empty password's NT hash and (status=Enabled).
        #expect(empty.contains { $0.hasSuffix("Guest") }, "\(empty)")
        #expect(!assessment.findings.contains { $0.subject.name.hasSuffix("krbtgt") })
        let coverage = try #require(assessment.coverage.first { $0.area == .credentials })
        #expect(coverage.basis.contains("those the dump says are disabled"))
        // A status, not the RID, decides: a disabled leaver's empty password is left out, an enabled one's found.
        let hashes = "aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0"
        try scratch.write(
            "ntds.txt",
            "CORP\\leaver:1105:\(hashes)::: (status=Disabled)\nCORP\\temp:1106:\(hashes)::: (status=Enabled)\n")
        let synthetic = try await AssessmentEngine().assess(
            directory: scratch.url, options: .init(asOf: SyntheticBundles.asOf))
        #expect(synthetic.findings.filter { $0.rule == .emptyPassword }.map(\.subject.name) == ["CORP\\temp"])
    }

    @Test("without a directory, LM hashes and computers on their default password are still found")
    func dumpAloneLMAndMachine() {
        let source = EvidenceReference(file: "dump.txt", line: 1)
        let machineDefault = NTHash(password: "ws0042")
        let estate = Estate(
            organisation: Organisation(code: "T1", name: "Test", kind: .other),
            credentials: [
                CredentialRecord(
                    accountName: "amy", domain: "TRUST", rid: 1104, ntHash: NTHash(password: "Sunshine2024!"),
                    hasLMHash: true, source: source),
                CredentialRecord(
                    accountName: "WS0042$", domain: "TRUST", rid: 1105, ntHash: machineDefault, hasLMHash: false,
                    source: source),
            ])
        let output = CredentialAnalyzer().analyze(AnalysisContext(estate: estate, asOf: SyntheticBundles.asOf))
        #expect(output.findings.filter { $0.rule == .lmHashStored }.map(\.subject.name) == ["TRUST\\amy"])
        #expect(output.findings.filter { $0.rule == .machineDefaultPassword }.map(\.subject.name) == ["TRUST\\WS0042$"])
        #expect(output.coverage.map(\.status) == [.partial])
    }

    @Test(
        "finds every seeded failing of generated estates — accounts, passwords, policy — and nothing else",
        arguments: [
            (UInt64(1), 300, EstateSpecification.Layout.trust), (3, 12, .practice), (4, 45, .practice),
            (5, 60, .practice),
            (6, 1_500, .trust),
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
        #expect(Set(bundle.truth.rules) == Self.allRules)
    }

    @Test("the generator's common passwords are all near the top of the built-in list")
    func generatorWordsAreCommon() throws {
        let head = Set(
            try PasswordListReader.builtInCommonPasswords().prefix(GuessingRules(level: .standard).fullTreatmentWords))
        let outside = EstatePlanWords.common.filter { !head.contains($0) }
        #expect(outside == [])
    }

    // MARK: Unit cases on a hand-built estate

    func analyze(_ estate: Estate, corpus: (any BreachCorpus)? = nil, level: GuessingRules.Level = .quick)
        -> AnalyzerOutput
    {
        var reference = ReferenceData(
            commonPasswords: ["password", "welcome", "letmein", "dragon"], organisationWords: ["Riverside"],
            guessing: level)
        reference.breachCorpus = corpus
        return CredentialAnalyzer().analyze(
            AnalysisContext(estate: estate, asOf: TestDirectory.asOf, reference: reference))
    }

    @Test("shared passwords: current hashes among enabled accounts; the empty password is its own rule")
    func sharing() {
        let estate = Estate(
            organisation: .unnamed,
            accounts: [
                TestDirectory.account("a", rid: 1001), TestDirectory.account("b", rid: 1002),
                TestDirectory.account("c", rid: 1003),
                TestDirectory.account("d", rid: 1004, control: [.normalAccount, .disabled]),
                TestDirectory.account("e", rid: 1005),
                TestDirectory.account("f", rid: 1006),
            ],
            credentials: [
                TestDirectory.credential("a", rid: 1001, password: "x7#Lq!pw-Z"),
                TestDirectory.credential("b", rid: 1002, password: "x7#Lq!pw-Z"),
                TestDirectory.credential("c", rid: 1003, password: "unique-c-9f"),
                TestDirectory.credential("d", rid: 1004, password: "unique-c-9f"),
                TestDirectory.credential("e", rid: 1005, password: ""),
                TestDirectory.credential("f", rid: 1006, password: "", lm: true),
            ]
        )
        let output = analyze(estate)
        #expect(Set(output.findings.filter { $0.rule == .sharedPassword }.map(\.subject.name)) == ["T\\a", "T\\b"])
        #expect(Set(output.findings.filter { $0.rule == .emptyPassword }.map(\.subject.name)) == ["T\\e", "T\\f"])
        #expect(output.findings.filter { $0.rule == .lmHashStored }.map(\.subject.name) == ["T\\f"])
        #expect(output.metrics.first { $0.id == "credentials.shared" }?.value == 2)
        #expect(output.metrics.first { $0.id == "credentials.shared-groups" }?.value == 1)
    }

    @Test("user name, guessable, breached, reused, shared history and kerberoastable, each once per account")
    func weaknesses() throws {
        var service = TestDirectory.account("svc_app", rid: 1006)
        service.servicePrincipalNames = ["HTTP/app.t"]
        service.passwordLastSet = TestDirectory.asOf.addingTimeInterval(-86_400 * 800)
        let estate = Estate(
            organisation: .unnamed,
            accounts: [
                TestDirectory.account("amy.hall", rid: 1001), TestDirectory.account("ben", rid: 1002),
                TestDirectory.account("cat", rid: 1003),
                TestDirectory.account("dan", rid: 1004), TestDirectory.account("eve", rid: 1005), service,
            ],
            credentials: [
                TestDirectory.credential("amy.hall", rid: 1001, password: "Amy.Hall"),
                TestDirectory.credential("ben", rid: 1002, password: "Riverside2024!"),
                TestDirectory.credential("cat", rid: 1003, password: "q8#Vz!u2@Lp"),
                CredentialRecord(
                    accountName: "dan", rid: 1004, ntHash: NTHash(password: "s3cure-Horse-77"), hasLMHash: false,
                    history: [NTHash(password: "old-1-xx"), NTHash(password: "s3cure-Horse-77")],
                    source: .init(file: "h")),
                CredentialRecord(
                    accountName: "eve", rid: 1005, ntHash: NTHash(password: "eve-Pass-q!9"), hasLMHash: false,
                    history: [NTHash(password: "given-to-eve-9!")], source: .init(file: "h")),
                TestDirectory.credential("svc_app", rid: 1006, password: "given-to-eve-9!"),
            ]
        )
        let corpus = InMemoryCorpus([NTHash(password: "q8#Vz!u2@Lp"): 42])
        let findings = analyze(estate, corpus: corpus).findings
        func rules(_ name: String) -> Set<RuleID> {
            Set(findings.filter { $0.subject.name == "T\\\(name)" }.map(\.rule))
        }
        #expect(rules("amy.hall") == [.usernameAsPassword])
        #expect(rules("ben") == [.guessablePassword])
        #expect(
            findings.first { $0.rule == .guessablePassword }?.facts["pattern"] == "organisation word + year + symbol")
        #expect(rules("cat") == [.breachedPassword])
        #expect(findings.first { $0.rule == .breachedPassword }?.facts["breachCount"] == "42")
        #expect(rules("dan") == [.reusedPassword])
        #expect(rules("svc_app") == [.sharedHistoryPassword, .kerberoastable])
        #expect(rules("eve").isEmpty)
        // No output anywhere holds a password.
        for finding in findings {
            for secret in ["Riverside2024", "q8#Vz", "s3cure", "given-to-eve"] {
                #expect(!finding.detail.contains(secret))
            }
        }
    }

    @Test("a pre-created computer account still on its default password")
    func machineDefault() {
        var computer = TestDirectory.account("WS0042$", rid: 3001, control: .workstationTrust)
        computer.kind = .computer
        var other = TestDirectory.account("WS0043$", rid: 3002, control: .workstationTrust)
        other.kind = .computer
        let estate = Estate(
            organisation: .unnamed,
            accounts: [computer, other, TestDirectory.account("amy", rid: 1001)],
            credentials: [
                TestDirectory.credential("WS0042$", rid: 3001, password: "ws0042"),
                TestDirectory.credential("WS0043$", rid: 3002, password: "long-random-machine-secret"),
                TestDirectory.credential("amy", rid: 1001, password: "z!9Qv#2mLk"),
            ]
        )
        #expect(
            analyze(estate).findings.filter { $0.rule == .machineDefaultPassword }.map(\.subject.name) == ["T\\WS0042$"]
        )
    }

    @Test("the policy judged against the standards and against what the hashes show")
    func policy() {
        func estate(_ policy: PasswordPolicy, passwords: [String], history: [NTHash] = []) -> Estate {
            Estate(
                organisation: .unnamed,
                domains: [
                    DirectoryDomain(
                        distinguishedName: "DC=t", dnsName: "t.local", passwordPolicy: policy,
                        source: .init(file: "d", line: 1))
                ],
                accounts: passwords.indices.map { TestDirectory.account("u\($0)", rid: UInt32(1001 + $0)) },
                credentials: passwords.enumerated().map { index, password in
                    CredentialRecord(
                        accountName: "u\(index)", rid: UInt32(1001 + index), ntHash: NTHash(password: password),
                        hasLMHash: false, history: index == 0 ? history : [], source: .init(file: "h"))
                }
            )
        }
        let weak = PasswordPolicy(
            minimumLength: 8, historyLength: 24, lockoutThreshold: 0, maximumAgeDays: 90, complexityRequired: true)
        let rules = Set(
            analyze(
                estate(
                    weak, passwords: ["letmein", "Welcome1", "Xq!9-vLm#2Ra"], history: [NTHash(password: "letmein")])
            ).findings.map(\.rule))
        #expect(
            rules.isSuperset(of: [
                .policyMinimumLength, .policyLockout, .policyForcedExpiry, .policyComposition, .policyLengthBypassed,
                .policyComplexityBypassed, .policyHistoryBypassed,
            ]))
        #expect(!rules.contains(.policyHistory))
        let strong = PasswordPolicy(
            minimumLength: 14, historyLength: 24, lockoutThreshold: 10, maximumAgeDays: 0, complexityRequired: false)
        let none = analyze(estate(strong, passwords: ["Xq!9-vLm#2Ra-long"])).findings.filter {
            $0.subject.kind == .domain
        }
        #expect(none.isEmpty)
    }

    @Test("a dump read alone: each Administrator (RID 500) is its own account, joined to its own hash, and privileged")
    func dumpOnlyAdministrators() throws {
        let file = "real/pwdump/secretsdump-mirage-sam-lsa-dcsync.txt"
        let dump = try PwdumpReader().read(path: Fixtures.url(file).path, file: file, progress: nil)
        let accounts = CredentialAnalyzer.accounts(fromDump: dump.credentials)
        let index = DirectoryIndex(Estate(organisation: .unnamed, accounts: accounts, credentials: dump.credentials))
        let administrators = accounts.indices.filter { accounts[$0].name == "Administrator" }
        #expect(administrators.count == 2)
        #expect(administrators.map { index.credentialOfAccount[$0]?.source.line } == [10, 31])
        #expect(administrators.allSatisfy { index.privilege[$0] == .builtInAdministrator })
        #expect(index.privilege.count == 2, "only the two RID 500 accounts: a dump names no groups")
        #expect(index.unmatchedCredentials.isEmpty)
    }

    @Test(
        "entries a partial directory export does not hold are still assessed on their hashes; Guest is not, RID 500 is privileged"
    )
    func entriesOutsideTheDirectory() throws {
        // The export holds only `a`; the dump also holds `b` (empty), `c` (a's password), Guest (empty, disabled by
        // default) and a server's local Administrator (RID 500, a guessable password).
        let localAdministrator = CredentialRecord(
            accountName: "Administrator", domain: nil, rid: 500, ntHash: NTHash(password: "password"),
            hasLMHash: false, source: .init(file: "h", line: 9), isLocalAccount: true)
        let estate = Estate(
            organisation: .unnamed, accounts: [TestDirectory.account("a", rid: 1001)],
            credentials: [
                TestDirectory.credential("a", rid: 1001, password: "x7#Lq!pw-Z"),
                TestDirectory.credential("b", rid: 1002, password: ""),
                TestDirectory.credential("c", rid: 1003, password: "x7#Lq!pw-Z"),
                TestDirectory.credential("Guest", rid: 501, password: ""), localAdministrator,
            ])
        let output = analyze(estate)
        func subjects(_ rule: RuleID) -> Set<String> {
            Set(output.findings.filter { $0.rule == rule }.map(\.subject.name))
        }
        #expect(subjects(.emptyPassword) == ["T\\b"])
        #expect(subjects(.sharedPassword) == ["T\\a", "T\\c"])
        let guessable = try #require(output.findings.first { $0.rule == .guessablePassword })
        #expect(guessable.subject.name == "Administrator" && guessable.detail.contains("privileged"))
        #expect(output.metrics.first { $0.id == "credentials.assessed" }?.value == 4)
        let coverage = try #require(output.coverage.first)
        #expect(coverage.basis.contains("3 hash-dump entries the directory export does not hold"))
    }

    @Test(
        "a computer's local account is not held to the domain's policy, and the policy is stated with nothing assessed"
    )
    func standInsOutsideThePolicy() throws {
        func domain(minimumLength: Int, lockout: Int) -> DirectoryDomain {
            DirectoryDomain(
                distinguishedName: "DC=t", dnsName: "t.local",
                passwordPolicy: PasswordPolicy(
                    minimumLength: minimumLength, historyLength: 24, lockoutThreshold: lockout, maximumAgeDays: 0,
                    complexityRequired: true),
                source: .init(file: "d", line: 1))
        }
        let localAdministrator = CredentialRecord(
            accountName: "Administrator", rid: 500, ntHash: NTHash(password: "password"), hasLMHash: false,
            source: .init(file: "h", line: 2), isLocalAccount: true)
        let estate = Estate(
            organisation: .unnamed, domains: [domain(minimumLength: 12, lockout: 5)],
            accounts: [TestDirectory.account("a", rid: 1001)],
            credentials: [
                TestDirectory.credential("a", rid: 1001, password: "x7#Lq!pw-Z-long-9"), localAdministrator,
            ])
        let rules = Set(analyze(estate).findings.map(\.rule))
        #expect(!rules.contains(.policyLengthBypassed), "the local account's 8 characters are not the domain's")

        // No enabled account has a hash, so nothing is assessed: no pass is stated, the policy's shortfall still is.
        let nothing = analyze(
            Estate(
                organisation: .unnamed, domains: [domain(minimumLength: 6, lockout: 0)],
                accounts: [TestDirectory.account("a", rid: 1001, control: [.normalAccount, .disabled])],
                credentials: [TestDirectory.credential("a", rid: 1001, password: "x7#Lq!pw-Z")]))
        #expect(nothing.metrics.first { $0.id == "credentials.assessed" }?.value == 0)
        #expect(!nothing.headlines.contains { $0.text.hasPrefix("No breached") })
        #expect(nothing.findings.contains { $0.rule == .policyMinimumLength })
        #expect(nothing.headlines.contains { $0.severity != nil })
    }

    @Test("two computers' local Administrators, from two SAM sections of one dump, are two accounts")
    func twoLocalAdministrators() {
        let records = [2, 40].map { line in
            CredentialRecord(
                accountName: "Administrator", rid: 500, ntHash: NTHash(password: "Summer2024"), hasLMHash: false,
                source: .init(file: "dump.txt", line: line), isLocalAccount: true)
        }
        let accounts = CredentialAnalyzer.accounts(fromDump: records)
        #expect(accounts.count == 2)
        let output = analyze(Estate(organisation: .unnamed, credentials: records))
        #expect(
            output.findings.filter { $0.rule == .privilegedSharedPassword || $0.rule == .sharedPassword }.count == 2)
    }

    @Test(
        "two machines' hashdumps, each listing Administrator with no domain, are two machines' accounts, in any order")
    func administratorsOfTwoFiles() throws {
        // Two real files: a Meterpreter hashdump of one machine and a DPAT sample NTDS, each naming Administrator
        // (RID 500) without a domain. Neither may hide the other's.
        var records: [CredentialRecord] = []
        for file in ["real/pwdump/meterpreter-hashdump-blueprint.txt", "real/pwdump/dpat-umlauts-customer.ntds"] {
            records += try PwdumpReader().read(path: Fixtures.url(file).path, file: file, progress: nil).credentials
        }
        for order in [records, records.reversed()] {
            let accounts = CredentialAnalyzer.accounts(fromDump: order)
            #expect(accounts.filter { $0.name == "Administrator" }.count == 2)
            let output = analyze(Estate(organisation: .unnamed, credentials: order))
            let assessed = output.metrics.first { $0.id == "credentials.assessed" }?.value
            // Every entry with a hash but the disabled-by-default built-ins (Guest and krbtgt, RIDs 501-502).
            let expected = order.filter { $0.ntHash != nil && !(501...504).contains($0.rid) && !$0.isMachineAccount }
            #expect(assessed == expected.count, "\(assessed ?? -1) of \(expected.count)")
        }
        // Two copies of one dump (the .ntds file and the console log of the same run): the same name, RID and hash
        // are one account, which shares its password with nobody.
        let copies = ["baby.ntds", "baby-console.txt"].map { file in
            CredentialRecord(
                accountName: "Administrator", rid: 500, ntHash: NTHash(password: "Summer2024"), hasLMHash: false,
                source: .init(file: file, line: 1))
        }
        #expect(CredentialAnalyzer.accounts(fromDump: copies).count == 1)
        let output = analyze(Estate(organisation: .unnamed, credentials: copies))
        #expect(!output.findings.contains { $0.rule == .privilegedSharedPassword || $0.rule == .sharedPassword })
    }

    @Test("another domain's dump joins none of the directory's accounts, in the pass with stand-ins too")
    func otherDomainWithStandIns() throws {
        // Return's directory and Baby's NTDS (two labs). The second pass assesses the strays as stand-ins named as
        // the dump names them (baby.vl\…): their names must not make baby.vl the directory's, or Baby's Guest and
        // krbtgt (not stand-ins: disabled by default) would join Return's.
        let directoryFile = "real/ldif/ldapsearch-return-computers.ldif"
        let dumpFile = "real/pwdump/secretsdump-baby-ntds.txt"
        let directory = try LDIFReader().read(
            path: Fixtures.url(directoryFile).path, file: directoryFile, progress: nil
        ).accounts
        let dump = try PwdumpReader().read(path: Fixtures.url(dumpFile).path, file: dumpFile, progress: nil).credentials
        let first = DirectoryIndex(Estate(organisation: .unnamed, accounts: directory, credentials: dump))
        #expect(first.credentialOfAccount.isEmpty && first.otherDomainCredentials.count == dump.count)
        let strays = first.unmatchedCredentials.filter { !(501...504).contains($0.rid) }
        let widened = DirectoryIndex(
            Estate(
                organisation: .unnamed, accounts: directory + CredentialAnalyzer.accounts(fromDump: strays),
                credentials: dump))
        #expect(
            widened.credentialOfAccount.keys.allSatisfy { $0 >= directory.count },
            "\(widened.credentialOfAccount.keys.sorted())")
        #expect(widened.credentialOfAccount.count == strays.count)
    }

    @Test("secretsdump's local SAM Administrator is not joined to the domain's: the DRSUAPI section's hash is")
    func localSAMNotJoined() throws {
        // One real run dumped the DC's SAM (line 10) and then the domain (line 31); both entries are RID 500.
        let file = "real/pwdump/secretsdump-mirage-sam-lsa-dcsync.txt"
        let dump = try PwdumpReader().read(path: Fixtures.url(file).path, file: file, progress: nil)
        // The domain's Administrator as an export of mirage.htb gives it (DC=mirage,DC=htb: NetBIOS MIRAGE).
        var administrator = TestDirectory.account("Administrator", rid: 500)
        administrator.domain = "MIRAGE"
        administrator.distinguishedName = "CN=Administrator,CN=Users,DC=mirage,DC=htb"
        let index = DirectoryIndex(
            Estate(organisation: .unnamed, accounts: [administrator], credentials: dump.credentials))
        let joined = try #require(index.credentialOfAccount[0])
        #expect(joined.domain == "mirage.htb" && !joined.isLocalAccount && joined.source.line == 31)
        let local = index.unmatchedCredentials.filter(\.isLocalAccount)
        #expect(local.map(\.accountName) == ["Administrator", "Guest", "DefaultAccount"])
    }
}

/// A breach corpus held in memory, for unit tests.
struct InMemoryCorpus: BreachCorpus {
    let counts: [UInt64: Int]
    init(_ entries: [NTHash: Int]) {
        counts = Dictionary(uniqueKeysWithValues: entries.map { ($0.key.high, $0.value) })
    }
    var hashKind: BreachHashKind { .ntlm }
    var entryCount: Int { counts.count }
    var sourceDescription: String { "test corpus" }
    func prevalence(ofKey key: UInt64) -> Int? { counts[key] }
}
