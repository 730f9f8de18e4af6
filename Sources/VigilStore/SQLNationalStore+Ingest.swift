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
                let changes = TicketPlanner.plan(submission, current: current.map(\.planned))
                let stored = Dictionary(current.map { ($0.planned.id, $0) }, uniquingKeysWith: { first, _ in first })
                let applied = try await Self.apply(
                    changes, of: submission, submission: id, organisation: organisation, stored: stored,
                    on: database)
                counts = applied.counts
                let live = Self.live(
                    after: changes, of: submission, submission: id, stored: stored, opened: applied.opened)
                try await Self.recordDay(
                    live, fixed: FixedChanges(changes, stored: stored, at: assessedAt), organisation: organisation,
                    day: Self.day(submission.assessedAt), lastEvidence: assessedAt, on: database)
                try await Self.evaluateAlerts(
                    organisation: organisation, evidence: AlertPlanner.Evidence(submission: id, at: assessedAt),
                    tickets: live.map(\.view), on: database)
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
        if !submission.areas.isEmpty {
            let rows = submission.areas.map { area -> SQLQueryString in
                "(\(bind: id), \(bind: area.area.rawValue), \(bind: area.status.rawValue))"
            }
            try await database.raw(
                "INSERT INTO submission_areas (submission_id, area, status) VALUES \(rows.joined(separator: ", "))"
            ).run()
        }
        if !submission.coverage.isEmpty {
            let rows = submission.coverage.map { group -> SQLQueryString in
                "(\(bind: id), \(bind: group.id), \(bind: Int64(group.complete ? 1 : 0)), \(bind: packed(group.subjects)))"
            }
            try await database.raw(
                """
                INSERT INTO coverage_sets (submission_id, group_id, complete, subjects)
                VALUES \(rows.joined(separator: ", "))
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

    /// Applies the planned changes, each with its event in the append-only history, and returns their counts and
    /// the new tickets' ids (in the order of the `.open` changes). Most of a weekly submission's findings were seen
    /// the week before with the severity and advisories `stored` holds (the current tickets by id), so all a sighting writes is the ticket's
    /// narrow sighting row (migration 10), and the changes are written in groups — every sighting by one UPDATE,
    /// every fix by one, every event by one multi-row INSERT — instead of a statement per ticket: applying a weekly
    /// submission of 200 findings, 24 of them new and 24 fixed, took 296 statements at first, 7 now
    /// (bench/service.sh).
    static func apply(
        _ changes: [TicketPlanner.Change], of submission: Submission, submission id: Int64, organisation: Int64,
        stored: [Int64: StoredTicket], on database: any SQLDatabase
    ) async throws -> (counts: Counts, opened: [Int64]) {
        let at = seconds(submission.assessedAt)
        var counts = Counts()
        var events: [(ticket: Int64, kind: TicketEvent.Kind)] = []
        var sighted: [Int64] = []
        var rewritten: [SeenGroup: [Int64]] = [:]
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
                let group = SeenGroup(severity: finding.severity.rawValue, advisories: advisories(finding))
                let unchanged = stored[ticket].map {
                    $0.severity == group.severity && $0.advisories == group.advisories
                }
                sighted.append(ticket)
                if confirmed || unchanged != true { rewritten[group, default: []].append(ticket) }
                if confirmed { events.append((ticket, .confirmed)) }
            case .reopen(let ticket, let position):
                try await database.raw(
                    """
                    UPDATE tickets SET state = 'open', fixed_at = NULL, reopen_count = reopen_count + 1,
                    severity = \(bind: submission.findings[position].severity.rawValue),
                    advisories = \(bind: advisories(submission.findings[position])) WHERE id = \(bind: ticket)
                    """
                ).run()
                sighted.append(ticket)
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
        let openedIDs = try await insertTickets(
            opened.map { submission.findings[$0] }, submission: id, at: at, organisation: organisation,
            on: database)
        events += openedIDs.map { ($0, .opened) }
        try await forEachBatch(of: sighted) { batch in
            try await database.raw(
                """
                UPDATE ticket_sightings SET last_seen_at = \(bind: at), last_submission = \(bind: id)
                WHERE ticket_id IN (\(batch))
                """
            ).run()
        }
        for (group, tickets) in rewritten {
            try await forEachBatch(of: tickets) { batch in
                try await database.raw(
                    """
                    UPDATE tickets SET state = CASE WHEN state = 'excepted' THEN state ELSE 'open' END,
                    severity = \(bind: group.severity), advisories = \(bind: group.advisories) WHERE id IN (\(batch))
                    """
                ).run()
            }
        }
        try await forEachBatch(of: fixed) { batch in
            try await database.raw(
                "UPDATE tickets SET state = 'fixed', fixed_at = \(bind: at) WHERE id IN (\(batch))"
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
        return (counts, openedIDs)
    }

    /// Inserts an open ticket for each of `findings` (new to the organisation, or recurring after their ticket's
    /// reopening window), ``batchSize`` rows to a statement, each with its sighting, and returns their ids in the
    /// order of `findings`. The ids come back with each row's rule and subject, which identify a current ticket, so
    /// the order rows are returned in does not matter. (The ticket's own last-seen columns get the opening values
    /// and are not read: ticket_sightings holds the sighting.)
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
            let sightings = try returned.map { row -> SQLQueryString in
                "(\(bind: try row.decode(column: "id", as: Int64.self)), \(bind: at), \(bind: id))"
            }
            try await database.raw(
                """
                INSERT INTO ticket_sightings (ticket_id, last_seen_at, last_submission)
                VALUES \(sightings.joined(separator: ", "))
                """
            ).run()
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
    /// stored score (``refreshScore(organisation:day:on:)``). Ingest, which holds the live tickets already, writes
    /// the same rows without counting them again (``recordDay(_:fixed:organisation:day:lastEvidence:on:)``).
    static func refreshDay(
        organisation: Int64, day: String, submission: Bool = true, on database: any SQLDatabase
    ) async throws {
        try await writeDay(
            try await dayCounts(organisation: organisation, on: database), organisation: organisation, day: day,
            submission: submission, on: database)
        try await refreshScore(organisation: organisation, day: day, on: database)
    }

    /// The organisation's current tickets counted as a daily row counts them.
    struct DayCounts: Sendable, Hashable {
        /// Open or unverified, by severity.
        var open: [Severity: Int64] = [:]
        var unverified: Int64 = 0
        var fixed: Int64 = 0

        mutating func add(state: Ticket.State?, severity: Severity, count: Int64 = 1) {
            switch state {
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
    }

    /// Counts the organisation's current tickets by severity and state, in the database.
    static func dayCounts(organisation: Int64, on database: any SQLDatabase) async throws -> DayCounts {
        var counts = DayCounts()
        for row in try await database.raw(
            """
            SELECT severity, state, COUNT(*) AS n FROM tickets
            WHERE organisation_id = \(bind: organisation) AND is_current = 1 GROUP BY severity, state
            """
        ).all() {
            counts.add(
                state: Ticket.State(rawValue: try row.decode(column: "state", as: String.self)),
                severity: Severity(rawValue: try row.decode(column: "severity", as: String.self)) ?? .info,
                count: try row.decode(column: "n", as: Int64.self))
        }
        return counts
    }

    /// Writes `counts` as the organisation's row for `day` (adding the submission to it unless `submission` is
    /// false) and every later row.
    static func writeDay(
        _ counts: DayCounts, organisation: Int64, day: String, submission: Bool, on database: any SQLDatabase
    ) async throws {
        let counted: Int64 = submission ? 1 : 0
        let open = counts.open
        try await database.raw(
            """
            INSERT INTO org_daily (organisation_id, day, open_critical, open_high, open_medium, open_low, open_info,
            unverified, fixed, submissions)
            VALUES (\(bind: organisation), \(bind: day), \(bind: open[.critical] ?? 0), \(bind: open[.high] ?? 0),
            \(bind: open[.medium] ?? 0), \(bind: open[.low] ?? 0), \(bind: open[.info] ?? 0), \(bind: counts.unverified),
            \(bind: counts.fixed), \(bind: counted))
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
            open_info = \(bind: open[.info] ?? 0), unverified = \(bind: counts.unverified), fixed = \(bind: counts.fixed)
            WHERE organisation_id = \(bind: organisation) AND day > \(bind: day)
            """
        ).run()
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
