import Foundation
import Testing
import VigilAnalyzers
import VigilCore
import VigilTestSupport

@testable import VigilEngine

/// `assessment.json`'s `covered` section: what the national service closes tickets on. It must cover every subject a
/// covered area's findings are about (else a live finding could never be seen as persisting on its own evidence), and
/// nothing for an area without evidence (else an absence there could close a ticket).
@Suite("covered subjects")
struct CoveredSubjectsTests {
    static func assess(removing paths: [String]) async throws -> Assessment {
        let template = try #require(CoverageTests.template)
        let scratch = try ScratchDirectory("vigil-covered")
        defer { scratch.remove() }
        let bundle = scratch.url.appendingPathComponent("estate")
        try FileManager.default.copyItem(at: template.directory, to: bundle)
        for path in paths { try FileManager.default.removeItem(at: bundle.appendingPathComponent(path)) }
        return try await AssessmentEngine().assess(
            directory: bundle, options: .init(asOf: SyntheticBundles.asOf, breachIndex: template.breachIndex.path))
    }

    @Test("every host, account and permission finding's subject is in its area's covered set")
    func findingsAreCovered() async throws {
        let assessment = try await Self.assess(removing: [])
        let covered = try #require(assessment.covered)
        let hosts = try #require(covered.first { $0.area == .updates && $0.kind == .host })
        #expect(!hosts.ids.isEmpty)
        #expect(assessment.findings.contains { $0.subject.kind == .host })
        #expect(assessment.findings.contains { $0.subject.kind == .account })
        #expect(covered.contains { $0.area == .accounts && $0.kind == .account && !$0.ids.isEmpty })
        for finding in assessment.findings where [.host, .account, .resource].contains(finding.subject.kind) {
            let area = RuleCatalogue.all.first { $0.id == finding.rule }?.area
            #expect(
                covered.contains {
                    $0.area == area && $0.kind == finding.subject.kind && $0.applies(to: finding.rule)
                        && $0.covers(finding.subject)
                }, "\(finding.rule.rawValue) not covered")
        }
    }

    @Test(
        "a host is covered for the rules its evidence could check: an undecided one not for missing updates, one whose SMBv1 state is not given not for SMBv1"
    )
    func hostRules() {
        let source = EvidenceReference(file: "hosts.csv")
        func host(_ name: String, listed: Bool, smb1: Bool?) -> Machine {
            Machine(name: name, updatesListed: listed, smbVersion1Enabled: smb1, sources: [source])
        }
        let hosts = [
            host("whole", listed: true, smb1: false), host("systeminfo", listed: true, smb1: nil),
            host("wmic", listed: true, smb1: nil), host("smb-only", listed: false, smb1: true),
            host("nothing", listed: false, smb1: nil),
        ]
        let unchecked = [
            UncheckedSubjects(
                kind: .host, rules: [.updateMissingExploited, .updateOverdue, .updateMissing, .unsupportedSystem],
                ids: [hosts[2].id]),
            UncheckedSubjects(kind: .host, rules: [.smbVersion1Enabled], ids: [hosts[1].id, hosts[2].id]),
        ]
        let sets = CoveredSubjects.hostSets(hosts, area: .updates, unchecked: unchecked)
        func rules(_ index: Int) -> [RuleID]?? {
            sets.first { $0.ids.contains(hosts[index].id) }.map(\.rules)
        }
        #expect(rules(0) == .some(nil))  // every rule
        #expect(rules(1) == .some(CoveredSubjects.rulesOfUpdates.filter { $0 != .smbVersion1Enabled }))
        #expect(rules(2) == .some([.updateStateUnknown]))  // only that its state cannot be decided
        #expect(rules(3) == .some([.smbVersion1Enabled]))
        #expect(rules(4) == nil)
        #expect(sets.count == 4)
    }

    @Test("without a breach corpus or a domain, accounts are covered for the other credential rules; no policy is")
    func credentialRules() async throws {
        let template = try #require(CoverageTests.template)
        let scratch = try ScratchDirectory("vigil-covered")
        defer { scratch.remove() }
        let bundle = scratch.url.appendingPathComponent("estate")
        try FileManager.default.copyItem(at: template.directory, to: bundle)
        // The bundle's vigil.yaml names the corpus: without it, no corpus at all.
        let manifest = bundle.appendingPathComponent("vigil.yaml")
        let lines = try String(contentsOf: manifest, encoding: .utf8).components(separatedBy: "\n")
        try lines.filter { !$0.hasPrefix("reference:") && !$0.contains("breach-index:") }.joined(separator: "\n")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let assessment = try await AssessmentEngine().assess(
            directory: bundle, options: .init(asOf: SyntheticBundles.asOf))
        let covered = try #require(assessment.covered)
        let accounts = try #require(covered.first { $0.area == .credentials && $0.kind == .account })
        #expect(!accounts.ids.isEmpty)
        #expect(!accounts.applies(to: .breachedPassword))
        #expect(accounts.applies(to: .emptyPassword) && accounts.applies(to: .guessablePassword))
        // A weak password reaching patient data is found among the passwords found weak: not checked either.
        let reach = try #require(covered.first { $0.area == .access && $0.kind == .account })
        #expect(!reach.ids.isEmpty && !reach.applies(to: .accessWeakPasswordReachesPatientData))
        // With the corpus, every rule.
        let full = try await AssessmentEngine().assess(
            directory: bundle, options: .init(asOf: SyntheticBundles.asOf, breachIndex: template.breachIndex.path))
        #expect(full.covered?.first { $0.area == .credentials && $0.kind == .account }?.rules == nil)
        #expect(full.covered?.first { $0.area == .access && $0.kind == .account }?.rules == nil)
        #expect(full.covered?.contains { $0.area == .credentials && $0.kind == .domain && $0.complete } == true)
    }

    @Test("ids are kept sorted and each once, as a set sorted would keep them")
    func sortedDistinct() {
        var generator = SeededGenerator(state: 41)
        for count in [0, 1, 2, 50, 5_000] {
            let ids = (0..<count).map { _ in
                ["S-1-5-21-", "s-1-", "host", "é", ""].randomElement(using: &generator)!
                    + String(generator.below(count / 3 + 1))
            }
            #expect(CoveredSubjects.sortedDistinct(ids) == Array(Set(ids)).sorted())
            #expect(CoveredSubjects(area: .accounts, kind: .account, ids: ids).ids == Array(Set(ids)).sorted())
        }
    }

    @Test("every account, and the accounts whose hashes were read, are listed sorted and once each")
    func accountLists() {
        // Two accounts share a SID, one has none; hashes were read for three of them.
        let sids = ["S-1-5-21-1-2-3-1104", "S-1-5-21-1-2-3-1103", "S-1-5-21-1-2-3-1104", nil, "S-1-5-21-1-2-3-1001"]
        let accounts = sids.enumerated().map { position, sid in
            Account(
                name: "user\(position)", domain: "NHS", sid: sid.flatMap(SecurityIdentifier.init),
                source: EvidenceReference(file: "d.ldif", line: position + 1))
        }
        let credentials = [(0, UInt32(1104)), (2, 1104), (3, 9)].map { position, rid in
            CredentialRecord(
                accountName: "user\(position)", rid: rid, ntHash: nil, hasLMHash: false,
                source: EvidenceReference(file: "ntds.ntds", line: position + 1))
        }
        let directory = DirectoryIndex(Estate(organisation: .unnamed, accounts: accounts, credentials: credentials))
        let ids = accounts.map(\.id)
        let (all, hashed) = CoveredSubjects.accountIDs(ids, credentials: directory)
        #expect(all == Array(Set(ids)).sorted())
        #expect(hashed == Array(Set(directory.credentialOfAccount.keys.map { ids[$0] })).sorted())
        #expect(hashed == ["S-1-5-21-1-2-3-1104", "nhs\\user3"])
        // An account the accounts area could not judge (its export held no logon times) is not covered by it, so its
        // stale-account ticket stays unverified rather than closing.
        let (judged, _) = CoveredSubjects.accountIDs(ids, credentials: directory, unjudged: { $0 == 1 })
        #expect(judged == Array(Set(ids)).sorted().filter { $0 != ids[1] })
    }

    @Test("a permission is covered by its path: removed from an exported path it is fixed, elsewhere unverified")
    func permissionsCoveredByPath() {
        let covered = CoveredSubjects(area: .access, kind: .resource, ids: [#"d:\shares\clinical"#])
        let onPath = Subject(kind: .resource, id: #"d:\shares\clinical|everyone"#, name: "Everyone")
        let elsewhere = Subject(kind: .resource, id: #"d:\shares\finance|everyone"#, name: "Everyone")
        let prefixOnly = Subject(kind: .resource, id: #"d:\shares\clinical\sub|everyone"#, name: "Everyone")
        #expect(covered.covers(onPath))
        #expect(!covered.covers(elsewhere))
        #expect(!covered.covers(prefixOnly))
        #expect(!covered.covers(Subject(kind: .file, id: #"d:\shares\clinical"#, name: "clinical")))
    }

    @Test("an area without evidence covers nothing")
    func noEvidenceNoCoverage() async throws {
        let assessment = try await Self.assess(removing: ["inventory"])
        let covered = try #require(assessment.covered)
        #expect(!covered.contains { $0.area == .updates })
        #expect(covered.contains { $0.area == .accounts })
    }
}

@Suite("Covered subjects: unused access")
struct UsageCoverageTests {
    static let asOf = CivilDate.date(year: 2026, month: 11, day: 1)

    static func context(eventDaysAgo days: Int) -> AnalysisContext {
        let event = AccessEvent(
            time: asOf.addingTimeInterval(Double(-days) * 86_400), principal: "u1",
            resourceID: #"D:\Shares\Clinical\a.csv"#, action: "read", succeeded: true,
            source: EvidenceReference(file: "log.csv", line: 2))
        // The user is a directory account: a log whose users the directory does not hold assesses (covers) nothing.
        let account = Account(name: "u1", domain: "T", source: EvidenceReference(file: "d.ldif", line: 1))
        return AnalysisContext(
            estate: Estate(organisation: .unnamed, accounts: [account], accessEvents: [event]), asOf: asOf)
    }

    @Test("unused access is covered only where an event in the window names the path: last year's logs cover nothing")
    func inWindowOnly() {
        let paths = [#"D:\Shares\Clinical"#]
        #expect(CoveredSubjects.usagePaths(Self.context(eventDaysAgo: 10), paths) == [#"usage:D:\Shares\Clinical"#])
        // Reused old logs must not close an unused-access ticket as fixed.
        #expect(CoveredSubjects.usagePaths(Self.context(eventDaysAgo: 200), paths).isEmpty)
    }
}

extension CoveredSubjects {
    /// The updates area's rules, sorted.
    static var rulesOfUpdates: [RuleID] {
        RuleCatalogue.all.filter { $0.area == .updates }.map(\.id).sorted()
    }
}
