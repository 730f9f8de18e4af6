import Foundation
import Testing
import VigilCore
import VigilStore
import VigilTestSupport

/// The score's formula (docs/score.md) checked by hand on small cases, then for monotonicity over generated ticket
/// sets: more or older open findings never improve the score; fixing never worsens it.
@Suite("the organisation score")
struct OrganisationScoreTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static func daysAgo(_ days: Double) -> Date { now.addingTimeInterval(-days * 86_400) }

    @Test("worked by hand: exposure, on-time share, value, percentiles")
    func byHand() throws {
        let tickets = [
            // Open high for 30 days: 5 × (1 + 30/30) = 10, due (30 days is not past 30: not yet due).
            OrganisationScore.Timing(rule: .updateMissing, severity: .high, openedAt: Self.daysAgo(30), fixedAt: nil),
            // Open critical for 60 days: 10 × 3 = 30, past its 15 days: due and late.
            OrganisationScore.Timing(
                rule: .updateMissing, severity: .critical, openedAt: Self.daysAgo(60), fixedAt: nil),
            // A known-exploited update fixed in 20 days: late (14); a high fixed in 10: on time.
            OrganisationScore.Timing(
                rule: .updateMissingExploited, severity: .critical, openedAt: Self.daysAgo(50),
                fixedAt: Self.daysAgo(30)),
            OrganisationScore.Timing(
                rule: .guessablePassword, severity: .high, openedAt: Self.daysAgo(40), fixedAt: Self.daysAgo(30)),
        ]
        let score = OrganisationScore(tickets: tickets, lastEvidence: Self.daysAgo(1), at: Self.now)
        #expect(abs(score.exposure - 40) < 1e-9)
        #expect(score.due == 3)
        #expect(score.fixedOnTime == 1)
        // 50 × 1/3 + 50 / (1 + log10(1 + 40 / 10)) = 16.67 + 50 / 1.699 = 46.10
        let value = try #require(score.value)
        #expect(abs(value - (50.0 / 3 + 50 / (1 + log10(5)))) < 1e-9)
        #expect(abs(value - 46.097) < 0.001)
        #expect(score.open == [.high: 1, .critical: 1])
        #expect(score.remediation[.critical]?.median == 20)
        #expect(score.remediation[.high]?.p90 == 10)

        let fixes = (1...10).map {
            OrganisationScore.Timing(
                rule: .updateMissing, severity: .medium, openedAt: Self.daysAgo(100),
                fixedAt: Self.daysAgo(100 - Double($0)))
        }
        let spread = OrganisationScore(tickets: fixes, lastEvidence: Self.now, at: Self.now)
        #expect(spread.remediation[.medium] == OrganisationScore.Remediation(count: 10, median: 5, p90: 9))
        #expect(spread.value == 100)
    }

    @Test("evidence older than 14 days, or none, is stale and not scored — never scored as clean")
    func stale() {
        #expect(OrganisationScore(tickets: [], lastEvidence: nil, at: Self.now).value == nil)
        #expect(OrganisationScore(tickets: [], lastEvidence: Self.daysAgo(15), at: Self.now).value == nil)
        #expect(OrganisationScore(tickets: [], lastEvidence: Self.daysAgo(13), at: Self.now).value == 100)
    }

    @Test("a finding's deadline is the remediation clock an alert of its severity gets by default")
    func deadlinesAreTheAlertClocks() {
        let policy = RemediationPolicy()
        for severity in Severity.allCases where severity != .info {
            for exploited in [false, true] {
                #expect(
                    OrganisationScore.deadline(severity: severity, exploited: exploited)
                        == Double(policy.days(severity: severity, knownExploited: exploited)))
            }
        }
        #expect(OrganisationScore.deadline(severity: .info, exploited: false) == nil)
        // A medium finding open 70 days is past the alerts' 60 (it was not past the score's former 90), and a low
        // one fixed in 120 days was late (it was on time within the former 180).
        let late = [
            OrganisationScore.Timing(
                rule: .staleAccount, severity: .medium, openedAt: Self.daysAgo(70), fixedAt: nil),
            OrganisationScore.Timing(
                rule: .staleAccount, severity: .low, openedAt: Self.daysAgo(130), fixedAt: Self.daysAgo(10)),
        ]
        let score = OrganisationScore(tickets: late, lastEvidence: Self.now, at: Self.now)
        #expect(score.due == 2)
        #expect(score.fixedOnTime == 0)
    }

    @Test("a ticket as of an earlier date: not yet opened, or open until its fix")
    func asOf() {
        let ticket = OrganisationScore.Timing(
            rule: .updateMissing, severity: .high, openedAt: Self.daysAgo(40), fixedAt: Self.daysAgo(10))
        #expect(ticket.asOf(Self.daysAgo(50)) == nil)
        #expect(ticket.asOf(Self.daysAgo(20))?.fixedAt == nil)
        #expect(ticket.asOf(Self.now)?.fixedAt == Self.daysAgo(10))
    }

    typealias Generator = SeededGenerator

    static let rules: [RuleID] = [.updateMissing, .updateMissingExploited, .guessablePassword, .staleAccount]

    static func ticket(_ generator: inout Generator) -> OrganisationScore.Timing {
        let opened = Double.random(in: 0...400, using: &generator)
        let fixed = Bool.random(using: &generator) ? nil : Double.random(in: 0...opened, using: &generator)
        return OrganisationScore.Timing(
            rule: rules.randomElement(using: &generator) ?? .updateMissing,
            severity: Severity.allCases.randomElement(using: &generator) ?? .high, openedAt: daysAgo(opened),
            fixedAt: fixed.map(daysAgo))
    }

    static func value(_ tickets: [OrganisationScore.Timing]) -> Double {
        OrganisationScore(tickets: tickets, lastEvidence: now, at: now).value ?? .nan
    }

    @Test("monotonic: more or older open findings never improve the score; fixing never worsens it", arguments: 0..<8)
    func monotonic(seed: UInt64) {
        var generator = Generator(state: seed)
        let tolerance = 1e-9
        for _ in 0..<250 {
            let tickets = (0..<Int.random(in: 0...30, using: &generator)).map { _ in Self.ticket(&generator) }
            let before = Self.value(tickets)
            // One more open finding.
            var more = tickets
            var added = Self.ticket(&generator)
            added.fixedAt = nil
            more.append(added)
            #expect(Self.value(more) <= before + tolerance, "adding \(added) improved \(before)")
            // An open finding older.
            if let index = tickets.indices.filter({ tickets[$0].fixedAt == nil }).randomElement(using: &generator) {
                var older = tickets
                older[index].openedAt = older[index].openedAt.addingTimeInterval(
                    -Double.random(in: 1...200, using: &generator) * 86_400)
                #expect(Self.value(older) <= before + tolerance, "ageing \(tickets[index]) improved \(before)")
                // The same finding fixed now.
                var fixed = tickets
                fixed[index].fixedAt = Self.now
                #expect(Self.value(fixed) >= before - tolerance, "fixing \(tickets[index]) worsened \(before)")
            }
            // Time passing with nothing fixed never improves it either.
            let later =
                OrganisationScore(
                    tickets: tickets, lastEvidence: Self.now.addingTimeInterval(10 * 86_400),
                    at: Self.now.addingTimeInterval(10 * 86_400)
                ).value ?? .nan
            #expect(later <= before + tolerance)
        }
    }
}
