import Foundation
import Testing
import VigilCore
import VigilNationalDemo
import VigilStore
import VigilSubmission

/// `vigil demo --serve`'s synthetic year, loaded into each backend through the store's public API: improving
/// organisations' open counts fall, worsening ones' rise, the lapsed one stops four weeks early, and the alert closes
/// by evidence for the improving organisations only.
@Suite("the national demo's synthetic history")
struct NationalDemoHistoryTests {
    /// Three organisations sharing one shape of evidence: twenty inventoried hosts, five missing an update, two also
    /// behind on a known-exploited fix, and forty hashed accounts, three with guessable passwords.
    static func latest() -> [(organisation: Organisation, submission: Submission)] {
        let end = Date(timeIntervalSince1970: 1_790_000_000)
        return ["improving", "worsening", "lapsed"].map { name in
            let code = "D" + String(UInt32.random(in: 0 ... .max), radix: 16, uppercase: true)
            let hosts = (1...20).map { Scenario.host("\(name)-host-\($0)") }
            let accounts = (1...40).map { Scenario.account("\(name)-account-\($0)") }
            let findings =
                hosts.prefix(5).map {
                    Submission.SubmittedFinding(
                        rule: .updateMissing, severity: .high, area: .updates, kind: .host, subject: $0, facts: [:])
                }
                + hosts.prefix(2).map {
                    Submission.SubmittedFinding(
                        rule: .updateMissingExploited, severity: .critical, area: .updates, kind: .host, subject: $0,
                        facts: [:])
                }
                + accounts.prefix(3).map {
                    Submission.SubmittedFinding(
                        rule: .guessablePassword, severity: .high, area: .credentials, kind: .account, subject: $0,
                        facts: [:])
                }
            let submission = Submission(
                tool: ToolIdentity(name: "vigil", version: "test"), organisation: code, assessedAt: end,
                areas: [.init(area: .updates, status: .assessed), .init(area: .credentials, status: .assessed)],
                findings: findings,
                coverage: [
                    .init(area: .updates, kind: .host, complete: false, subjects: hosts),
                    .init(area: .credentials, kind: .account, complete: false, subjects: accounts),
                ],
                metrics: [])
            return (Organisation(code: code, name: "Demo \(name) \(code)", kind: .acuteTrust), submission)
        }
    }

    static func openTotal(_ day: OrganisationDay) -> Int { day.open.values.reduce(0, +) }

    @Test(
        "a year of weekly history: improving falls, worsening rises, lapsed is stale, the alert half closed",
        arguments: Backend.available)
    func history(backend: Backend) async throws {
        let history = NationalDemoHistory(latest: Self.latest(), weeks: 52, seed: 9)
        #expect(history.members.map(\.trend) == [.improving, .worsening, .lapsed])
        // The most severe rule shown by the improving organisation and another: the known-exploited update.
        #expect(history.alertRule == .updateMissingExploited)
        // The last week of the worsening and lapsed organisations is their real submission.
        #expect(history.submissions(of: 1).last == history.members[1].latest)
        #expect(history.submissions(of: 2).count == 52 - NationalDemoHistory.lapsedWeeks)
        try await backend.withStore { store in
            let loaded = try await history.load(into: store)
            #expect(loaded.submissions == 52 + 52 + 48)
            var days: [[OrganisationDay]] = []
            for organisation in loaded.organisations {
                days.append(try await store.daily(organisation: organisation.id))
            }
            #expect(days.map(\.count) == [52, 52, 48])
            // The latest week is the report but for the alert's findings the improving organisation fixed, which the
            // demo names: two known-exploited updates.
            #expect((0..<3).map(history.fixedSinceReport(of:)) == [2, 0, 0])
            // The fix is dated in the year, after the alert, before the report's own date.
            let fixDate = try #require(history.fixDate(of: 0))
            let issued = try #require(history.alert()?.issuedAt)
            #expect(fixDate > issued && fixDate < history.members[0].latest.assessedAt)
            #expect(history.fixDate(of: 1) == nil)
            for (index, organisation) in days.enumerated() {
                let reported = history.members[index].latest.findings.count
                #expect(organisation.last.map(Self.openTotal) == reported - history.fixedSinceReport(of: index))
            }
            let improving = days[0].map(Self.openTotal)
            #expect(improving.first.map { $0 > (improving.last ?? 0) } == true, "\(improving)")
            #expect(zip(improving, improving.dropFirst()).allSatisfy { $0 >= $1 }, "\(improving)")
            let worsening = days[1].map(Self.openTotal)
            #expect(worsening.first.map { $0 < (worsening.last ?? 0) } == true, "\(worsening)")
            // The improving organisation's fixes were verified by covering evidence.
            #expect((days[0].last?.fixed ?? 0) > 0)
            // The alert: closed by evidence for the improving organisation, still open for the two others.
            let alert = try #require(loaded.alert)
            let statuses = try await store.alertStatuses(
                alert: alert.id, at: Date(timeIntervalSince1970: 1_790_000_000))
            func status(_ index: Int) -> AlertStatus? {
                statuses.first { $0.organisation.id == loaded.organisations[index].id }
            }
            #expect(status(0)?.state == .closed)
            #expect(status(0)?.applicability == .affected)
            for index in [1, 2] {
                #expect(status(index)?.applicability == .affected)
                #expect(status(index).map { $0.state != .closed } == true)
            }
        }
    }

    @Test("the same seed gives the same history; another seed another")
    func deterministic() {
        let latest = Self.latest()
        let first = NationalDemoHistory(latest: latest, seed: 3).submissions(of: 1)
        #expect(first == NationalDemoHistory(latest: latest, seed: 3).submissions(of: 1))
        #expect(first != NationalDemoHistory(latest: latest, seed: 4).submissions(of: 1))
    }
}
