import Foundation
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// Exceptions that expire, on every configured backend: requested by a member with a reason and compensating
/// controls, approved by a different person with the national role, always with an expiry; while valid the ticket is
/// out of the open exposure and its alert's remediation clock holds; at expiry it opens again with its clock
/// restarted; every step is an append-only event naming who, when and which ticket. Serialised: its sweeps are global,
/// and on a shared PostgreSQL database one test's sweep would end another's exceptions early (the scenario suite's
/// exceptions live twenty years later, out of reach).
@Suite("national store conformance: exceptions", .serialized)
struct ExceptionConformanceTests {
    static let day: TimeInterval = 86_400

    /// An organisation with one open ticket (host `a`, matched by the MS17-010 alert), a member of it, a member of
    /// another organisation, a regional viewer and two national analysts; every name new to the database.
    struct World {
        let organisation: OrganisationRecord
        let other: OrganisationRecord
        let alert: AlertRecord
        let ticket: Ticket
        let member: UserRecord
        let outsider: UserRecord
        let viewer: UserRecord
        let analyst: UserRecord
        let secondAnalyst: UserRecord
    }

    static func world(_ store: SQLNationalStore) async throws -> World {
        let organisation = try await Scenario.organisation(in: store)
        let other = try await Scenario.organisation(in: store)
        let alert = try await store.issueAlert(AlertConformanceTests.alert())
        _ = try await store.ingest(
            AlertConformanceTests.week(1, missing: ["a"], inventoried: ["a", "b"]), organisation: organisation.id,
            receivedAt: Scenario.start)
        let ticket = try #require(try await store.tickets(organisation: organisation.id).first)
        let suffix = String(UInt32.random(in: 0 ... .max), radix: 16)
        let origin = Origin(address: "cli", at: Scenario.start)
        func user(_ name: String, _ role: Role, organisation code: String? = nil, region: String? = nil)
            async throws -> UserRecord
        {
            try await store.createUser(
                NewUser(
                    login: "\(name).\(suffix)", displayName: name, role: role, organisation: code, region: region),
                password: "correct horse battery", origin: origin)
        }
        return World(
            organisation: organisation, other: other, alert: alert, ticket: ticket,
            member: try await user("member", .organisationMember, organisation: organisation.code),
            outsider: try await user("outsider", .organisationMember, organisation: other.code),
            viewer: try await user("viewer", .regionalViewer, region: "QE1"),
            analyst: try await user("analyst", .nationalAnalyst),
            secondAnalyst: try await user("analyst2", .nationalAnalyst))
    }

    static func request(_ world: World, expiresIn days: Double = 30, alert: Bool = true) -> NewException {
        NewException(
            ticket: world.ticket.id, alert: alert ? world.alert.id : nil,
            reason: "the imaging modality's vendor certifies no patch yet",
            controls: "host isolated on its own VLAN; SMB blocked at the firewall",
            expiresAt: AlertConformanceTests.week(1, missing: [], inventoried: nil).assessedAt
                .addingTimeInterval(days * day))
    }

    static func open(_ store: SQLNationalStore, _ organisation: OrganisationRecord) async throws -> Int {
        let latest = try #require(try await store.daily(organisation: organisation.id).last)
        return latest.open.values.reduce(0, +)
    }

    @Test(
        "requested, approved by another analyst, excepted out of the exposure, then expired: open again, clock restarted",
        arguments: Backend.available)
    func lifecycle(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let world = try await Self.world(store)
            let week1 = AlertConformanceTests.week(1, missing: [], inventoried: nil).assessedAt
            let asked = week1.addingTimeInterval(3_600)
            #expect(try await Self.open(store, world.organisation) == 1)

            let requested = try await store.requestException(
                Self.request(world), by: world.member.id, at: asked)
            #expect(requested.state == .requested && !requested.valid && requested.requestedBy == world.member.login)
            #expect(requested.alert == world.alert.id && requested.ticket.id == world.ticket.id)
            #expect(try await store.tickets(organisation: world.organisation.id).first?.state == .open)

            // Approved a day later, with the expiry brought forward to 20 days after the week.
            let decided = asked.addingTimeInterval(Self.day)
            let expiry = week1.addingTimeInterval(20 * Self.day)
            let approved = try await store.decideException(
                requested.id, decision: .approved, by: world.analyst.id, expiresAt: expiry, at: decided)
            #expect(approved.state == .approved && approved.valid && approved.decidedBy == world.analyst.login)
            #expect(approved.expiresAt == expiry && approved.ticket.state == .excepted)
            #expect(try await Self.open(store, world.organisation) == 0)

            // Past the alert's remediation date the match is excepted, so the clock does not escalate.
            let pastDue = try #require(world.alert.remediateBy).addingTimeInterval(Self.day)
            var status = try await AlertConformanceTests.status(store, world.alert, world.organisation, at: pastDue)
            #expect(status.openMatches == 1 && status.exceptedMatches == 1 && !status.remediationOverdue)

            // Evidence showing it again keeps it excepted; a sweep before the expiry ends nothing.
            _ = try await store.ingest(
                AlertConformanceTests.week(2, missing: ["a"], inventoried: ["a"]), organisation: world.organisation.id,
                receivedAt: Scenario.start)
            // (Counts returned by the sweep are not checked: on a shared PostgreSQL database it ends other tests'
            // exceptions too.)
            _ = try await store.sweepExceptions(at: expiry.addingTimeInterval(-1))
            #expect(try await store.tickets(organisation: world.organisation.id).first?.state == .excepted)
            #expect(try await store.exceptions(at: expiry).first { $0.id == requested.id }?.state == .approved)

            // The expiry passes: the sweep ends it, the ticket opens with its clock restarted at the expiry; a second
            // sweep changes nothing more.
            let swept = expiry.addingTimeInterval(600)
            _ = try await store.sweepExceptions(at: swept)
            _ = try await store.sweepExceptions(at: swept)
            let ticket = try #require(try await store.tickets(organisation: world.organisation.id).first)
            #expect(ticket.state == .open && ticket.clockStartedAt == expiry && ticket.openedAt == week1)
            #expect(try await Self.open(store, world.organisation) == 1)
            let record = try #require(try await store.exceptions(at: swept).first { $0.id == requested.id })
            #expect(record.state == .expired && !record.valid && record.endedAt == expiry)
            #expect(record.events.map(\.kind) == [.requested, .approved, .expired, .reactivated])
            #expect(
                record.events.map(\.who) == [world.member.login, world.analyst.login, "sweep", "sweep"])
            #expect(record.events.map(\.at) == [asked, decided, expiry, expiry])
            #expect(record.events.allSatisfy { $0.ticket == world.ticket.id })
            let history = try await store.events(ticket: world.ticket.id)
            #expect(history.map(\.kind) == [.opened, .excepted, .reactivated])
            #expect(history.map(\.actor) == [nil, world.analyst.login, "sweep"])
            status = try await AlertConformanceTests.status(store, world.alert, world.organisation, at: swept)
            #expect(status.exceptedMatches == 0 && status.remediationOverdue)

            // The histories, and the alerts every server keeps (AlertCache), are append-only in the database itself.
            for statement in [
                "UPDATE exception_events SET kind = 'approved'", "DELETE FROM exception_events",
                "UPDATE ticket_events SET kind = 'fixed'", "DELETE FROM alert_events",
                "UPDATE alerts SET title = 'changed'", "DELETE FROM alert_links",
            ] {
                await #expect(throws: (any Error).self) {
                    try await store.transaction { try await $0.raw("\(unsafeRaw: statement)").run() }
                }
            }
        }
    }

    @Test(
        "only members of the ticket's organisation or analysts ask; only another analyst decides; every step once",
        arguments: Backend.available)
    func refusals(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let world = try await Self.world(store)
            let at = AlertConformanceTests.week(1, missing: [], inventoried: nil).assessedAt.addingTimeInterval(60)
            func code(_ body: () async throws -> Void) async -> StoreError.Code? {
                do {
                    try await body()
                    return nil
                } catch let error as StoreError {
                    return error.code
                } catch {
                    return .corrupt
                }
            }
            // Another organisation's member sees an unknown ticket; a regional viewer may not ask.
            #expect(
                await code { _ = try await store.requestException(Self.request(world), by: world.outsider.id, at: at) }
                    == .unknownException)
            #expect(
                await code { _ = try await store.requestException(Self.request(world), by: world.viewer.id, at: at) }
                    == .forbidden)
            var bad = Self.request(world)
            bad.reason = "two\nlines"
            #expect(
                await code { _ = try await store.requestException(bad, by: world.member.id, at: at) }
                    == .invalidException)
            bad = Self.request(world)
            bad.controls = " "
            #expect(
                await code { _ = try await store.requestException(bad, by: world.member.id, at: at) }
                    == .invalidException)
            for days in [-1.0, 0, 366] {
                #expect(
                    await code {
                        _ = try await store.requestException(
                            Self.request(world, expiresIn: days), by: world.member.id, at: at)
                    } == .invalidException, "\(days) days")
            }
            var wrongAlert = Self.request(world)
            wrongAlert.alert = Int64.max - 7
            #expect(
                await code { _ = try await store.requestException(wrongAlert, by: world.member.id, at: at) }
                    == .invalidException)
            var missing = Self.request(world)
            missing.ticket = Int64.max - 7
            #expect(
                await code { _ = try await store.requestException(missing, by: world.member.id, at: at) }
                    == .unknownException)

            // An analyst may ask, but not approve their own request; a member never decides.
            let own = try await store.requestException(Self.request(world), by: world.analyst.id, at: at)
            #expect(
                await code { _ = try await store.requestException(Self.request(world), by: world.member.id, at: at) }
                    == .invalidException)
            #expect(
                await code {
                    _ = try await store.decideException(
                        own.id, decision: .approved, by: world.analyst.id, expiresAt: nil, at: at)
                } == .forbidden)
            #expect(
                await code {
                    _ = try await store.decideException(
                        own.id, decision: .approved, by: world.member.id, expiresAt: nil, at: at)
                } == .forbidden)
            #expect(
                await code {
                    _ = try await store.decideException(
                        own.id, decision: .approved, by: world.secondAnalyst.id,
                        expiresAt: own.expiresAt.addingTimeInterval(Self.day), at: at)
                } == .invalidException)
            let rejected = try await store.decideException(
                own.id, decision: .rejected, by: world.secondAnalyst.id, expiresAt: nil, at: at)
            #expect(
                rejected.state == .rejected && !rejected.valid
                    && rejected.events.map(\.kind) == [.requested, .rejected])
            #expect(
                await code {
                    _ = try await store.decideException(
                        own.id, decision: .approved, by: world.secondAnalyst.id, expiresAt: nil, at: at)
                } == .invalidException)
            #expect(try await store.tickets(organisation: world.organisation.id).first?.state == .open)
            #expect(
                await code {
                    _ = try await store.decideException(
                        Int64.max - 7, decision: .approved, by: world.analyst.id, expiresAt: nil, at: at)
                } == .unknownException)
        }
    }

    @Test(
        "covering evidence fixes an excepted ticket, and its expiry then reopens nothing; an undecided request lapses",
        arguments: Backend.available)
    func fixWhileExcepted(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let world = try await Self.world(store)
            let at = AlertConformanceTests.week(1, missing: [], inventoried: nil).assessedAt.addingTimeInterval(60)
            let requested = try await store.requestException(Self.request(world), by: world.member.id, at: at)
            _ = try await store.decideException(
                requested.id, decision: .approved, by: world.analyst.id, expiresAt: nil, at: at)
            // Not covered: stays excepted (not unverified); covered and absent: fixed.
            _ = try await store.ingest(
                AlertConformanceTests.week(2, missing: [], inventoried: ["b"]), organisation: world.organisation.id,
                receivedAt: Scenario.start)
            #expect(try await store.tickets(organisation: world.organisation.id).first?.state == .excepted)
            _ = try await store.ingest(
                AlertConformanceTests.week(3, missing: [], inventoried: ["a", "b"]),
                organisation: world.organisation.id, receivedAt: Scenario.start)
            #expect(try await store.tickets(organisation: world.organisation.id).first?.state == .fixed)
            // Still approved until its expiry, but no longer what keeps the ticket out of the exposure: not valid.
            let moot = try #require(try await store.exceptions(at: at).first { $0.id == requested.id })
            #expect(moot.state == .approved && !moot.valid)
            let after = requested.expiresAt.addingTimeInterval(1)
            _ = try await store.sweepExceptions(at: after)
            #expect(try await store.tickets(organisation: world.organisation.id).first?.state == .fixed)
            let record = try #require(try await store.exceptions(at: after).first { $0.id == requested.id })
            #expect(record.state == .expired && record.events.map(\.kind) == [.requested, .approved, .expired])

            // A request nobody decides lapses at its expiry, and a submission's own sweep ends it too.
            _ = try await store.ingest(
                AlertConformanceTests.week(30, missing: ["a"], inventoried: ["a"]),
                organisation: world.organisation.id, receivedAt: after)
            let ticket = try #require(try await store.tickets(organisation: world.organisation.id).first)
            var second = Self.request(world, alert: false)
            second.ticket = ticket.id
            second.expiresAt = after.addingTimeInterval(Self.day)
            let lapsing = try await store.requestException(second, by: world.member.id, at: after)
            _ = try await store.ingest(
                AlertConformanceTests.week(31, missing: ["a"], inventoried: ["a"]),
                organisation: world.organisation.id, receivedAt: after.addingTimeInterval(2 * Self.day))
            let lapsed = try #require(
                try await store.exceptions(at: after.addingTimeInterval(2 * Self.day)).first { $0.id == lapsing.id })
            #expect(lapsed.state == .expired && lapsed.events.map(\.kind) == [.requested, .expired])
        }
    }
}
