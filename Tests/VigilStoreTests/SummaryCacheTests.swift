import Foundation
import SQLKit
import Testing
import VigilCore

@testable import VigilStore

/// The summaries' cache (``SummaryCache``) keeps what a page read of each organisation at the organisation's revision,
/// which the database counts on every change (migration 8). These tests run two servers on one database — one reading
/// with a warm cache, the other making every kind of change the service makes — and compare each page's numbers with
/// a third server's cold read: a change the revision missed would show the warm server's stale numbers.
@Suite("summaries' cache")
struct SummaryCacheTests {
    static let day: TimeInterval = 86_400

    @Test(
        "a warm cache reads what a cold one does after every kind of change another server makes",
        arguments: Backend.available)
    func agreesWithColdReads(_ backend: Backend) async throws {
        try await backend.withTwoStores { warm, writer, address in
            try await Self.changes(warm: warm, writer: writer, address: address)
        }
    }

    /// The scenario: organisations in a region of their own, then a submission, an alert, an acknowledgement, a
    /// declaration, a fix, an exception approved and expired, and a new organisation, each compared.
    static func changes(warm: SQLNationalStore, writer: SQLNationalStore, address: String) async throws {
        let region = "R" + String(UInt32.random(in: 0 ... .max), radix: 16, uppercase: true)
        let scope = Scope.region(region)
        func organisation() async throws -> OrganisationRecord {
            let code = "C" + String(UInt32.random(in: 0 ... .max), radix: 16, uppercase: true)
            return try await writer.createOrganisation(
                NewOrganisation(
                    code: code, name: "Cache Trust \(code)", kind: .acuteTrust, parents: [region, "Q" + region]))
        }
        // Other tests on a shared PostgreSQL database issue alerts to every organisation, these too, at any moment:
        // the warm read is compared with cold reads just before and just after it, and counts only when those two
        // agree (nothing changed in between), tried again otherwise.
        func compare(_ step: Comment, at now: Date) async throws {
            func cold() async throws -> Page {
                let cold = try SQLNationalStore(address: address, policy: Backend.testPolicy)
                return try await cold.withRunning { try await Self.read(cold, scope: scope, at: now) }
            }
            for _ in 1...10 {
                let before = try await cold()
                let read = try await Self.read(warm, scope: scope, at: now)
                guard try await cold() == before else { continue }
                #expect(read == before, step)
                return
            }
            Issue.record("the organisations kept changing while compared: \(step)")
        }
        let first = try await organisation()
        let second = try await organisation()
        let third = try await organisation()
        let start = Scenario.start
        try await compare("three organisations, no evidence", at: start)

        _ = try await writer.ingest(
            Scenario.week(
                0, missing: ["a", "b"], inventoried: ["a", "b", "c"], weakAccounts: ["x"],
                hashedAccounts: ["x", "y"]),
            organisation: first.id, receivedAt: start)
        _ = try await writer.ingest(
            Scenario.week(0, missing: [], inventoried: ["d"]), organisation: second.id, receivedAt: start)
        try await compare("after submissions", at: start.addingTimeInterval(Self.day))
        let entries = try await Self.revisions(warm, [first, second, third])

        let alert = try await writer.issueAlert(
            NewAlert(
                title: "Cache test alert", severity: .critical, rules: [.updateMissing], cves: [], advisories: [],
                issuedAt: start.addingTimeInterval(Self.day), remediateBy: start.addingTimeInterval(10 * Self.day)))
        try await compare("after an alert", at: start.addingTimeInterval(4 * Self.day))
        _ = try await writer.acknowledgeAlert(
            alert.id, organisation: second.id, at: start.addingTimeInterval(2 * Self.day))
        try await compare("after an acknowledgement", at: start.addingTimeInterval(4 * Self.day))
        _ = try await writer.declareAlertNotApplicable(
            alert.id, organisation: third.id, reason: "no Windows hosts", at: start.addingTimeInterval(2 * Self.day))
        try await compare("after a declaration", at: start.addingTimeInterval(12 * Self.day))

        _ = try await writer.ingest(
            Scenario.week(1, missing: ["b"], inventoried: ["a", "b"]), organisation: first.id, receivedAt: start)
        try await compare("after a fix", at: start.addingTimeInterval(12 * Self.day))

        let ticket = try #require(
            try await writer.tickets(organisation: first.id).first { $0.state == .open && $0.rule == .updateMissing })
        let suffix = String(UInt32.random(in: 0 ... .max), radix: 16)
        let origin = Origin(address: "cli", at: start)
        let member = try await writer.createUser(
            NewUser(login: "member.\(suffix)", displayName: "m", role: .organisationMember, organisation: first.code),
            password: "correct horse battery", origin: origin)
        let analyst = try await writer.createUser(
            NewUser(login: "analyst.\(suffix)", displayName: "a", role: .nationalAnalyst),
            password: "correct horse battery", origin: origin)
        // The exception lives on a wall clock of its own, thirty years on: other suites sweep every organisation's
        // exceptions at their own clocks (and servers at the real one), which would lapse a request here before its
        // decision; its expiry is swept for this organisation only, as its own submission would.
        let wall = start.addingTimeInterval(30 * 365 * Self.day)
        let expiry = wall.addingTimeInterval(7 * Self.day)
        let requested = try await writer.requestException(
            NewException(
                ticket: ticket.id, alert: alert.id, reason: "vendor certifies no patch", controls: "isolated VLAN",
                expiresAt: expiry),
            by: member.id, at: wall)
        _ = try await writer.decideException(
            requested.id, decision: .approved, by: analyst.id, expiresAt: expiry, at: wall)
        try await compare("after an exception", at: wall.addingTimeInterval(Self.day))
        let ended = try await writer.transaction { database in
            try await writer.lockOrganisation(first.id, on: database)
            return try await SQLNationalStore.sweepExceptions(
                organisation: first.id, at: SQLNationalStore.seconds(expiry.addingTimeInterval(1)), on: database)
        }
        #expect(ended == 1)
        try await compare("after the exception expired", at: expiry.addingTimeInterval(Self.day))

        _ = try await organisation()
        try await compare("after a new organisation", at: expiry.addingTimeInterval(Self.day))
        // Only what changed was read again: the third organisation changed only with the alert and its declaration.
        // Tests running beside this one on the same PostgreSQL database issue alerts, which every organisation's
        // status (and revision) follows: if one lands while the last page is read, that page is read again — only
        // then, so a cache that keeps nothing on a first read still fails.
        var before = try await Self.revisions(warm, [first, second, third])
        try await compare("a month later", at: expiry.addingTimeInterval(40 * Self.day))
        var later = try await Self.revisions(warm, [first, second, third])
        for _ in 1..<5 where later != before {
            before = later
            try await compare("read again after a change elsewhere", at: expiry.addingTimeInterval(40 * Self.day))
            later = try await Self.revisions(warm, [first, second, third])
        }
        let current = warm.summaryCache.current(later.map { (id: $0.key, revision: $0.value) }).count
        #expect(later[first.id] ?? 0 > entries[first.id] ?? 0)
        #expect(later[third.id] ?? 0 > entries[third.id] ?? 0)
        #expect(current == 3)
    }

    /// What a page of `scope` reads at `now`.
    struct Page: Equatable {
        var summaries: [OrganisationSummary]
        var escalations: [AlertStatus]
    }

    static func read(_ store: SQLNationalStore, scope: Scope, at now: Date) async throws -> Page {
        Page(
            summaries: try await store.summaries(scope: scope, at: now),
            escalations: try await store.escalations(scope: scope, at: now))
    }

    /// The organisations' revisions as the database holds them.
    static func revisions(_ store: SQLNationalStore, _ organisations: [OrganisationRecord]) async throws
        -> [Int64: Int64]
    {
        let ids = organisations.map(\.id)
        return try await store.snapshot { database in
            var revisions: [Int64: Int64] = [:]
            for row in try await database.raw("SELECT id, revision FROM organisations").all() {
                let id = try row.decode(column: "id", as: Int64.self)
                if ids.contains(id) { revisions[id] = try row.decode(column: "revision", as: Int64.self) }
            }
            return revisions
        }
    }
}
