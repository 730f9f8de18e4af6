import Foundation
import Testing
import VigilCore

@Suite("Rule catalogue and findings")
struct CatalogueTests {
    static let knownIDs: [RuleID] = [
        .staleAccount, .stalePrivilegedAccount, .passwordNeverExpires, .passwordNotRequired, .reversibleEncryption,
        .lmHashStored, .emptyPassword, .sharedPassword, .privilegedSharedPassword,
    ]

    @Test("every rule constant is catalogued, once, with complete metadata")
    func catalogue() {
        let ids = RuleCatalogue.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in Self.knownIDs { #expect(ids.contains(id)) }
        for rule in RuleCatalogue.all {
            #expect(rule.id.rawValue.wholeMatch(of: /VGL-[A-Z0-9]+(-[A-Z0-9]+)+/) != nil, "\(rule.id)")
            #expect(
                !rule.title.isEmpty && !rule.summary.isEmpty && !rule.rationale.isEmpty && !rule.remediation.isEmpty)
            #expect(!rule.controls.isEmpty, "\(rule.id) bears on no control")
        }
    }

    @Test("fingerprints depend on rule and subject identity only")
    func fingerprints() {
        let subject = Subject(kind: .account, id: "S-1-5-21-1-2-3-1001", name: "TRUST\\amy")
        let renamed = Subject(kind: .account, id: "S-1-5-21-1-2-3-1001", name: "TRUST\\amy.smith")
        let first = Finding(rule: .staleAccount, subject: subject, detail: "one wording", evidence: [])
        let second = Finding(
            rule: .staleAccount, subject: renamed, detail: "another wording", evidence: [.init(file: "x", line: 2)])
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.fingerprint.count == 32)
        #expect(
            first.fingerprint
                != Finding(rule: .passwordNeverExpires, subject: subject, detail: "", evidence: []).fingerprint)
        #expect(
            first.fingerprint
                != Finding(
                    rule: .staleAccount, subject: Subject(kind: .host, id: subject.id, name: ""), detail: "",
                    evidence: []
                ).fingerprint)
        // Pinned: a change here breaks every stored history of findings.
        #expect(first.fingerprint == Finding.fingerprint(rule: RuleID("VGL-ACCT-STALE"), subject: subject))
    }

    @Test("a finding names each place of evidence once, in order")
    func evidenceOnce() {
        let hash = EvidenceReference(file: "ntds.txt", line: 3)
        let ldif = EvidenceReference(file: "directory.ldif", line: 40)
        let finding = Finding(
            rule: .guessablePassword, subject: Subject(kind: .account, id: "amy", name: "amy"), detail: "",
            evidence: [hash, ldif, hash, hash])
        #expect(finding.evidence == [ldif, hash])
        #expect(
            Finding(rule: .staleAccount, subject: Subject(kind: .account, id: "a", name: "a"), detail: "", evidence: [])
                .evidence.isEmpty)
    }

    @Test("a finding defaults to its rule's severity and round-trips through JSON")
    func findingCoding() throws {
        let finding = Finding(
            rule: .emptyPassword, subject: Subject(kind: .account, id: "x", name: "X"), detail: "d",
            evidence: [.init(file: "b", line: 2), .init(file: "a")], facts: ["k": "v"])
        #expect(finding.severity == .critical)
        #expect(finding.evidence.first?.file == "a")
        let data = try JSONEncoder().encode(finding)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["title"] as? String == "Empty password")
        #expect(object["remediation"] != nil && object["controls"] != nil)
        #expect(try JSONDecoder().decode(Finding.self, from: data) == finding)
    }

    @Test("findings in report order are exactly as sorted by reportOrder: ties keep their order, equal text is equal")
    func reportOrder() {
        let rules = [RuleID("VGL-B"), RuleID("VGL-A"), RuleID("VGL-\u{E9}"), RuleID("VGL-e\u{301}"), RuleID("VGL-A-B")]
        let names = ["b", "a", "\u{E9}", "e\u{301}", "A", "", "a b"]
        let findings = (0..<3_000).map { position in
            // A fixed permutation of the positions, so that findings arrive out of order; 420 distinct keys, so that
            // each is shared by several findings, told apart by their detail.
            let index = position * 7_919 % 3_000
            return Finding(
                rule: rules[index % rules.count], severity: Severity.allCases[index % 3],
                subject: Subject(
                    kind: Subject.Kind.allCases[index % 4], id: String(index % 2), name: names[index % names.count]),
                detail: String(position), evidence: [])
        }
        // Each detail is the finding's original position, so the details name the order found.
        #expect(Finding.inReportOrder(findings).map(\.detail) == findings.sorted(by: Finding.reportOrder).map(\.detail))
        #expect(Finding.inReportOrder([]) == [])
    }

    @Test(
        "plain-words numbers",
        arguments: [
            (0, 10, "0%"), (1, 3, "33%"), (7, 7000, "0.1%"), (1, 7000, "<0.1%"), (226, 6748, "3.3%"), (5, 100, "5%"),
        ])
    func percentages(value: Int, total: Int, text: String) {
        #expect(Wording.percent(value, of: total) == text)
    }

    @Test("counts and thousands separators")
    func counts() {
        #expect(Wording.number(1_500_000) == "1,500,000")
        #expect(Wording.number(-1234) == "-1,234")
        #expect(Wording.count(1, "account") == "1 account")
        #expect(Wording.count(2, "entry", plural: "entries") == "2 entries")
    }
}
