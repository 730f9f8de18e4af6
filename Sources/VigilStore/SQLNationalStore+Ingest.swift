public import Foundation
import SQLKit
import VigilCore
public import VigilSubmission

extension SQLNationalStore {
    /// Records a submission and applies its ticket transitions in one transaction, in named stages: lock the
    /// organisation, answer a duplicate with its first receipt, record the submission and its coverage, plan the
    /// transitions (``TicketPlanner``), apply them with their events, refresh the day's aggregate, write the counts.
    /// The receipt is returned after commit, so an acknowledged submission is never lost and a failed one leaves
    /// nothing behind.
    public func ingest(_ submission: Submission, organisation: Int64, receivedAt: Date) async throws -> Receipt {
        let submission = submission.normalised
        let digest = try submission.digest()
        return try await transaction { database in
            try await self.lockOrganisation(organisation, on: database)
            if let receipt = try await Self.existingReceipt(organisation: organisation, digest: digest, on: database) {
                return receipt
            }
            // Exceptions past their expiry end first, so the evidence meets the tickets as they now stand.
            _ = try await Self.sweepExceptions(organisation: organisation, at: Self.seconds(receivedAt), on: database)
            // A submission older than one already applied is kept, but applied it would reopen what newer evidence
            // fixed: a late delivery changes no ticket.
            let newest = try await Self.latestEvidence(organisation: organisation, on: database)
            let assessedAt = Self.seconds(submission.assessedAt)
            let applies = newest.map { assessedAt >= $0 } ?? true
            let id = try await Self.record(
                submission, digest: digest, organisation: organisation, applies: applies, receivedAt: receivedAt,
                on: database)
            var counts = Counts()
            if applies {
                let current = try await Self.currentTickets(
                    organisation: organisation, for: submission, on: database)
                let changes = TicketPlanner.plan(submission, current: current)
                counts = try await Self.apply(
                    changes, of: submission, submission: id, organisation: organisation, on: database)
                try await Self.refreshDay(
                    organisation: organisation, day: Self.day(submission.assessedAt), on: database)
                try await Self.evaluateAlerts(
                    organisation: organisation, evidence: AlertPlanner.Evidence(submission: id, at: assessedAt),
                    on: database)
            }
            try await database.raw(
                """
                UPDATE submissions SET opened = \(bind: counts.opened), fixed = \(bind: counts.fixed),
                reopened = \(bind: counts.reopened), unverified = \(bind: counts.unverified) WHERE id = \(bind: id)
                """
            ).run()
            return Receipt(
                submission: id, digest: digest, duplicate: false, applied: applies, opened: counts.opened,
                fixed: counts.fixed, reopened: counts.reopened, unverified: counts.unverified,
                receivedAt: Date(timeIntervalSince1970: TimeInterval(Self.seconds(receivedAt))))
        }
    }

    /// Tickets changed by one submission, by kind of change.
    struct Counts: Sendable {
        var opened = 0
        var fixed = 0
        var reopened = 0
        var unverified = 0
    }

    /// On PostgreSQL, serialises submissions of one organisation across servers (SQLite's `BEGIN IMMEDIATE` already
    /// serialises every writer).
    func lockOrganisation(_ organisation: Int64, on database: any SQLDatabase) async throws {
        // FOR NO KEY UPDATE, not FOR UPDATE: it serialises writers of one organisation just the same, but leaves the
        // KEY SHARE locks of foreign-key checks free, so a transaction inserting a row that references the
        // organisation (a token) never waits on it while holding what the writer waits for — the conformance
        // suite's parallel tests found that deadlock (40P01) with FOR UPDATE. Since migration 8 an alert status
        // written counts its organisation's revision, which takes this row's lock: its writers lock it first.
        let lock = dialect == .postgres ? " FOR NO KEY UPDATE" : ""
        let row = try await database.raw(
            "SELECT id FROM organisations WHERE id = \(bind: organisation)\(unsafeRaw: lock)"
        ).first()
        guard row != nil else { throw StoreError(.unknownOrganisation, "no organisation has that id") }
    }

    static func existingReceipt(organisation: Int64, digest: String, on database: any SQLDatabase) async throws
        -> Receipt?
    {
        guard
            let row = try await database.raw(
                """
                SELECT id, received_at, applied, opened, fixed, reopened, unverified FROM submissions
                WHERE organisation_id = \(bind: organisation) AND digest = \(bind: digest)
                """
            ).first()
        else { return nil }
        return Receipt(
            submission: try row.decode(column: "id", as: Int64.self), digest: digest, duplicate: true,
            applied: try row.decode(column: "applied", as: Int64.self) == 1,
            opened: Int(try row.decode(column: "opened", as: Int64.self)),
            fixed: Int(try row.decode(column: "fixed", as: Int64.self)),
            reopened: Int(try row.decode(column: "reopened", as: Int64.self)),
            unverified: Int(try row.decode(column: "unverified", as: Int64.self)),
            receivedAt: Date(timeIntervalSince1970: TimeInterval(try row.decode(column: "received_at", as: Int64.self)))
        )
    }

    /// Inserts the submission, its areas and its coverage sets (each a sorted run of 16-byte keys).
    static func record(
        _ submission: Submission, digest: String, organisation: Int64, applies: Bool, receivedAt: Date,
        on database: any SQLDatabase
    ) async throws -> Int64 {
        guard
            let row = try await database.raw(
                """
                INSERT INTO submissions (organisation_id, digest, assessed_at, received_at, tool_version, findings,
                applied, opened, fixed, reopened, unverified)
                VALUES (\(bind: organisation), \(bind: digest), \(bind: seconds(submission.assessedAt)),
                \(bind: seconds(receivedAt)), \(bind: submission.tool.version), \(bind: Int64(submission.findings.count)),
                \(bind: Int64(applies ? 1 : 0)), 0, 0, 0, 0) RETURNING id
                """
            ).first()
        else { throw StoreError(.corrupt, "the new submission's id was not returned") }
        let id = try row.decode(column: "id", as: Int64.self)
        for area in submission.areas {
            try await database.raw(
                "INSERT INTO submission_areas (submission_id, area, status) VALUES (\(bind: id), \(bind: area.area.rawValue), \(bind: area.status.rawValue))"
            ).run()
        }
        for group in submission.coverage {
            try await database.raw(
                """
                INSERT INTO coverage_sets (submission_id, group_id, complete, subjects)
                VALUES (\(bind: id), \(bind: group.id), \(bind: Int64(group.complete ? 1 : 0)), \(bind: packed(group.subjects)))
                """
            ).run()
        }
        return id
    }

    /// Keys of 32 hex digits packed as 16 bytes each, in order.
    static func packed(_ keys: [String]) -> Data {
        var data = Data(capacity: keys.count * 16)
        for key in keys {
            let digits = Array(key.utf8)
            for index in stride(from: 0, to: digits.count - 1, by: 2) {
                let high = HexDigit.value(digits[index]) ?? 0
                let low = HexDigit.value(digits[index + 1]) ?? 0
                data.append(high << 4 | low)
            }
        }
        return data
    }

    /// The organisation's current tickets the planner needs for `submission` (``TicketPlanner/plan(_:current:)``):
    /// every one not fixed, and the fixed ones the submission has a finding for (to reopen or supersede). A fixed
    /// ticket without a finding stays as it is, so it is not read: a year of weekly history holds six fixed current
    /// tickets for every live one, and decoding them was most of an ingest's time in the server (bench/service.sh).
    static func currentTickets(organisation: Int64, for submission: Submission, on database: any SQLDatabase)
        async throws -> [TicketPlanner.Current]
    {
        let columns: SQLQueryString = "id, rule, subject, kind, area, state, fixed_at"
        let rules = Array(Set(submission.findings.map(\.rule.rawValue))).sorted().map {
            "\(bind: $0)" as SQLQueryString
        }
        var current = try await database.raw(
            """
            SELECT \(columns) FROM tickets
            WHERE organisation_id = \(bind: organisation) AND is_current = 1 AND state <> 'fixed'
            """
        ).all().map(Self.current(row:))
        let findings = Set(submission.findings.map { TicketKey(rule: $0.rule, subject: $0.subject) })
        let live = Set(current.map { TicketKey(rule: $0.rule, subject: $0.subject) })
        let subjects = Array(Set(findings.map(\.subject))).sorted()
        for start in stride(from: 0, to: subjects.count, by: batchSize) {
            let binds = subjects[start..<min(start + batchSize, subjects.count)].map { "\(bind: $0)" as SQLQueryString }
            current += try await database.raw(
                """
                SELECT \(columns) FROM tickets
                WHERE organisation_id = \(bind: organisation) AND is_current = 1 AND state = 'fixed'
                AND rule IN (\(rules.joined(separator: ", "))) AND subject IN (\(binds.joined(separator: ", ")))
                """
            ).all().map(Self.current(row:)).filter {
                let key = TicketKey(rule: $0.rule, subject: $0.subject)
                // A fixed twin of a live ticket (two current tickets of one key, which a finding repeated in one
                // submission made before the planner took it as one) stays out: the planner meets the live one.
                return findings.contains(key) && !live.contains(key)
            }
        }
        return current
    }

    /// A rule and a subject: what identifies a current ticket.
    struct TicketKey: Hashable {
        var rule: RuleID
        var subject: String
    }

    static func current(row: any SQLRow) throws -> TicketPlanner.Current {
        guard let kind = Subject.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
            let area = AssessmentArea(rawValue: try row.decode(column: "area", as: String.self)),
            let state = Ticket.State(rawValue: try row.decode(column: "state", as: String.self))
        else { throw StoreError(.corrupt, "a ticket has an unknown kind, area or state") }
        return TicketPlanner.Current(
            id: try row.decode(column: "id", as: Int64.self),
            rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)),
            subject: try row.decode(column: "subject", as: String.self), kind: kind, area: area, state: state,
            fixedAt: try row.decode(column: "fixed_at", as: Int64?.self).map {
                Date(timeIntervalSince1970: TimeInterval($0))
            })
    }

    /// Applies the planned changes, each with its event in the append-only history. Most of a weekly submission's
    /// findings were seen the week before, so the changes are written in groups — every ticket seen again with the
    /// same severity and advisories by one UPDATE, every fix by one, every event by one multi-row INSERT — instead of
    /// a statement per ticket: applying a weekly submission of 200 findings, 24 of them new and 24 fixed, took 296
    /// statements before, about 30 now (bench/service.sh).
    static func apply(
        _ changes: [TicketPlanner.Change], of submission: Submission, submission id: Int64, organisation: Int64,
        on database: any SQLDatabase
    ) async throws -> Counts {
        let at = seconds(submission.assessedAt)
        var counts = Counts()
        var events: [(ticket: Int64, kind: TicketEvent.Kind)] = []
        var seen: [SeenGroup: [Int64]] = [:]
        var fixed: [Int64] = []
        var unverified: [Int64] = []
        var opened: [Int] = []
        var superseded: [Int64] = []
        for change in changes {
            switch change {
            case .open(let position, let superseding):
                if let superseding { superseded.append(superseding) }
                opened.append(position)
                counts.opened += 1
            case .seen(let ticket, let position, let confirmed):
                let finding = submission.findings[position]
                seen[SeenGroup(severity: finding.severity.rawValue, advisories: advisories(finding)), default: []]
                    .append(ticket)
                if confirmed { events.append((ticket, .confirmed)) }
            case .reopen(let ticket, let position):
                try await database.raw(
                    """
                    UPDATE tickets SET state = 'open', fixed_at = NULL, reopen_count = reopen_count + 1,
                    severity = \(bind: submission.findings[position].severity.rawValue), last_seen_at = \(bind: at),
                    advisories = \(bind: advisories(submission.findings[position])), last_submission = \(bind: id)
                    WHERE id = \(bind: ticket)
                    """
                ).run()
                events.append((ticket, .reopened))
                counts.reopened += 1
            case .fix(let ticket):
                fixed.append(ticket)
                events.append((ticket, .fixed))
                counts.fixed += 1
            case .unverify(let ticket):
                unverified.append(ticket)
                events.append((ticket, .unverified))
                counts.unverified += 1
            }
        }
        try await forEachBatch(of: superseded) { batch in
            try await database.raw("UPDATE tickets SET is_current = 0 WHERE id IN (\(batch))").run()
        }
        events += try await insertTickets(
            opened.map { submission.findings[$0] }, submission: id, at: at, organisation: organisation,
            on: database
        ).map { ($0, .opened) }
        for (group, tickets) in seen {
            try await forEachBatch(of: tickets) { batch in
                try await database.raw(
                    """
                    UPDATE tickets SET state = CASE WHEN state = 'excepted' THEN state ELSE 'open' END,
                    severity = \(bind: group.severity), last_seen_at = \(bind: at),
                    advisories = \(bind: group.advisories), last_submission = \(bind: id) WHERE id IN (\(batch))
                    """
                ).run()
            }
        }
        try await forEachBatch(of: fixed) { batch in
            try await database.raw(
                """
                UPDATE tickets SET state = 'fixed', fixed_at = \(bind: at), last_submission = \(bind: id)
                WHERE id IN (\(batch))
                """
            ).run()
        }
        try await forEachBatch(of: unverified) { batch in
            try await database.raw("UPDATE tickets SET state = 'unverified' WHERE id IN (\(batch))").run()
        }
        for start in stride(from: 0, to: events.count, by: batchSize) {
            let rows = events[start..<min(start + batchSize, events.count)].map { event -> SQLQueryString in
                "(\(bind: event.ticket), \(bind: event.kind.rawValue), \(bind: at), \(bind: id))"
            }
            try await database.raw(
                "INSERT INTO ticket_events (ticket_id, kind, at, submission_id) VALUES \(rows.joined(separator: ", "))"
            ).run()
        }
        return counts
    }

    /// Inserts an open ticket for each of `findings` (new to the organisation, or recurring after their ticket's
    /// reopening window), ``batchSize`` rows to a statement, and returns their ids in the order of `findings`. The ids
    /// come back with each row's rule and subject, which identify a current ticket, so the order rows are returned
    /// in does not matter.
    static func insertTickets(
        _ findings: [Submission.SubmittedFinding], submission id: Int64, at: Int64, organisation: Int64,
        on database: any SQLDatabase
    ) async throws -> [Int64] {
        var ids: [TicketKey: Int64] = [:]
        for start in stride(from: 0, to: findings.count, by: batchSize) {
            let rows = findings[start..<min(start + batchSize, findings.count)].map { finding -> SQLQueryString in
                """
                (\(bind: organisation), \(bind: finding.rule.rawValue), \(bind: finding.subject),
                \(bind: finding.kind.rawValue), \(bind: finding.area.rawValue), \(bind: finding.severity.rawValue),
                'open', 1, \(bind: at), \(bind: at), NULL, 0, \(bind: id), \(bind: id), \(bind: advisories(finding)))
                """
            }
            let returned = try await database.raw(
                """
                INSERT INTO tickets (organisation_id, rule, subject, kind, area, severity, state, is_current,
                opened_at, last_seen_at, fixed_at, reopen_count, opened_submission, last_submission, advisories)
                VALUES \(rows.joined(separator: ", ")) RETURNING id, rule, subject
                """
            ).all()
            guard returned.count == rows.count else {
                throw StoreError(.corrupt, "the new tickets' ids were not all returned")
            }
            for row in returned {
                let key = TicketKey(
                    rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)),
                    subject: try row.decode(column: "subject", as: String.self))
                ids[key] = try row.decode(column: "id", as: Int64.self)
            }
        }
        return try findings.map { finding in
            guard let ticket = ids[TicketKey(rule: finding.rule, subject: finding.subject)] else {
                throw StoreError(.corrupt, "a new ticket's id was not returned")
            }
            return ticket
        }
    }

    /// Tickets seen again that one UPDATE can set alike.
    struct SeenGroup: Hashable {
        var severity: String
        var advisories: String
    }

    /// Ids (or rows) per statement: well under both databases' limits on bound values.
    static var batchSize: Int { 500 }

    /// Runs `body` with `ids` as a comma-separated list of bound values, ``batchSize`` at a time.
    static func forEachBatch(of ids: [Int64], _ body: (SQLQueryString) async throws -> Void) async throws {
        for start in stride(from: 0, to: ids.count, by: batchSize) {
            let binds = ids[start..<min(start + batchSize, ids.count)].map { id -> SQLQueryString in "\(bind: id)" }
            try await body(binds.joined(separator: ", "))
        }
    }

    /// The CVEs and update id the finding names, sorted and comma-joined: what alerts match on
    /// (``AlertPlanner/advisories(facts:)``), kept on the ticket because the submission itself is not stored.
    static func advisories(_ finding: Submission.SubmittedFinding) -> String {
        AlertPlanner.advisories(facts: finding.facts).sorted().joined(separator: ",")
    }

    /// Rewrites the organisation's aggregate for `day` from its current tickets, counting the submission unless
    /// `submission` is false (an exception approved or expired changes the counts without new evidence), and its
    /// stored score (``refreshScore(organisation:day:on:)``).
    static func refreshDay(
        organisation: Int64, day: String, submission: Bool = true, on database: any SQLDatabase
    ) async throws {
        let counted: Int64 = submission ? 1 : 0
        let rows = try await database.raw(
            """
            SELECT severity, state, COUNT(*) AS n FROM tickets
            WHERE organisation_id = \(bind: organisation) AND is_current = 1 GROUP BY severity, state
            """
        ).all()
        var open: [Severity: Int64] = [:]
        var unverified: Int64 = 0
        var fixed: Int64 = 0
        for row in rows {
            let count = try row.decode(column: "n", as: Int64.self)
            let state = try row.decode(column: "state", as: String.self)
            let severity = Severity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .info
            switch Ticket.State(rawValue: state) {
            case .open?:
                open[severity, default: 0] += count
            case .unverified?:
                open[severity, default: 0] += count
                unverified += count
            case .fixed?:
                fixed += count
            case .excepted?, nil:
                break
            }
        }
        try await database.raw(
            """
            INSERT INTO org_daily (organisation_id, day, open_critical, open_high, open_medium, open_low, open_info,
            unverified, fixed, submissions)
            VALUES (\(bind: organisation), \(bind: day), \(bind: open[.critical] ?? 0), \(bind: open[.high] ?? 0),
            \(bind: open[.medium] ?? 0), \(bind: open[.low] ?? 0), \(bind: open[.info] ?? 0), \(bind: unverified),
            \(bind: fixed), \(bind: counted))
            ON CONFLICT (organisation_id, day) DO UPDATE SET open_critical = excluded.open_critical,
            open_high = excluded.open_high, open_medium = excluded.open_medium, open_low = excluded.open_low,
            open_info = excluded.open_info, unverified = excluded.unverified, fixed = excluded.fixed,
            submissions = org_daily.submissions + excluded.submissions
            """
        ).run()
        // Rows of later days (an exception decided after this evidence's date, received before it) describe days
        // this evidence was already true on: they take the tickets as they now stand too.
        try await database.raw(
            """
            UPDATE org_daily SET open_critical = \(bind: open[.critical] ?? 0), open_high = \(bind: open[.high] ?? 0),
            open_medium = \(bind: open[.medium] ?? 0), open_low = \(bind: open[.low] ?? 0),
            open_info = \(bind: open[.info] ?? 0), unverified = \(bind: unverified), fixed = \(bind: fixed)
            WHERE organisation_id = \(bind: organisation) AND day > \(bind: day)
            """
        ).run()
        try await refreshScore(organisation: organisation, day: day, on: database)
    }

    /// Whole seconds since 1970, as the store keeps dates.
    static func seconds(_ date: Date) -> Int64 {
        let value = date.timeIntervalSince1970.rounded(.down)
        guard value.isFinite, abs(value) < 1e15 else { return 0 }
        return Int64(value)
    }

    /// The UTC day of `date`, `YYYY-MM-DD`.
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
