import Foundation
import Testing
import VigilCore
import VigilStore
import VigilSubmission

/// The conformance suite: every test runs on every configured backend (SQLite always; PostgreSQL with
/// `VIGIL_POSTGRES_URL`), through the ``NationalStore`` protocol only.
@Suite("national store conformance")
struct StoreConformanceTests {
    @Test(
        "PostgreSQL is configured for the store suite",
        .enabled(
            if: Backend.postgresURL != nil,
            "VIGIL_POSTGRES_URL is not set: the store suite ran on SQLite only (set it to postgres://user@host:port/db)"
        ))
    func postgresConfigured() async throws {
        let versions = try await Backend.postgres.withStore { try await $0.appliedMigrations() }
        #expect(versions == Array(1...17))
    }

    @Test("migrations apply once and again change nothing", arguments: Backend.available)
    func migrations(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.migrate()
            #expect(try await store.appliedMigrations() == Array(1...17))
        }
    }

    @Test("organisations: created once per ODS code, found by code, path from parents", arguments: Backend.available)
    func organisations(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let made = try await Scenario.organisation(in: store)
            #expect(made.path == "Y56/QE1/\(made.code)")
            #expect(try await store.organisation(code: made.code) == made)
            #expect(try await store.organisations().contains(made))
            await #expect(throws: StoreError.self) {
                _ = try await store.createOrganisation(
                    NewOrganisation(code: made.code, name: "Again", kind: .gpPractice))
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.createOrganisation(
                    NewOrganisation(code: "../x", name: "Bad", kind: .gpPractice))
            }
        }
    }

    @Test("a token finds its organisation; an unknown token finds none", arguments: Backend.available)
    func tokens(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let token = try await store.issueToken(organisation: organisation.code, at: Scenario.start)
            #expect(token.hasPrefix("vgl_") && token.count == 68)
            #expect(try await store.organisation(token: token) == organisation)
            #expect(try await store.organisation(token: token + "0") == nil)
            #expect(try await store.organisation(token: "") == nil)
            await #expect(throws: StoreError.self) {
                _ = try await store.issueToken(organisation: "NOSUCH0", at: Scenario.start)
            }
        }
    }

    @Test("a first submission opens a ticket per finding, each with its opened event", arguments: Backend.available)
    func firstSubmission(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let receipt = try await store.ingest(
                Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b", "c"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(!receipt.duplicate && receipt.applied && receipt.opened == 2 && receipt.fixed == 0)
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(tickets.count == 2)
            #expect(
                tickets.allSatisfy {
                    $0.state == .open && $0.openedAt == Scenario.week(0, missing: [], inventoried: []).assessedAt
                })
            for ticket in tickets {
                #expect(try await store.events(ticket: ticket.id).map(\.kind) == [.opened])
            }
        }
    }

    @Test(
        "a finding repeated in one submission opens one ticket, and new tickets of many findings each get their own id",
        arguments: Backend.available)
    func repeatedFinding(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let hosts = (0..<30).map { "h\($0)" }
            let receipt = try await store.ingest(
                Scenario.week(0, missing: ["a", "a"] + hosts, inventoried: ["a"] + hosts),
                organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.opened == 31)
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(tickets.count == 31 && Set(tickets.map(\.id)).count == 31)
            #expect(Set(tickets.map(\.subject)) == Set((["a"] + hosts).map(Scenario.host)))
            for ticket in tickets {
                #expect(try await store.events(ticket: ticket.id).map(\.kind) == [.opened])
            }
        }
    }

    @Test("the identical submission again changes nothing and returns the first receipt", arguments: Backend.available)
    func identicalResubmission(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let submission = Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b"])
            let first = try await store.ingest(submission, organisation: organisation.id, receivedAt: Scenario.start)
            let before = try await store.tickets(organisation: organisation.id)
            let again = try await store.ingest(
                submission, organisation: organisation.id, receivedAt: Scenario.start.addingTimeInterval(60))
            #expect(again.duplicate && again.submission == first.submission && again.opened == first.opened)
            #expect(try await store.tickets(organisation: organisation.id) == before)
            #expect(try await store.daily(organisation: organisation.id).map(\.submissions) == [1])
        }
    }

    @Test("a submission of only the patched host fixes that host and closes nothing else", arguments: Backend.available)
    func partialSubmission(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a", "b", "c"], inventoried: ["a", "b", "c"]),
                organisation: organisation.id, receivedAt: Scenario.start)
            let receipt = try await store.ingest(
                Scenario.week(1, missing: [], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.fixed == 1 && receipt.unverified == 2)
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(Scenario.state(tickets, host: "a") == .fixed)
            #expect(Scenario.state(tickets, host: "b") == .unverified)
            #expect(Scenario.state(tickets, host: "c") == .unverified)
            // Seen again by a later full inventory: confirmed open, the same ticket.
            let b = try #require(tickets.first { $0.subject == Scenario.host("b") })
            _ = try await store.ingest(
                Scenario.week(2, missing: ["b"], inventoried: ["a", "b"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            let after = try await store.tickets(organisation: organisation.id)
            #expect(Scenario.state(after, host: "b") == .open)
            #expect(try await store.events(ticket: b.id).map(\.kind) == [.opened, .unverified, .confirmed])
            #expect(Scenario.state(after, host: "c") == .unverified)
        }
    }

    @Test(
        "a wide grant removed from a folder exported again is fixed; one on a folder not exported again is unverified",
        arguments: Backend.available)
    func permissionsByFolder(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let folders = [#"d:\shares\clinical"#, #"d:\shares\finance"#]
            func submission(_ week: Int, grants: [String], exported: [String]) -> Submission {
                let findings = grants.map {
                    Submission.SubmittedFinding(
                        rule: .accessWideGrant, severity: .high, area: .access, kind: .resource,
                        subject: Scenario.key.subjectKey(kind: .resource, id: $0 + "|everyone"), facts: [:])
                }
                return Submission(
                    tool: ToolIdentity(name: "vigil", version: "test"), organisation: "TEST",
                    assessedAt: Scenario.start.addingTimeInterval(TimeInterval(week) * 7 * 86_400),
                    areas: [.init(area: .access, status: .assessed)], findings: findings,
                    coverage: [
                        .init(
                            area: .access, kind: .resource, complete: false,
                            subjects: exported.map { Scenario.key.coverageKey(kind: .resource, id: $0) })
                    ],
                    metrics: [])
            }
            _ = try await store.ingest(
                submission(0, grants: folders, exported: folders), organisation: organisation.id,
                receivedAt: Scenario.start)
            // Next week only the clinical folder's permissions were exported, and Everyone is gone from it.
            let receipt = try await store.ingest(
                submission(1, grants: [], exported: [folders[0]]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(receipt.fixed == 1 && receipt.unverified == 1)
            let tickets = try await store.tickets(organisation: organisation.id)
            func state(_ folder: String) -> Ticket.State? {
                tickets.first { $0.subject == Scenario.key.subjectKey(kind: .resource, id: folder + "|everyone") }?
                    .state
            }
            #expect(state(folders[0]) == .fixed)
            #expect(state(folders[1]) == .unverified)
        }
    }

    @Test("an area not assessed changes none of its tickets", arguments: Backend.available)
    func areaNotAssessed(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a"], inventoried: ["a"], weakAccounts: ["amy"], hashedAccounts: ["amy"]),
                organisation: organisation.id, receivedAt: Scenario.start)
            // Only the directory and hashes this time: no host inventories at all.
            let receipt = try await store.ingest(
                Scenario.week(1, missing: [], inventoried: nil, hashedAccounts: ["amy"]),
                organisation: organisation.id, receivedAt: Scenario.start)
            #expect(receipt.fixed == 1 && receipt.unverified == 0)
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(Scenario.state(tickets, host: "a") == .open)
            #expect(tickets.first { $0.subject == Scenario.account("amy") }?.state == .fixed)
        }
    }

    @Test(
        "a recurrence within 90 days reopens the same ticket; after 90 days a new one opens",
        arguments: Backend.available)
    func recurrence(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let all = ["a"]
            for (week, missing) in [(0, all), (1, []), (3, all)] {
                _ = try await store.ingest(
                    Scenario.week(week, missing: missing, inventoried: all), organisation: organisation.id,
                    receivedAt: Scenario.start)
            }
            let reopened = try #require(try await store.tickets(organisation: organisation.id).first)
            #expect(reopened.state == .open && reopened.reopenCount == 1)
            #expect(try await store.events(ticket: reopened.id).map(\.kind) == [.opened, .fixed, .reopened])
            // Fixed at week 4, back at week 20: more than 90 days, so a new ticket; the old one keeps its history.
            for (week, missing) in [(4, [String]()), (20, all)] {
                _ = try await store.ingest(
                    Scenario.week(week, missing: missing, inventoried: all), organisation: organisation.id,
                    receivedAt: Scenario.start)
            }
            let current = try await store.tickets(organisation: organisation.id)
            #expect(current.count == 1)
            let fresh = try #require(current.first)
            #expect(fresh.id != reopened.id && fresh.state == .open && fresh.reopenCount == 0)
            #expect(try await store.events(ticket: reopened.id).map(\.kind) == [.opened, .fixed, .reopened, .fixed])
        }
    }

    @Test("a late, older submission is kept but cannot reopen what newer evidence fixed", arguments: Backend.available)
    func reordered(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            _ = try await store.ingest(
                Scenario.week(2, missing: [], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            let late = try await store.ingest(
                Scenario.week(1, missing: ["a"], inventoried: ["a"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            #expect(!late.applied && !late.duplicate && late.reopened == 0)
            #expect(Scenario.state(try await store.tickets(organisation: organisation.id), host: "a") == .fixed)
        }
    }

    @Test("the daily aggregate and the overview count open tickets by severity", arguments: Backend.available)
    func aggregates(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let other = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            _ = try await store.ingest(
                Scenario.week(1, missing: ["b"], inventoried: ["a", "b"]), organisation: organisation.id,
                receivedAt: Scenario.start)
            let days = try await store.daily(organisation: organisation.id)
            #expect(days.map { $0.open[.high] } == [2, 1])
            #expect(days.last?.fixed == 1)
            let overview = try await store.overview()
            #expect(overview.first { $0.organisation.id == organisation.id }?.latest == days.last)
            #expect(overview.first { $0.organisation.id == other.id }.map { $0.latest == nil } == true)
        }
    }

    @Test(
        "organisations' tickets are apart: one organisation's evidence never touches another's",
        arguments: Backend.available)
    func isolation(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let first = try await Scenario.organisation(in: store)
            let second = try await Scenario.organisation(in: store)
            _ = try await store.ingest(
                Scenario.week(0, missing: ["a"], inventoried: ["a"]), organisation: first.id, receivedAt: Scenario.start
            )
            _ = try await store.ingest(
                Scenario.week(1, missing: [], inventoried: ["a"]), organisation: second.id, receivedAt: Scenario.start)
            #expect(Scenario.state(try await store.tickets(organisation: first.id), host: "a") == .open)
            #expect(try await store.tickets(organisation: second.id).isEmpty)
        }
    }

    @Test(
        "concurrent submissions, identical and different, are each recorded once: nothing lost, nothing doubled",
        arguments: Backend.available)
    func concurrentSubmissions(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let same = Scenario.week(0, missing: ["a", "b"], inventoried: ["a", "b"])
            let receipts = try await withThrowingTaskGroup(of: Receipt.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await store.ingest(same, organisation: organisation.id, receivedAt: Scenario.start)
                    }
                }
                for week in 1...4 {
                    group.addTask {
                        try await store.ingest(
                            Scenario.week(week, missing: ["b"], inventoried: ["a", "b"]),
                            organisation: organisation.id, receivedAt: Scenario.start)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let identical = receipts.filter { $0.digest == (try? same.digest()) }
            #expect(identical.count == 4)
            #expect(identical.filter { !$0.duplicate }.count == 1)
            #expect(Set(identical.map(\.submission)).count == 1)
            #expect(Set(receipts.map(\.submission)).count == 5)
            // One ticket per rule and subject, whatever the interleaving. Week 0 opens hosts a and b only when it is
            // applied first; after any later week it is a late delivery, kept but not applied, and only b (missing in
            // every later week) has a ticket.
            let weekZeroApplied = try #require(identical.first { !$0.duplicate }).applied
            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(tickets.count == (weekZeroApplied ? 2 : 1))
            #expect(Set(tickets.map(\.subject)).count == tickets.count)
            #expect(tickets.contains { $0.subject == Scenario.host("b") && $0.state == .open })
        }
    }
}
