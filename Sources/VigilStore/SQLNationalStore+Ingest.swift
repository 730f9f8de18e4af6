public import Foundation
import SQLKit
import VigilCore
public import VigilSubmission

extension SQLNationalStore {
    /// Records a submission and applies its ticket transitions in one transaction, in named stages: lock the
    /// organisation and read what the rest depends on (``opening(organisation:digest:at:on:)``), answer a duplicate
    /// with its first receipt, plan the transitions (``TicketPlanner``), record the submission with their counts and
    /// its coverage, apply them with their events, refresh the day's aggregate and the alerts, and append the audit
    /// entry when `origin` names the sender — the writes nothing after them reads sent together at the end
    /// (``DeferredWrites``). The receipt is returned after commit, so an acknowledged submission is
    /// never lost and a failed one leaves nothing behind, its audit entry included.
    public func ingest(_ submission: Submission, organisation: Int64, receivedAt: Date) async throws -> Receipt {
        try await ingest(submission, organisation: organisation, receivedAt: receivedAt, origin: nil)
    }

    /// ``ingest(_:organisation:receivedAt:)`` audited as sent by the organisation's token from `origin` (the
    /// client's address), in the same transaction, unless the document was received before.
    public func ingest(
        _ submission: Submission, organisation: Int64, receivedAt: Date, origin: String?
    ) async throws -> Receipt {
        let submission = submission.normalised
        return try await ingest(
            normalised: submission, organisation: organisation, receivedAt: receivedAt, origin: origin,
            ahead: await planAhead(submission, organisation: organisation))
    }

    /// ``ingest(_:organisation:receivedAt:origin:)`` of a submission already normalised, with the ticket plan made
    /// ahead of the transaction if any (``planAhead(_:organisation:)``), used only if it still holds.
    func ingest(
        normalised submission: Submission, organisation: Int64, receivedAt: Date, origin: String?,
        ahead: TicketPlan?
    ) async throws -> Receipt {
        let digest = try submission.digest()
        let (receipt, read) = try await transaction { database -> (Receipt, AlertCache.Entry?) in
            let opening = try await self.opening(
                organisation: organisation, digest: digest, at: Self.seconds(receivedAt), on: database)
            if let receipt = opening.receipt { return (receipt, nil) }
            try Self.checkKey(submission.keyFingerprint, of: opening)
            // Exceptions past their expiry end first, so the evidence meets the tickets as they now stand.
            if opening.dueExceptions > 0 {
                _ = try await Self.sweepExceptions(
                    organisation: organisation, at: Self.seconds(receivedAt), on: database)
            }
            // A submission older than one already applied is kept, but applied it would reopen what newer evidence
            // fixed: a late delivery changes no ticket.
            let assessedAt = Self.seconds(submission.assessedAt)
            let applies = opening.latestEvidence.map { assessedAt >= $0 } ?? true
            var plan: TicketPlan?
            if applies {
                if let ahead, ahead.holds(at: opening) {
                    plan = ahead
                } else {
                    plan = try await Self.planTickets(
                        submission, organisation: organisation, retiredThrough: opening.retiredTickets, on: database)
                }
            }
            let counts = Counts(plan?.changes ?? [])
            let (id, opened) = try await Self.recordAndApply(
                submission, digest: digest, organisation: organisation, applies: applies, counts: counts,
                receivedAt: receivedAt, plan: plan, on: database)
            // Recorded by evidence that applies: a late document under a stray key does not become the organisation's.
            if applies, opening.keyFingerprint == nil, let fingerprint = submission.keyFingerprint {
                try await database.raw(
                    "UPDATE organisations SET key_fingerprint = \(bind: fingerprint) WHERE id = \(bind: organisation)"
                ).run()
            }
            var writes = DeferredWrites()
            var read: AlertCache.Entry?
            if let plan {
                let (changes, stored) = (plan.changes, plan.stored)
                let live = Self.live(after: changes, of: submission, submission: id, stored: stored, opened: opened)
                // What the opening read of the day's rows still holds unless expired exceptions were swept.
                try await Self.recordDay(
                    live, fixed: FixedChanges(changes, stored: stored, at: assessedAt), organisation: organisation,
                    day: Self.day(submission.assessedAt), lastEvidence: assessedAt,
                    kept: opening.dueExceptions > 0 ? nil : opening.kept, deferring: &writes, on: database)
                let alerts = try await self.alerts(at: opening.alerts, on: database)
                read = alerts.read
                try await Self.evaluateAlerts(
                    alerts.all, organisation: organisation,
                    evidence: AlertPlanner.Evidence(submission: id, at: assessedAt), tickets: live.map(\.view),
                    deferring: &writes, on: database)
            }
            let receipt = Receipt(
                submission: id, digest: digest, duplicate: false, applied: applies, opened: counts.opened,
                fixed: counts.fixed, reopened: counts.reopened, unverified: counts.unverified,
                receivedAt: Date(timeIntervalSince1970: TimeInterval(Self.seconds(receivedAt))))
            if let origin {
                writes.add(
                    Self.auditStatement(
                        AuditEntry(
                            .submit, actor: "token", organisation: organisation,
                            origin: Origin(address: origin, at: receipt.receivedAt), detail: "submission \(id)")))
            }
            // The day's row, the stored score, the alert matches and the audit entry: one statement on PostgreSQL.
            try await writes.run(on: database)
            return (receipt, read)
        }
        // Kept only now the transaction has committed: an alert read in it but rolled back is never kept.
        if let read { alertCache.keep(read) }
        return receipt
    }

    /// Every alert as of `version`: the set this process keeps if it is that one, else read, with the set read to
    /// keep once the transaction has committed (``AlertCache``).
    func alerts(at version: AlertCache.Version, on database: any SQLDatabase) async throws
        -> (all: [AlertRecord], read: AlertCache.Entry?)
    {
        if let kept = alertCache.alerts(at: version) { return (kept, nil) }
        let alerts = try await Self.alerts(id: nil, on: database)
        return (alerts, AlertCache.Entry(alerts))
    }

    /// What an ingest reads before anything else, in one statement once the organisation is locked: the receipt of
    /// a document already received (by digest), the time of the newest evidence applied, how many of its
    /// exceptions are past their expiry, what it keeps counted (``KeptCounts``) and which alerts there are
    /// (``AlertCache``). (Five statements were a sixth of an ingest's round trips.)
    struct Opening: Sendable {
        /// The organisation's ``revision``, which every change to what ingest reads moves (migration 8).
        var revision: Int64
        var receipt: Receipt?
        var latestEvidence: Int64?
        var dueExceptions: Int64
        var kept: KeptCounts
        /// Which set of alerts there is (``AlertCache``).
        var alerts: AlertCache.Version
        /// The fingerprint of the organisation's pseudonymisation key, once a submission has carried one.
        var keyFingerprint: String?
        /// The newest ticket of a retired key (0: none), which no submission fixes (``TicketPlanner``).
        var retiredTickets: Int64
    }

    /// What an organisation keeps counted that a submission moves rather than counts again: its latest daily row
    /// (day and fixed count) and the tally of its fixed tickets beside its stored score.
    struct KeptCounts: Sendable {
        var latestDay: String?
        var latestFixed: Int64?
        var fixedGroups: String?

        /// The columns that read them from `organisations o` joined by ``join(organisation:)``.
        static let columns: SQLQueryString = """
            d.day AS latest_day, d.fixed AS latest_fixed,
            (SELECT fixed_groups FROM org_scores WHERE organisation_id = o.id) AS fixed_groups
            """

        /// The organisation's latest daily row, as `d`.
        static func join(organisation: Int64) -> SQLQueryString {
            """
            LEFT JOIN (SELECT organisation_id, day, fixed FROM org_daily WHERE organisation_id = \(bind: organisation)
            ORDER BY day DESC LIMIT 1) d ON d.organisation_id = o.id
            """
        }

        /// The counts of a row read with ``columns``; none without a row.
        init(row: (any SQLRow)?) throws {
            latestDay = try row?.decode(column: "latest_day", as: String?.self)
            latestFixed = try row?.decode(column: "latest_fixed", as: Int64?.self)
            fixedGroups = try row?.decode(column: "fixed_groups", as: String?.self)
        }
    }

    /// Locks the organisation (``lockOrganisation(_:on:)``) and reads its ``Opening``. On PostgreSQL the lock is a
    /// statement of its own: a statement that waited for the lock reads the rows it joins as they were when it
    /// began, so a concurrent submission of the same document, committed while it waited, would not be found (the
    /// suite's concurrent submissions caught exactly that); the next statement sees every commit before it. On
    /// SQLite `BEGIN IMMEDIATE` has already serialised the writers, and the read finds the organisation or not.
    func opening(organisation: Int64, digest: String, at now: Int64, on database: any SQLDatabase)
        async throws -> Opening
    {
        if dialect == .postgres { try await lockOrganisation(organisation, on: database) }
        guard
            let row = try await database.raw(
                """
                SELECT o.id, o.revision, o.key_fingerprint, o.retired_key_tickets, (SELECT MAX(assessed_at) FROM submissions WHERE organisation_id = o.id AND applied = 1)
                AS latest, (SELECT COUNT(*) FROM exceptions WHERE organisation_id = o.id
                AND state IN ('requested', 'approved') AND expires_at <= \(bind: now)) AS due,
                s.id AS receipt, s.received_at, s.applied, s.opened, s.fixed, s.reopened, s.unverified,
                (SELECT COUNT(*) FROM alerts) AS alert_count, (SELECT MAX(id) FROM alerts) AS latest_alert,
                \(KeptCounts.columns)
                FROM organisations o \(KeptCounts.join(organisation: organisation))
                LEFT JOIN submissions s ON s.organisation_id = o.id AND s.digest = \(bind: digest)
                WHERE o.id = \(bind: organisation)
                """
            ).first()
        else { throw StoreError(.unknownOrganisation, "no organisation has that id") }
        var receipt: Receipt?
        if let id = try row.decode(column: "receipt", as: Int64?.self) {
            receipt = Receipt(
                submission: id, digest: digest, duplicate: true,
                applied: try row.decode(column: "applied", as: Int64.self) == 1,
                opened: Int(try row.decode(column: "opened", as: Int64.self)),
                fixed: Int(try row.decode(column: "fixed", as: Int64.self)),
                reopened: Int(try row.decode(column: "reopened", as: Int64.self)),
                unverified: Int(try row.decode(column: "unverified", as: Int64.self)),
                receivedAt: Date(
                    timeIntervalSince1970: TimeInterval(try row.decode(column: "received_at", as: Int64.self))))
        }
        return Opening(
            revision: try row.decode(column: "revision", as: Int64.self), receipt: receipt,
            latestEvidence: try row.decode(column: "latest", as: Int64?.self),
            dueExceptions: try row.decode(column: "due", as: Int64.self),
            kept: try KeptCounts(row: row),
            alerts: AlertCache.Version(
                count: try row.decode(column: "alert_count", as: Int64.self),
                latest: try row.decode(column: "latest_alert", as: Int64?.self)),
            keyFingerprint: try row.decode(column: "key_fingerprint", as: String?.self),
            retiredTickets: try row.decode(column: "retired_key_tickets", as: Int64.self))
    }

    /// Refuses a submission keyed by another pseudonymisation key than the one `opening`'s organisation recorded: its
    /// subjects would match none of the organisation's tickets, opening each again under a new key and leaving the
    /// old ones to be fixed by any coverage of a whole kind. A submission without a fingerprint (before schema 1.2)
    /// cannot be checked: taken as before until the organisation has a key recorded, refused after.
    static func checkKey(_ fingerprint: String?, of opening: Opening) throws {
        guard let recorded = opening.keyFingerprint else { return }
        guard let fingerprint else {
            // An older client's document once the organisation's key is known: unchecked, a second machine's other
            // key could fix the organisation's tickets of a kind it covers whole.
            throw StoreError(
                .keyChanged,
                "the organisation's submissions carry their pseudonymisation key's fingerprint (\(recorded)) and "
                    + "this one has none: upgrade vigil to one that sends submission schema 1.2, then submit again")
        }
        guard fingerprint != recorded else { return }
        throw StoreError(
            .keyChanged,
            "the submission's pseudonymisation key (fingerprint \(fingerprint)) is not the organisation's "
                + "(\(recorded)): submit with the key file its earlier submissions used, or ask the national team "
                + "to accept a key replaced on purpose")
    }

    /// Tickets changed by one submission, by kind of change.
    struct Counts: Sendable {
        var opened = 0
        var fixed = 0
        var reopened = 0
        var unverified = 0

        /// The counts of `changes`, known before they are applied, so the submission's row is written once.
        init(_ changes: [TicketPlanner.Change]) {
            for change in changes {
                switch change {
                case .open: opened += 1
                case .fix: fixed += 1
                case .reopen: reopened += 1
                case .unverify: unverified += 1
                case .seen: break
                }
            }
        }
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

    /// Applies the planned changes, each with its event in the append-only history, and returns the new tickets'
    /// ids (in the order of the `.open` changes). Most of a weekly submission's findings were seen the week before
    /// with the severity and advisories `stored` holds (the current tickets by id), so all a sighting writes is the
    /// ticket's narrow sighting row (migration 10), and the changes are written in sets (``TicketWrites``) — every
    /// sighting by one UPDATE, every fix by one, every event by one multi-row INSERT — instead of a statement per
    /// ticket: applying a weekly submission of 200 findings, 24 of them new and 24 fixed, took 296 statements at
    /// first, 7 on SQLite now; on PostgreSQL they are part of the submission's own statement
    /// (``recordAndApply(_:digest:organisation:applies:counts:receivedAt:plan:on:)``) unless a ticket is updated twice.
    static func apply(
        _ writes: TicketWrites, of submission: Submission, submission id: Int64, organisation: Int64,
        on database: any SQLDatabase
    ) async throws -> [Int64] {
        let at = seconds(submission.assessedAt)
        for reopened in writes.reopened {
            try await database.raw(
                """
                UPDATE tickets SET state = 'open', fixed_at = NULL, reopen_count = reopen_count + 1,
                severity = \(bind: reopened.severity), advisories = \(bind: reopened.advisories)
                WHERE id = \(bind: reopened.ticket)
                """
            ).run()
        }
        try await forEachBatch(of: writes.superseded, on: database) { among in
            try await database.raw("UPDATE tickets SET is_current = 0 WHERE id \(among)").run()
        }
        let openedIDs = try await insertTickets(
            writes.opened.map { submission.findings[$0] }, submission: id, at: at, organisation: organisation,
            on: database)
        try await forEachBatch(of: writes.sighted, on: database) { among in
            try await database.raw(
                """
                UPDATE ticket_sightings SET last_seen_at = \(bind: at), last_submission = \(bind: id)
                WHERE ticket_id \(among)
                """
            ).run()
        }
        let groups = Dictionary(grouping: writes.rewritten) {
            SeenGroup(severity: $0.severity, advisories: $0.advisories)
        }
        for (group, rewrites) in groups {
            try await forEachBatch(of: rewrites.map(\.ticket), on: database) { among in
                try await database.raw(
                    """
                    UPDATE tickets SET state = CASE WHEN state = 'excepted' THEN state ELSE 'open' END,
                    severity = \(bind: group.severity), advisories = \(bind: group.advisories) WHERE id \(among)
                    """
                ).run()
            }
        }
        try await forEachBatch(of: writes.fixed, on: database) { among in
            try await database.raw(
                "UPDATE tickets SET state = 'fixed', fixed_at = \(bind: at) WHERE id \(among)"
            ).run()
        }
        try await forEachBatch(of: writes.unverified, on: database) { among in
            try await database.raw("UPDATE tickets SET state = 'unverified' WHERE id \(among)").run()
        }
        let events: [(ticket: Int64, kind: TicketEvent.Kind)] = writes.events + openedIDs.map { ($0, .opened) }
        try await insertEvents(events, at: at, submission: id, on: database)
        return openedIDs
    }

    /// Appends one event per ticket, all at `at` on the evidence of `submission`: on PostgreSQL as two array
    /// parameters unnested (``forEachBatch(of:on:_:)`` says why), on SQLite as rows of bound values.
    static func insertEvents(
        _ events: [(ticket: Int64, kind: TicketEvent.Kind)], at: Int64, submission id: Int64,
        on database: any SQLDatabase
    ) async throws {
        guard !events.isEmpty else { return }
        if isPostgres(database) {
            try await database.raw(
                """
                INSERT INTO ticket_events (ticket_id, kind, at, submission_id)
                SELECT ticket, kind, \(bind: at), \(bind: id)
                FROM unnest(\(bind: events.map(\.ticket)), \(bind: events.map(\.kind.rawValue))) AS e (ticket, kind)
                """
            ).run()
            return
        }
        for start in stride(from: 0, to: events.count, by: batchSize) {
            let rows = events[start..<min(start + batchSize, events.count)].map { event -> SQLQueryString in
                "(\(bind: event.ticket), \(bind: event.kind.rawValue), \(bind: at), \(bind: id))"
            }
            try await database.raw(
                "INSERT INTO ticket_events (ticket_id, kind, at, submission_id) VALUES \(rows.joined(separator: ", "))"
            ).run()
        }
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
        var rows: [any SQLRow] = []
        let postgres = isPostgres(database)
        for start in stride(from: 0, to: findings.count, by: batchSize) {
            let batch = findings[start..<min(start + batchSize, findings.count)]
            let columns: SQLQueryString = """
                INSERT INTO tickets (organisation_id, rule, subject, kind, area, severity, state, is_current,
                opened_at, last_seen_at, fixed_at, reopen_count, opened_submission, last_submission, advisories)
                """
            let returned: [any SQLRow]
            if postgres {
                // The values that differ by ticket as six array parameters, unnested: one statement text.
                returned = try await database.raw(
                    """
                    \(columns) SELECT \(bind: organisation), rule, subject, kind, area, severity, 'open', 1, \(bind: at),
                    \(bind: at), CAST(NULL AS BIGINT), 0, \(bind: id), \(bind: id), advisories
                    FROM unnest(\(bind: batch.map(\.rule.rawValue)), \(bind: batch.map(\.subject)),
                    \(bind: batch.map(\.kind.rawValue)), \(bind: batch.map(\.area.rawValue)),
                    \(bind: batch.map(\.severity.rawValue)), \(bind: batch.map(advisories)))
                    AS f (rule, subject, kind, area, severity, advisories)
                    RETURNING id, rule, subject
                    """
                ).all()
            } else {
                let rows = batch.map { finding -> SQLQueryString in
                    """
                    (\(bind: organisation), \(bind: finding.rule.rawValue), \(bind: finding.subject),
                    \(bind: finding.kind.rawValue), \(bind: finding.area.rawValue), \(bind: finding.severity.rawValue),
                    'open', 1, \(bind: at), \(bind: at), NULL, 0, \(bind: id), \(bind: id), \(bind: advisories(finding)))
                    """
                }
                returned = try await database.raw(
                    "\(columns) VALUES \(rows.joined(separator: ", ")) RETURNING id, rule, subject"
                ).all()
            }
            guard returned.count == batch.count else {
                throw StoreError(.corrupt, "the new tickets' ids were not all returned")
            }
            let opened = try returned.map { try $0.decode(column: "id", as: Int64.self) }
            if postgres {
                try await database.raw(
                    """
                    INSERT INTO ticket_sightings (ticket_id, last_seen_at, last_submission)
                    SELECT unnest(\(bind: opened)), \(bind: at), \(bind: id)
                    """
                ).run()
            } else {
                let sightings = opened.map { ticket -> SQLQueryString in "(\(bind: ticket), \(bind: at), \(bind: id))" }
                try await database.raw(
                    """
                    INSERT INTO ticket_sightings (ticket_id, last_seen_at, last_submission)
                    VALUES \(sightings.joined(separator: ", "))
                    """
                ).run()
            }
            rows += returned
        }
        return try newTicketIDs(rows, for: findings)
    }

    /// Tickets seen again that one UPDATE can set alike.
    struct SeenGroup: Hashable {
        var severity: String
        var advisories: String
    }

    /// Ids (or rows) per statement: well under both databases' limits on bound values.
    static var batchSize: Int { 500 }

    /// Runs `body` with a condition that a column is one of `ids`, to follow the column's name: on PostgreSQL
    /// `= ANY($1)` with the ids as one array parameter, on SQLite `IN (…)` with ``batchSize`` bound values at a time.
    /// One array is one parameter to encode, parse and plan, where a list was one per id (176 sightings a weekly
    /// submission): the statement's text is the same whatever the number of ids.
    static func forEachBatch(
        of ids: [Int64], on database: any SQLDatabase, _ body: (SQLQueryString) async throws -> Void
    ) async throws {
        guard !ids.isEmpty else { return }
        if isPostgres(database) {
            try await body("= ANY(\(bind: ids))")
            return
        }
        for start in stride(from: 0, to: ids.count, by: batchSize) {
            let binds = ids[start..<min(start + batchSize, ids.count)].map { id -> SQLQueryString in "\(bind: id)" }
            try await body("IN (\(binds.joined(separator: ", ")))")
        }
    }

    /// Whether `database` speaks PostgreSQL, for the few statements written differently there.
    static func isPostgres(_ database: any SQLDatabase) -> Bool {
        database.dialect.name == "postgresql"
    }

    /// The CVEs and update id the finding names, sorted and comma-joined: what alerts match on
    /// (``AlertPlanner/advisories(facts:)``), kept on the ticket because the submission itself is not stored.
    static func advisories(_ finding: Submission.SubmittedFinding) -> String {
        AlertPlanner.advisories(facts: finding.facts).sorted().joined(separator: ",")
    }

    /// Rewrites the organisation's aggregate for `day` from its current tickets, counting the submission unless
    /// `submission` is false (an exception approved or expired changes the counts without new evidence), and its
    /// stored score (``refreshScore(organisation:day:on:)``). Ingest, which holds the live tickets already, writes
    /// the same rows without counting them again (``recordDay(_:fixed:organisation:day:lastEvidence:kept:deferring:on:)``).
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
    /// false) and every later row, with `score`'s basis and last evidence when given (one statement fewer than
    /// writing them after: ``writeScore(_:fixed:organisation:day:on:)``).
    static func writeDay(
        _ counts: DayCounts, organisation: Int64, day: String, submission: Bool, laterDays: Bool = true,
        score: StoredScore? = nil, on database: any SQLDatabase
    ) async throws {
        for statement in dayStatements(
            counts, organisation: organisation, day: day, submission: submission, laterDays: laterDays, score: score)
        {
            try await database.raw(statement).run()
        }
    }

    /// The statements of ``writeDay(_:organisation:day:submission:laterDays:score:on:)``: the day's row written, and
    /// when `laterDays` the rows of later days.
    static func dayStatements(
        _ counts: DayCounts, organisation: Int64, day: String, submission: Bool, laterDays: Bool = true,
        score: StoredScore? = nil
    ) -> [SQLQueryString] {
        let counted: Int64 = submission ? 1 : 0
        let open = counts.open
        let basis = score.map { $0.basis.encoded }
        // Without a score the row's basis is left as it is (or NULL on a new row, until the caller writes it).
        let scored: SQLQueryString =
            score == nil ? "" : ", score_basis = excluded.score_basis, last_evidence = excluded.last_evidence"
        let row: SQLQueryString = """
            INSERT INTO org_daily (organisation_id, day, open_critical, open_high, open_medium, open_low, open_info,
            unverified, fixed, submissions, score_basis, last_evidence)
            VALUES (\(bind: organisation), \(bind: day), \(bind: open[.critical] ?? 0), \(bind: open[.high] ?? 0),
            \(bind: open[.medium] ?? 0), \(bind: open[.low] ?? 0), \(bind: open[.info] ?? 0), \(bind: counts.unverified),
            \(bind: counts.fixed), \(bind: counted), \(bind: basis), \(bind: score?.lastEvidence))
            ON CONFLICT (organisation_id, day) DO UPDATE SET open_critical = excluded.open_critical,
            open_high = excluded.open_high, open_medium = excluded.open_medium, open_low = excluded.open_low,
            open_info = excluded.open_info, unverified = excluded.unverified, fixed = excluded.fixed,
            submissions = org_daily.submissions + excluded.submissions\(scored)
            """
        // Rows of later days (an exception decided after this evidence's date, received before it) describe days
        // this evidence was already true on: they take the tickets as they now stand too. (`laterDays` is false
        // when the caller knows there are none.) Strictly later: never the row written above, so the two can be one
        // statement (``DeferredWrites``).
        guard laterDays else { return [row] }
        let scoredLater: SQLQueryString =
            score == nil ? "" : ", score_basis = \(bind: basis), last_evidence = \(bind: score?.lastEvidence)"
        return [
            row,
            """
            UPDATE org_daily SET open_critical = \(bind: open[.critical] ?? 0), open_high = \(bind: open[.high] ?? 0),
            open_medium = \(bind: open[.medium] ?? 0), open_low = \(bind: open[.low] ?? 0),
            open_info = \(bind: open[.info] ?? 0), unverified = \(bind: counts.unverified), fixed = \(bind: counts.fixed)
            \(scoredLater)
            WHERE organisation_id = \(bind: organisation) AND day > \(bind: day)
            """,
        ]
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
