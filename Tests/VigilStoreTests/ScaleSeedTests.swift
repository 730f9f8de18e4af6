import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission

/// The scale benchmark's seeder (`SQLNationalStore.seed`) on both backends: a small history read back through the
/// store's public API has exactly the counts the plan implies, and the next week's submission, ingested through the
/// real path, meets the seeded tickets as it would meet tickets ingested one submission at a time.
@Suite("scale seeding")
struct ScaleSeedTests {
    /// A history small enough for a test, with codes of its own so a shared PostgreSQL database's rows stay apart.
    static func history() -> ScaleHistory {
        let tag = String(UInt32.random(in: 0 ... .max), radix: 16, uppercase: true)
        return ScaleHistory(
            organisations: 9, weeks: 6, findings: 20, churn: 3, alerts: 2, seed: 42,
            end: Date(timeIntervalSince1970: 1_780_000_000), prefix: "Z" + tag)
    }

    @Test("a seeded history reads back with the planned counts", arguments: Backend.available)
    func readsBack(backend: Backend) async throws {
        let history = Self.history()
        try await backend.withStore { store in
            let report = try await store.seed(history, organisationsPerTransaction: 4)
            #expect(report.organisations == 9)
            #expect(report.submissions == 9 * 6)
            // 20 in the first week and 3 new in each of the five after.
            #expect(report.tickets == 9 * 35)
            // Every ticket opened once; 3 fixed in each of five weeks.
            #expect(report.events == 9 * (35 + 15))

            let rows = try await store.overview().filter { $0.organisation.code.hasPrefix(history.prefix) }
            #expect(rows.count == 9)
            for row in rows {
                let latest = try #require(row.latest)
                #expect(latest.open.values.reduce(0, +) == 20)
                #expect(latest.fixed == 15)
                #expect(latest.unverified == 0)
                #expect(latest.submissions == 1)
            }
            let first = try #require(try await store.organisation(code: history.place(0).code))
            #expect(first.path == "Y56/QA0/\(history.place(0).code)")
            let tickets = try await store.tickets(organisation: first.id)
            #expect(tickets.count == 35)
            #expect(tickets.filter { $0.state == .open }.count == 20)
            #expect(tickets.filter { $0.state == .fixed }.count == 15)
            #expect(try await store.daily(organisation: first.id).count == 6)
            let at = history.end.addingTimeInterval(86_400)
            let summary = try #require(try await store.summaries(scope: .organisation(first.id), at: at).first)
            #expect(summary.openByRule.values.reduce(0, +) == 20)
            #expect(summary.score.open.values.reduce(0, +) == 20)
            #expect(!summary.score.isStale)
            #expect(summary.notAssessed == [.patientData, .access, .wormExposure, .assurance])
            // Every alert concerns every organisation: a shared PostgreSQL database holds other tests' alerts too.
            #expect(backend == .sqlite ? summary.alerts.issued == 2 : summary.alerts.issued >= 2)
        }
    }

    @Test("the next week's submission fixes and opens exactly the churn", arguments: Backend.available)
    func nextWeekIngests(backend: Backend) async throws {
        let history = Self.history()
        try await backend.withStore { store in
            _ = try await store.seed(history)
            for index in [0, 8] {
                let organisation = try #require(try await store.organisation(code: history.place(index).code))
                let next = history.nextSubmission(organisation: index)
                let receipt = try await store.ingest(next, organisation: organisation.id, receivedAt: next.assessedAt)
                #expect(receipt.applied)
                #expect(receipt.opened == 3)
                #expect(receipt.fixed == 3)
                #expect(receipt.reopened == 0)
                #expect(receipt.unverified == 0)
                let tickets = try await store.tickets(organisation: organisation.id)
                #expect(tickets.count == 38)
                #expect(tickets.filter { $0.state == .open }.count == 20)
                let latest = try #require(try await store.daily(organisation: organisation.id).last)
                #expect(latest.open.values.reduce(0, +) == 20)
                #expect(latest.fixed == 18)
            }
        }
    }

    @Test("the same plan writes the same tickets")
    func reproducible() async throws {
        let history = Self.history()
        let seeded = try await [0, 1].asyncMap { _ in
            try await Backend.sqlite.withStore { store in
                _ = try await store.seed(history)
                let organisation = try #require(try await store.organisation(code: history.place(3).code))
                return try await store.tickets(organisation: organisation.id).map {
                    "\($0.rule.rawValue) \($0.subject) \($0.state)"
                }
            }
        }
        #expect(seeded[0].count == 35)
        #expect(seeded[0] == seeded[1])
        #expect(history.nextSubmission(organisation: 3) == history.nextSubmission(organisation: 3))
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
