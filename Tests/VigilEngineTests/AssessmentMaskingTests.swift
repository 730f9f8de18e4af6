import Testing
import VigilCore
import VigilScan

@testable import VigilEngine

/// Names the analyses need whole (an account named with a patient's number) are masked before the assessment is put
/// together: in subjects, their ids and fingerprints, details, text facts, tables, headlines and covered ids; only the
/// issued numbers names hold.
@Suite("masking names in the assessment")
struct AssessmentMaskingTests {
    /// Two portal accounts whose numbers mask alike (`704 *** **73`), and an account known by its SID, one of whose
    /// sub-authorities passes the check digit.
    static let first = Subject(kind: .account, id: "riverside\\pt7041386473", name: "RIVERSIDE\\pt7041386473")
    static let second = Subject(kind: .account, id: "riverside\\pt7041000273", name: "RIVERSIDE\\pt7041000273")
    static let bySID = Subject(
        kind: .account, id: "S-1-5-21-4010232137-1004336348-1177238915-1104", name: "RIVERSIDE\\amy.hall")

    static func finding(_ subject: Subject, related: [Subject]) -> Finding {
        Finding(
            rule: .sharedPassword, subject: subject, detail: "\(subject.name) shares its password.", evidence: [],
            related: related, facts: ["accounts": "7041386473", "sharedGroup": "group of \(subject.name)"])
    }

    @Test("numbers in names are masked everywhere, colliding ones told apart; SIDs and numeric facts are left whole")
    func masksNames() {
        var findings = [
            Self.finding(Self.first, related: [Self.second, Self.bySID]),
            Self.finding(Self.bySID, related: [Self.first]),
        ]
        var tables = [
            SummaryTable(
                id: "t", area: .credentials, title: "T", columns: ["account"], rows: [[Self.second.name]])
        ]
        var headlines = [Headline(area: .credentials, text: "\(Self.first.name) is weak.", severity: .high)]
        var covered = [
            CoveredSubjects(
                area: .credentials, kind: .account, complete: false,
                ids: [Self.bySID.id, Self.first.id, Self.second.id].sorted())
        ]
        let unmaskedFingerprint = findings[0].fingerprint
        // The names the evidence gives: the two portal accounts, and a host whose asset number passes the check
        // digit but is in no issued range (943…).
        let masking = AssessmentMasking(names: [Self.first.name, Self.second.name, Self.bySID.name, "PC9434765919"])
        masking.mask(findings: &findings, tables: &tables, headlines: &headlines, covered: &covered)
        #expect(masking.text("PC9434765919 and 4010232137") == "PC9434765919 and 4010232137")
        #expect(AssessmentMasking(names: ["amy.hall", "PC9434765919"]).isEmpty)

        let first = findings[0]
        #expect(first.subject.name == "RIVERSIDE\\pt704 *** **73~2")
        #expect(first.subject.id == "riverside\\pt704 *** **73~2")
        #expect(first.related.map(\.id) == ["riverside\\pt704 *** **73~1", Self.bySID.id])
        #expect(first.detail == "RIVERSIDE\\pt704 *** **73~2 shares its password.")
        #expect(first.facts["sharedGroup"] == "group of RIVERSIDE\\pt704 *** **73~2")
        #expect(first.facts["accounts"] == "7041386473")  // a count, not a name
        #expect(first.fingerprint != unmaskedFingerprint)
        #expect(first.fingerprint == Finding.fingerprint(rule: first.rule, subject: first.subject))
        #expect(findings[1].subject == Self.bySID)
        #expect(findings[1].fingerprint == Finding.fingerprint(rule: .sharedPassword, subject: Self.bySID))
        #expect(tables[0].rows == [["RIVERSIDE\\pt704 *** **73~1"]])
        #expect(headlines[0].text == "RIVERSIDE\\pt704 *** **73~2 is weak.")
        // Told apart, the two are never covered: which is `~1` may change with the next run's names.
        #expect(covered[0].ids == [Self.bySID.id])
        let everything = "\(findings) \(tables) \(headlines) \(covered)"
        // Only the two count facts hold a number whole.
        #expect(everything.components(separatedBy: "7041386473").count - 1 == 2)
        #expect(!everything.contains("7041000273"))
    }

    @Test("a folder with a permission found for a principal so named is not covered: its mask may change next run")
    func permissionFolderWithheld() {
        let principal = "RIVERSIDE\\pt7041386473"
        var findings = [
            Finding(
                rule: .accessWideGrant, subject: Subject(kind: .resource, id: "\\\\srv\\x|\(principal)", name: "x"),
                detail: "", evidence: []),
            Finding(
                rule: .accessWideGrant,
                subject: Subject(kind: .resource, id: "\\\\srv\\y|RIVERSIDE\\amy.hall", name: "y"), detail: "",
                evidence: []),
        ]
        var tables: [SummaryTable] = []
        var headlines: [Headline] = []
        var covered = [
            CoveredSubjects(area: .access, kind: .resource, ids: ["\\\\srv\\x", "\\\\srv\\y", "\\\\srv\\z"])
        ]
        AssessmentMasking(names: [principal]).mask(
            findings: &findings, tables: &tables, headlines: &headlines, covered: &covered)
        #expect(findings[0].subject.id == "\\\\srv\\x|RIVERSIDE\\pt704 *** **73")
        #expect(covered[0].ids == ["\\\\srv\\y", "\\\\srv\\z"])
        #expect(PathMasking.isSID("S-1-5-21-4010232137-1-2-1104"))
        #expect(
            !PathMasking.isSID("S-1-4010232137") && !PathMasking.isSID("S-1-5-")
                && !PathMasking.isSID("S-1-5"))
    }
}
