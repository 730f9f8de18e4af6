import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission

/// `summaries(scope:at:)` on both backends: the scope is applied in the store, each organisation's counts, areas not
/// assessed, alert compliance and score come from its own rows only.
@Suite("scoped summaries")
struct SummaryConformanceTests {
    @Test("a region's summaries hold its organisations only, each with its own numbers", arguments: Backend.available)
    func scoped(backend: Backend) async throws {
        try await backend.withStore { store in
            // Region and ICB codes of this test's own, so a shared PostgreSQL database's other rows stay out.
            let tag = String(UInt32.random(in: 0 ... .max), radix: 16, uppercase: true)
            let (region, icb, other) = ("R" + tag, "I" + tag, "X" + tag)
            var made: [OrganisationRecord] = []
            for (index, parents) in [[region, icb], [region, icb], [other, "J" + tag]].enumerated() {
                made.append(
                    try await store.createOrganisation(
                        NewOrganisation(
                            code: "S\(index)\(tag)", name: "Summary \(index)", kind: .acuteTrust, parents: parents)))
            }
            // The first: two missing updates, one known-exploited, credentials not assessed; the second: nothing
            // submitted; the third: one finding.
            let first = Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b", "c"])
            _ = try await store.ingest(first, organisation: made[0].id, receivedAt: Scenario.start)
            let exploited = Scenario.week(
                1, missing: ["a"], inventoried: ["a", "b", "c"], rule: .updateMissingExploited)
            _ = try await store.ingest(exploited, organisation: made[2].id, receivedAt: Scenario.start)
            let now = Scenario.start.addingTimeInterval(8 * 86_400)

            let inRegion = try await store.summaries(scope: .region(region), at: now)
            #expect(inRegion.map(\.organisation.code) == [made[0].code, made[1].code])
            #expect(
                try await store.summaries(scope: .region(icb), at: now).map(\.organisation.id) == [
                    made[0].id, made[1].id,
                ])
            #expect(try await store.summaries(scope: .region(made[0].code), at: now).isEmpty)
            #expect(try await store.summaries(scope: .region("'; --"), at: now).isEmpty)
            #expect(
                try await store.summaries(scope: .organisation(made[2].id), at: now).map(\.organisation.id) == [
                    made[2].id
                ])

            let summary = try #require(inRegion.first)
            #expect(summary.openByRule == [.updateMissing: 2])
            #expect(summary.latest?.open[.high] == 2)
            #expect(summary.worstOpen == .high)
            #expect(summary.notAssessed.contains(.credentials))
            #expect(!summary.notAssessed.contains(.updates))
            #expect(summary.score.lastEvidence == Scenario.start)
            #expect(summary.score.value != nil)
            #expect(summary.monthAgo.value == nil, "no evidence a month before")
            let silent = try #require(inRegion.last)
            #expect(silent.latest == nil)
            #expect(silent.score.value == nil)
            #expect(silent.notAssessed == AssessmentArea.allCases)

            // Stale after 14 days without evidence.
            let later = try await store.summaries(
                scope: .region(region), at: Scenario.start.addingTimeInterval(15 * 86_400))
            #expect(later.first?.score.isStale == true)
            #expect(later.first?.score.value == nil)

            // An alert issued now: the first organisation is shown affected and, three days on, past both clocks.
            // Counted against what was there before; on a PostgreSQL database other tests issue alerts at the same
            // time, so there the counts can only be said to have grown by at least as much.
            let then = now.addingTimeInterval(3 * 86_400)
            let before = try await store.summaries(scope: .region(region), at: then)
            _ = try await store.issueAlert(
                NewAlert(
                    title: "summary test", severity: .high, rules: [.updateMissing], issuedAt: now,
                    remediateBy: now.addingTimeInterval(86_400)))
            let after = try await store.summaries(scope: .region(region), at: then)
            let (previous, current) = (try #require(before.first?.alerts), try #require(after.first?.alerts))
            let (quiet, silentBefore, silentAfter) = (
                backend == .sqlite, try #require(before.last?.alerts), try #require(after.last?.alerts)
            )
            for (grown, by) in [
                (current.issued - previous.issued, 1), (current.affected - previous.affected, 1),
                (current.overdue - previous.overdue, 1), (silentAfter.issued - silentBefore.issued, 1),
            ] {
                #expect(quiet ? grown == by : grown >= by)
            }
            if quiet {
                #expect(current.closed == previous.closed)
                #expect(silentAfter.affected == silentBefore.affected)
                #expect(current == AlertCompliance(issued: 1, affected: 1, answered: 0, closed: 0, overdue: 1))
            }
        }
    }
}
