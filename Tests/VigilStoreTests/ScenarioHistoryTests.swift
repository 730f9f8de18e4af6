import Foundation
import SQLKit
import Testing
import VigilCore
import VigilSubmission

@testable import VigilStore

/// Issue 16's accuracy section, the whole of it: generated histories of partial, identical and reordered deliveries
/// with recurrences, interleaved with exceptions that are approved and then expire, and an alert issued part-way
/// whose applicability changes as hosts move between the alert's CVE and another one. Every ticket's final state,
/// every exception's and the alert's status are compared with a model of the rules of
/// docs/decisions/0001-national-service.md written here in their plainest form, independently of the store's
/// planners.
@Suite("generated histories with exceptions and an alert")
struct ScenarioHistoryTests {
    typealias Generator = GeneratedHistoryTests.Generator

    static let hosts = (0..<6).map { "host-\($0)" }
    static let alertCVE = "CVE-2017-0144"
    static let otherCVE = "CVE-2019-0708"
    static let week: TimeInterval = 7 * 86_400
    /// The wall clock of the steps (receipts, requests, expiries), twenty years after the evidence's dates: global
    /// sweeps run by other suites on a shared database never reach these exceptions.
    static let wallStart = Scenario.start.addingTimeInterval(20 * 365 * 86_400)

    /// One thing that happens, in arrival order.
    enum Step: Sendable, CustomStringConvertible {
        /// A submission as of `week`: hosts missing the update (each listing one CVE), hosts inventoried (nil: the
        /// updates area not assessed).
        case deliver(week: Int, missing: [Missing], inventoried: [String]?)
        /// A member asks for an exception on the host's current ticket and an analyst approves it, for `weeks`.
        case except(host: String, weeks: Int)
        /// The alert is issued (rule VGL-UPD-MISSING, the alert's CVE).
        case issueAlert

        var description: String {
            switch self {
            case .deliver(let week, let missing, let inventoried):
                "week \(week) missing \(missing.map { "\($0.host):\($0.cve.suffix(4))" }) inventoried \(inventoried ?? [])"
            case .except(let host, let weeks): "except \(host) for \(weeks) weeks"
            case .issueAlert: "issue alert"
            }
        }
    }

    struct Missing: Sendable, Hashable {
        var host: String
        var cve: String
    }

    static func history(seed: UInt64) -> [Step] {
        var random = Generator(state: seed)
        var deliveries: [Step] = []
        var week = 0
        for _ in 0..<20 {
            week += Int.random(in: 0..<10, using: &random) == 0 ? 15 : 1
            let roll = Int.random(in: 0..<10, using: &random)
            let inventoried: [String]? =
                roll == 0 ? nil : roll < 4 ? hosts.filter { _ in Bool.random(using: &random) } : hosts
            let missing = (inventoried ?? []).filter { _ in Int.random(in: 0..<3, using: &random) == 0 }.map {
                Missing(host: $0, cve: Bool.random(using: &random) ? alertCVE : otherCVE)
            }
            deliveries.append(.deliver(week: week, missing: missing, inventoried: inventoried))
            switch Int.random(in: 0..<8, using: &random) {
            case 0: deliveries.append(deliveries[deliveries.count - 1])  // the identical document again
            case 1 where deliveries.count >= 2: deliveries.swapAt(deliveries.count - 1, deliveries.count - 2)  // late
            default: break
            }
        }
        var steps: [Step] = []
        let alertAfter = Int.random(in: 2..<10, using: &random)
        for (index, delivery) in deliveries.enumerated() {
            steps.append(delivery)
            if index == alertAfter { steps.append(.issueAlert) }
            if Int.random(in: 0..<3, using: &random) == 0 {
                let host = hosts[Int.random(in: 0..<hosts.count, using: &random)]
                steps.append(.except(host: host, weeks: Int.random(in: 1...6, using: &random)))
            }
        }
        return steps
    }

    // MARK: - The model

    struct ModelTicket: Equatable {
        var generation: Int
        var state: Ticket.State
        var reopenCount: Int
        var fixedWeek: Int?
        var clockStarted: Date
        var cve: String
        /// The step whose evidence last showed, reopened or fixed it.
        var lastStep: Int
    }

    struct ModelException: Equatable {
        var host: String
        var generation: Int
        var expiry: Date
        var ended = false
        var reactivated = false
    }

    struct ModelAlert: Equatable {
        var issuedAt: Date
        /// (host, generation) → open?
        var matches: [String: Bool] = [:]
        var closed = false
        var reopenCount = 0
    }

    struct Model {
        var tickets: [String: ModelTicket] = [:]
        var generations: [String: Int] = [:]
        var exceptions: [ModelException] = []
        var alert: ModelAlert?
        var newest = Int.min
        var delivered = Set<String>()
        /// Per except step: whether the request is expected to succeed.
        var granted: [Int: Bool] = [:]

        static func identity(_ host: String, _ generation: Int) -> String { "\(host)#\(generation)" }

        mutating func sweep(at now: Date) {
            for index in exceptions.indices where !exceptions[index].ended && exceptions[index].expiry <= now {
                exceptions[index].ended = true
                let exception = exceptions[index]
                if var ticket = tickets[exception.host], ticket.generation == exception.generation,
                    ticket.state == .excepted
                {
                    ticket.state = .open
                    ticket.clockStarted = exception.expiry
                    tickets[exception.host] = ticket
                    exceptions[index].reactivated = true
                }
            }
        }

        mutating func play(_ step: Step, index: Int, at now: Date) {
            switch step {
            case .deliver(let week, let missing, let inventoried):
                guard delivered.insert("\(step)").inserted else { return }  // identical: nothing at all
                sweep(at: now)
                guard week >= newest else { return }  // late: kept, not applied
                newest = week
                deliver(week: week, missing: missing, inventoried: inventoried, step: index)
                evaluate(evidence: (index, ScenarioHistoryTests.date(week: week)))
            case .except(let host, let weeks):
                sweep(at: now)
                guard let ticket = tickets[host], ticket.state == .open || ticket.state == .unverified,
                    !exceptions.contains(where: {
                        $0.host == host && $0.generation == ticket.generation && !$0.ended && $0.expiry > now
                    })
                else {
                    granted[index] = false
                    return
                }
                granted[index] = true
                tickets[host]?.state = .excepted
                exceptions.append(
                    ModelException(
                        host: host, generation: ticket.generation,
                        expiry: now.addingTimeInterval(TimeInterval(weeks) * ScenarioHistoryTests.week)))
            case .issueAlert:
                let issued = (newest == Int.min ? Scenario.start : ScenarioHistoryTests.date(week: newest))
                    .addingTimeInterval(3_600)
                alert = ModelAlert(issuedAt: issued)
                evaluate(evidence: nil)
            }
        }

        mutating func deliver(week: Int, missing: [Missing], inventoried: [String]?, step: Int) {
            let date = ScenarioHistoryTests.date(week: week)
            for host in ScenarioHistoryTests.hosts {
                if let finding = missing.first(where: { $0.host == host }) {
                    guard var ticket = tickets[host] else {
                        generations[host] = 0
                        tickets[host] = ModelTicket(
                            generation: 0, state: .open, reopenCount: 0, fixedWeek: nil, clockStarted: date,
                            cve: finding.cve, lastStep: step)
                        continue
                    }
                    switch ticket.state {
                    case .open, .excepted:
                        break
                    case .unverified:
                        ticket.state = .open
                    case .fixed:
                        if let fixed = ticket.fixedWeek, (week - fixed) * 7 <= 90 {
                            ticket.state = .open
                            ticket.reopenCount += 1
                            ticket.fixedWeek = nil
                        } else {
                            let generation = (generations[host] ?? 0) + 1
                            generations[host] = generation
                            ticket = ModelTicket(
                                generation: generation, state: .open, reopenCount: 0, fixedWeek: nil,
                                clockStarted: date, cve: finding.cve, lastStep: step)
                        }
                    }
                    ticket.cve = finding.cve
                    ticket.lastStep = step
                    tickets[host] = ticket
                } else if var ticket = tickets[host], ticket.state != .fixed, let inventoried {
                    if inventoried.contains(host) {
                        ticket.state = .fixed
                        ticket.fixedWeek = week
                        ticket.lastStep = step
                    } else if ticket.state == .open {
                        ticket.state = .unverified
                    }
                    tickets[host] = ticket
                }
            }
        }

        /// The alert's rules: a live current ticket naming the alert's CVE is a match; evidence after issue resolves
        /// an open match whose ticket is fixed, superseded, or just seen without the CVE; a match opening after
        /// closure reopens; evidence after issue leaving matches all resolved closes.
        mutating func evaluate(evidence: (step: Int, date: Date)?) {
            guard var alert else { return }
            let before = alert.matches
            var opened = false
            for (host, ticket) in tickets where ticket.state != .fixed && ticket.cve == ScenarioHistoryTests.alertCVE {
                let id = Self.identity(host, ticket.generation)
                if before[id] != true {
                    alert.matches[id] = true
                    opened = true
                }
            }
            let later = evidence.map { $0.date >= alert.issuedAt } ?? false
            if let evidence, later {
                for (id, open) in before where open {
                    let current = tickets.first { Self.identity($0.key, $0.value.generation) == id }?.value
                    guard let ticket = current else {
                        alert.matches[id] = false
                        continue
                    }
                    let seenWithout =
                        ticket.state == .open && ticket.lastStep == evidence.step
                        && ticket.cve != ScenarioHistoryTests.alertCVE
                    if ticket.state == .fixed || seenWithout { alert.matches[id] = false }
                }
            }
            if opened {
                if alert.closed {
                    alert.closed = false
                    alert.reopenCount += 1
                }
            } else if later, !alert.closed, !before.isEmpty, !alert.matches.values.contains(true) {
                alert.closed = true
            }
            self.alert = alert
        }
    }

    static func date(week: Int) -> Date { Scenario.start.addingTimeInterval(TimeInterval(week) * Self.week) }

    static func submission(week: Int, missing: [Missing], inventoried: [String]?) -> Submission {
        var submission = Scenario.week(week, missing: missing.map(\.host), inventoried: inventoried)
        // The document sorts its findings by subject key, so each finding's CVE is found by its subject.
        for index in submission.findings.indices {
            let subject = submission.findings[index].subject
            if let finding = missing.first(where: { Scenario.host($0.host) == subject }) {
                submission.findings[index].facts["listed"] = finding.cve
            }
        }
        return submission
    }

    static let cases: [(Backend, UInt64)] = Backend.available.flatMap { backend in
        (11...16).map { (backend, UInt64($0)) }
    }

    @Test("every ticket, exception and the alert end where the rules say", arguments: cases)
    func replay(_ backend: Backend, seed: UInt64) async throws {
        let steps = Self.history(seed: seed)
        var model = Model()
        for (index, step) in steps.enumerated() {
            model.play(step, index: index, at: Self.wallStart.addingTimeInterval(TimeInterval(index) * Self.week))
        }
        let end = Self.wallStart.addingTimeInterval(TimeInterval(steps.count) * Self.week)
        model.sweep(at: end)
        let expected = model

        try await backend.withStore { store in
            let organisation = try await Scenario.organisation(in: store)
            let suffix = String(UInt32.random(in: 0 ... .max), radix: 16)
            let origin = Origin(address: "cli", at: Scenario.start)
            let member = try await store.createUser(
                NewUser(
                    login: "member.\(suffix)", displayName: "Member", role: .organisationMember,
                    organisation: organisation.code), password: "correct horse battery", origin: origin)
            let analyst = try await store.createUser(
                NewUser(login: "analyst.\(suffix)", displayName: "Analyst", role: .nationalAnalyst),
                password: "correct horse battery", origin: origin)
            var alert: AlertRecord?
            var newest: Int?
            for (index, step) in steps.enumerated() {
                let now = Self.wallStart.addingTimeInterval(TimeInterval(index) * Self.week)
                // The stored score, kept by every path that changes tickets, is the score of the tickets as they
                // stand before each step (reopens, recurrences, exceptions approved and expired included).
                try await Self.expectStoredScore(
                    store, organisation: organisation.id, evidence: newest.map(Self.date(week:)), at: now,
                    "before step \(index) (\(step)), seed \(seed)")
                switch step {
                case .deliver(let week, let missing, let inventoried):
                    let receipt = try await store.ingest(
                        Self.submission(week: week, missing: missing, inventoried: inventoried),
                        organisation: organisation.id, receivedAt: now)
                    if receipt.applied { newest = max(newest ?? week, week) }
                case .except(let host, let weeks):
                    let ticket = try await store.tickets(organisation: organisation.id).first {
                        $0.subject == Scenario.host(host)
                    }
                    guard let ticket else {
                        #expect(expected.granted[index] == false, "step \(index): \(step), seed \(seed)")
                        continue
                    }
                    let request = NewException(
                        ticket: ticket.id, reason: "no patch certified", controls: "isolated",
                        expiresAt: now.addingTimeInterval(TimeInterval(weeks) * Self.week))
                    do {
                        let record = try await store.requestException(request, by: member.id, at: now)
                        _ = try await store.decideException(
                            record.id, decision: .approved, by: analyst.id, expiresAt: nil, at: now)
                        #expect(expected.granted[index] == true, "step \(index): \(step), seed \(seed)")
                    } catch let error as StoreError where error.code == .invalidException {
                        #expect(expected.granted[index] == false, "step \(index): \(step), seed \(seed)")
                    }
                case .issueAlert:
                    let issued = try #require(expected.alert?.issuedAt)
                    alert = try await store.issueAlert(
                        NewAlert(
                            title: "MS17-010", severity: .critical, rules: [.updateMissing], cves: [Self.alertCVE],
                            issuedAt: issued))
                }
            }
            // The final sweep, of this organisation only (a global one would reach other tests' exceptions).
            _ = try await store.transaction { database in
                try await SQLNationalStore.sweepExceptions(
                    organisation: organisation.id, at: SQLNationalStore.seconds(end), on: database)
            }

            try await Self.expectStoredScore(
                store, organisation: organisation.id, evidence: newest.map(Self.date(week:)), at: end,
                "at the end, seed \(seed)")

            let tickets = try await store.tickets(organisation: organisation.id)
            #expect(tickets.count == expected.tickets.count, "seed \(seed)")
            for host in Self.hosts {
                let actual = tickets.first { $0.subject == Scenario.host(host) }
                let model = expected.tickets[host]
                #expect(actual?.state == model?.state, "\(host) state, seed \(seed)")
                #expect(actual?.reopenCount == model?.reopenCount, "\(host) reopens, seed \(seed)")
                #expect(actual?.clockStartedAt == model?.clockStarted, "\(host) clock, seed \(seed)")
            }
            let exceptions = try await store.exceptions(at: end).filter { $0.organisation.id == organisation.id }
                .sorted { $0.id < $1.id }
            #expect(exceptions.count == expected.exceptions.count, "seed \(seed)")
            for (record, model) in zip(exceptions, expected.exceptions) {
                #expect(record.state == (model.ended ? .expired : .approved), "seed \(seed)")
                #expect(record.expiresAt == model.expiry)
                #expect(record.events.contains { $0.kind == .reactivated } == model.reactivated, "seed \(seed)")
                #expect(record.events.first?.who == member.login && record.decidedBy == analyst.login)
            }
            if let model = expected.alert {
                let record = try #require(alert)
                let status = try #require(
                    try await store.alertStatuses(alert: record.id, at: end).first {
                        $0.organisation.id == organisation.id
                    })
                #expect(status.applicability == (model.matches.isEmpty ? .unaffectedSoFar : .affected), "seed \(seed)")
                #expect((status.state == .closed) == model.closed, "alert closed, seed \(seed)")
                #expect(status.openMatches == model.matches.values.filter { $0 }.count, "open matches, seed \(seed)")
                #expect(status.reopenCount == model.reopenCount, "alert reopens, seed \(seed)")
            }
        }
    }

    /// Expects the organisation's score on its page (the stored basis) to be the score of every ticket row it has
    /// but excepted ones — read here with SQL of the test's own, as the pages read them before scores were stored.
    static func expectStoredScore(
        _ store: SQLNationalStore, organisation: Int64, evidence: Date?, at now: Date, _ comment: Comment
    ) async throws {
        let rows = try await store.transaction { database in
            try await database.raw(
                """
                SELECT rule, severity, state, is_current, opened_at, fixed_at FROM tickets
                WHERE organisation_id = \(bind: organisation)
                """
            ).all()
        }
        var openByRule: [RuleID: Int] = [:]
        for row in rows where try row.decode(column: "is_current", as: Int64.self) == 1 {
            guard ["open", "unverified"].contains(try row.decode(column: "state", as: String.self)) else { continue }
            openByRule[RuleID(rawValue: try row.decode(column: "rule", as: String.self)), default: 0] += 1
        }
        let timings = try rows.compactMap { row -> OrganisationScore.Timing? in
            guard try row.decode(column: "state", as: String.self) != "excepted" else { return nil }
            return OrganisationScore.Timing(
                rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)),
                severity: try #require(Severity(rawValue: try row.decode(column: "severity", as: String.self))),
                openedAt: Date(
                    timeIntervalSince1970: TimeInterval(try row.decode(column: "opened_at", as: Int64.self))),
                fixedAt: try row.decode(column: "fixed_at", as: Int64?.self).map {
                    Date(timeIntervalSince1970: TimeInterval($0))
                })
        }
        let summary = try #require(try await store.summaries(scope: .organisation(organisation), at: now).first)
        #expect(summary.score == OrganisationScore(tickets: timings, lastEvidence: evidence, at: now), comment)
        #expect(summary.openByRule == openByRule, comment)
        try await expectLatestDay(store, organisation: organisation, tickets: rows, comment)
    }

    /// The organisation's latest daily row counts its current tickets as they stand: ingest moves the counts by its
    /// changes rather than counting again, so every path must leave them true.
    static func expectLatestDay(
        _ store: SQLNationalStore, organisation: Int64, tickets rows: [any SQLRow], _ comment: Comment
    ) async throws {
        var expected: [String: Int64] = [:]
        for row in rows where try row.decode(column: "is_current", as: Int64.self) == 1 {
            let severity = try row.decode(column: "severity", as: String.self)
            switch try row.decode(column: "state", as: String.self) {
            case "open": expected["open_\(severity)", default: 0] += 1
            case "unverified":
                expected["open_\(severity)", default: 0] += 1
                expected["unverified", default: 0] += 1
            case "fixed": expected["fixed", default: 0] += 1
            default: break
            }
        }
        let columns = ["open_critical", "open_high", "open_medium", "open_low", "open_info", "unverified", "fixed"]
        let latest = try await store.transaction { database in
            try await database.raw(
                """
                SELECT \(unsafeRaw: columns.joined(separator: ", ")) FROM org_daily
                WHERE organisation_id = \(bind: organisation) ORDER BY day DESC LIMIT 1
                """
            ).first()
        }
        guard let latest else {
            #expect(expected.isEmpty, comment)
            return
        }
        for column in columns {
            #expect(try latest.decode(column: column, as: Int64.self) == expected[column] ?? 0, "\(column): \(comment)")
        }
        // The tally of fixed tickets kept beside the score, moved by each submission, is the tally counted afresh.
        let (kept, counted) = try await store.transaction { database in
            let text = try await database.raw(
                "SELECT fixed_groups FROM org_scores WHERE organisation_id = \(bind: organisation)"
            ).first()?.decode(column: "fixed_groups", as: String?.self)
            return (
                try text.map(FixedTally.init(encoded:)),
                try await SQLNationalStore.fixedTally(organisation: organisation, on: database)
            )
        }
        #expect(kept == counted, comment)
    }

    @Test(
        "the generated histories exercise every path the test claims: exceptions that expire and reactivate, refused requests, an alert that closes or reopens"
    )
    func coverage() {
        var reactivated = 0
        var refused = 0
        var grantedCount = 0
        var alertChanged = 0
        for seed in UInt64(11)...16 {
            let steps = Self.history(seed: seed)
            var model = Model()
            for (index, step) in steps.enumerated() {
                model.play(step, index: index, at: Self.wallStart.addingTimeInterval(TimeInterval(index) * Self.week))
            }
            reactivated += model.exceptions.filter(\.reactivated).count
            refused += model.granted.values.filter { !$0 }.count
            grantedCount += model.granted.values.filter { $0 }.count
            if let alert = model.alert, alert.closed || alert.reopenCount > 0 || alert.matches.values.contains(false) {
                alertChanged += 1
            }
        }
        #expect(reactivated > 0 && refused > 0 && grantedCount > 0 && alertChanged > 0)
    }
}
