import Foundation
import Testing
import VigilCore
import VigilStore

/// What the store keeps instead of reading tickets for the score (docs/score.md, "Cost"): a basis made from grouped
/// tickets is the basis made from them one by one, its stored text reads back as the same basis, and the score it
/// gives at any clock is the score of the tickets; a stored text that is damaged is refused, never a crash.
@Suite("the score basis")
struct ScoreBasisTests {
    typealias Generator = OrganisationScoreTests.Generator
    static let now = OrganisationScoreTests.now

    /// Tickets on whole days, so that many share a timing and grouping has something to merge.
    static func tickets(_ generator: inout Generator) -> [OrganisationScore.Timing] {
        (0..<Int.random(in: 0...60, using: &generator)).map { _ in
            let opened = Double(Int.random(in: 0...120, using: &generator))
            let fixed =
                Bool.random(using: &generator) ? nil : Double(Int.random(in: 0...Int(opened), using: &generator))
            return OrganisationScore.Timing(
                rule: OrganisationScoreTests.rules.randomElement(using: &generator) ?? .updateMissing,
                severity: Severity.allCases.randomElement(using: &generator) ?? .high,
                openedAt: OrganisationScoreTests.daysAgo(opened), fixedAt: fixed.map(OrganisationScoreTests.daysAgo))
        }
    }

    /// The same tickets as a grouped query returns them: each distinct timing once, with how many.
    static func grouped(_ tickets: [OrganisationScore.Timing]) -> [(timing: OrganisationScore.Timing, count: Int)] {
        var counts: [OrganisationScore.Timing: Int] = [:]
        for ticket in tickets { counts[ticket, default: 0] += 1 }
        return counts.map { ($0.key, $0.value) }.shuffled()
    }

    @Test(
        "grouped or one by one, stored and read back: the same basis and, at any clock, the same score",
        arguments: 0..<6)
    func sameScore(seed: UInt64) throws {
        var generator = Generator(state: seed)
        for _ in 0..<150 {
            let tickets = Self.tickets(&generator)
            let basis = ScoreBasis(tickets: tickets)
            #expect(ScoreBasis(counted: Self.grouped(tickets)) == basis)
            let stored = try ScoreBasis(encoded: basis.encoded)
            #expect(stored == basis)
            #expect(basis.open.reduce(0) { $0 + $1.count } == tickets.filter { $0.fixedAt == nil }.count)
            for days in [-200.0, -10, 0, 0.5, 14.5, 45, 400] {
                let clock = Self.now.addingTimeInterval(days * 86_400)
                let evidence = Self.now.addingTimeInterval(-86_400)
                let fromTickets = OrganisationScore(tickets: tickets, lastEvidence: evidence, at: clock)
                #expect(OrganisationScore(basis: stored, lastEvidence: evidence, at: clock) == fromTickets)
                let (exposure, due, onTime) = Self.direct(tickets, at: clock)
                #expect(abs(fromTickets.exposure - exposure) <= 1e-9 * max(1, exposure), "at \(days) days")
                #expect(fromTickets.due == due && fromTickets.fixedOnTime == onTime, "at \(days) days")
                #expect(fromTickets.remediation == Self.remediation(tickets))
            }
        }
    }

    /// Exposure, due and fixed on time counted ticket by ticket as docs/score.md states them, independently of the
    /// basis.
    static func direct(_ tickets: [OrganisationScore.Timing], at now: Date) -> (Double, Int, Int) {
        var exposure = 0.0
        var due = 0
        var onTime = 0
        for ticket in tickets {
            let deadline = OrganisationScore.deadline(ticket)
            if let fixedAt = ticket.fixedAt {
                guard let deadline else { continue }
                due += 1
                if fixedAt.timeIntervalSince(ticket.openedAt) / 86_400 <= deadline { onTime += 1 }
            } else {
                let age = max(0, now.timeIntervalSince(ticket.openedAt) / 86_400)
                exposure += (OrganisationScore.weights[ticket.severity] ?? 0) * (1 + age / 30)
                if let deadline, age > deadline { due += 1 }
            }
        }
        return (exposure, due, onTime)
    }

    /// Time to remediate per severity, the nearest-rank median and 90th percentile of each fix written out one by one.
    static func remediation(_ tickets: [OrganisationScore.Timing]) -> [Severity: OrganisationScore.Remediation] {
        var days: [Severity: [Double]] = [:]
        for ticket in tickets {
            guard let fixedAt = ticket.fixedAt else { continue }
            days[ticket.severity, default: []].append(max(0, fixedAt.timeIntervalSince(ticket.openedAt) / 86_400))
        }
        return days.mapValues { values in
            let sorted = values.sorted()
            func rank(_ p: Double) -> Double {
                sorted[min(max(Int((p * Double(sorted.count)).rounded(.up)) - 1, 0), sorted.count - 1)]
            }
            return OrganisationScore.Remediation(count: sorted.count, median: rank(0.5), p90: rank(0.9))
        }
    }

    @Test("the series is each date's tickets as they stood then")
    func series() {
        var generator = Generator(state: 99)
        let tickets = Self.tickets(&generator) + Self.tickets(&generator)
        let dates = [150.0, 60, 30, 7, 0].map(OrganisationScoreTests.daysAgo)
        let series = ScoreBasis.series(of: Self.grouped(tickets), at: dates)
        #expect(series.count == dates.count)
        for (basis, date) in zip(series, dates) {
            #expect(basis == ScoreBasis(tickets: tickets.compactMap { $0.asOf(date) }))
        }
        #expect(series.first == ScoreBasis(), "before any ticket opened, nothing")
    }

    @Test(
        "a damaged stored basis is refused as corrupt",
        arguments: [
            "", "v2 d0 t0", "d0 t0", "v1 d-1", "v1 d1 t2", "v1 d1.5", "v1 oqx100*1", "v1 ohy100*1", "v1 ohx100",
            "v1 ohxnan*1", "v1 ohxinf*1", "v1 ohx100*99999999999999999999", "v1 ohx100*1*2", "v1 rh1*2",
            "v1 rz1*2*3", "v1 rh1*nan*3", "v1 z9", "v1 ohx100*1099511627776 ohx101*1", "v1x d0", "v1 d1 d",
            "v1 ohx1.5.5*1", "v1 ohx*1", "v1 d1t0",
        ])
    func damaged(text: String) {
        #expect(throws: StoreError.self) { try ScoreBasis(encoded: text) }
        do {
            _ = try ScoreBasis(encoded: text)
        } catch {
            #expect(error.code == .corrupt)
            #expect(!error.message.contains(text) || text.isEmpty, "the message never quotes the stored text")
        }
    }
}
