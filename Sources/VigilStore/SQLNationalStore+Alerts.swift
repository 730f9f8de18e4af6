public import Foundation
import SQLKit
import VigilCore

extension SQLNationalStore {
    /// Records the alert, gives every organisation its status, and matches every organisation's current tickets at
    /// once, so an alert issued after the evidence arrived applies without waiting for the next submission.
    public func issueAlert(_ alert: NewAlert) async throws -> AlertRecord {
        let alert = try Self.validated(alert)
        return try await transaction { database in
            if self.dialect == .postgres {
                // Every organisation's row, in id order, as each submission takes its own: an alert is matched
                // against committed tickets with no submission half-applied beside it. No deadlock: a submission
                // holds only its organisation's row, and the lock leaves foreign-key checks free (see
                // lockOrganisation).
                try await database.raw("SELECT id FROM organisations ORDER BY id FOR NO KEY UPDATE").run()
            }
            guard
                let row = try await database.raw(
                    """
                    INSERT INTO alerts (title, severity, issued_at, acknowledge_due, remediate_due, remediation_days,
                    known_exploited)
                    VALUES (\(bind: alert.title), \(bind: alert.severity.rawValue), \(bind: Self.seconds(alert.issuedAt)),
                    \(bind: Self.seconds(alert.acknowledgeBy)), \(bind: Self.seconds(Self.nominalDue(alert))),
                    \(bind: alert.remediateBy == nil ? alert.remediationDays.map(Int64.init) : nil),
                    \(bind: Int64(alert.knownExploited ? 1 : 0))) RETURNING id
                    """
                ).first()
            else { throw StoreError(.corrupt, "the new alert's id was not returned") }
            let id = try row.decode(column: "id", as: Int64.self)
            let links =
                alert.rules.map { ("rule", $0.rawValue) } + alert.cves.map { ("cve", $0) }
                + alert.advisories.map { ("advisory", $0) }
            for (kind, value) in links {
                try await database.raw(
                    "INSERT INTO alert_links (alert_id, kind, value) VALUES (\(bind: id), \(bind: kind), \(bind: value))"
                ).run()
            }
            try await Self.ensureStatuses(alert: id, dialect: self.dialect, on: database)
            let stored = try await Self.alerts(id: id, on: database)
            guard let record = stored.first else { throw StoreError(.corrupt, "the new alert was not found") }
            // Only an organisation with a live ticket can match a new alert; the rest keep their fresh status.
            let organisations = try await database.raw(
                """
                SELECT DISTINCT organisation_id FROM tickets WHERE is_current = 1 AND state <> 'fixed'
                ORDER BY organisation_id
                """
            ).all().map { try $0.decode(column: "organisation_id", as: Int64.self) }
            for organisation in organisations {
                var writes = DeferredWrites()
                try await Self.evaluate(
                    [record], organisation: organisation, evidence: nil, deferring: &writes, on: database)
                try await writes.run(on: database)
            }
            return record
        }
    }

    /// Every alert, newest first.
    public func alerts() async throws -> [AlertRecord] {
        try await snapshot { try await Self.alerts(id: nil, on: $0) }
    }

    /// The alert with `id`, if any.
    public func alert(id: Int64) async throws -> AlertRecord? {
        try await snapshot { try await Self.alerts(id: id, on: $0).first }
    }

    /// Every organisation's status for one alert, by organisation path, with the clocks read at `now`.
    public func alertStatuses(alert: Int64, at now: Date) async throws -> [AlertStatus] {
        if dialect == .postgres {
            try await transaction(priority: .interactive) { database in
                // An unknown alert is answered by the read below; its gap fill would only break a foreign key.
                guard try await !Self.alerts(id: alert, on: database).isEmpty else { return }
                try await Self.ensureStatuses(alert: alert, dialect: self.dialect, on: database)
            }
        }
        return try await snapshot { database in
            guard let record = try await Self.alerts(id: alert, on: database).first else {
                throw StoreError(.unknownAlert, "no alert has that id")
            }
            return try await Self.statuses(
                where: "s.alert_id = ", alert, alerts: [record.id: record], at: now, on: database)
        }
    }

    /// One organisation's status for every alert, newest alert first, with the clocks read at `now`.
    public func alertStatuses(organisation: Int64, at now: Date) async throws -> [AlertStatus] {
        if dialect == .postgres {
            // Checked first, without a lock: a gap is rare, and locking the organisation on every read of its page
            // would make the page wait behind its submissions and behind an alert being issued.
            if try await snapshot({ try await Self.hasStatusGap(organisation: organisation, on: $0) }) {
                try await transaction(priority: .interactive) { database in
                    try await database.raw(
                        "SELECT id FROM organisations WHERE id = \(bind: organisation) FOR NO KEY UPDATE"
                    ).run()
                    try await Self.ensureStatuses(organisation: organisation, on: database)
                }
            }
        }
        return try await snapshot { database in
            let records = try await Self.alerts(id: nil, on: database)
            let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return try await Self.statuses(
                where: "s.organisation_id = ", organisation, alerts: byID, at: now, on: database)
        }
    }

    /// Every status not closed by evidence whose clocks, read at `now`, have escalated, or that stands declared not
    /// applicable: the overview's escalation section and the national reminders. Most escalated first, then by alert
    /// (newest first) and organisation path. The scope is applied in SQL, as for the pages' sums
    /// (``overview(scope:at:)``, which this reads).
    public func escalations(scope: Scope = .nation, at now: Date) async throws -> [AlertStatus] {
        // Read only: unlike the per-alert reads this does not fill status gaps first (see ensureStatuses), as the
        // overview runs it on every view; a gap exists only while an alert and an organisation are created at once,
        // and the next per-alert read fills it. The rows come from the summaries' cache (SummaryCache), checked
        // against each organisation's revision in the read's snapshot.
        try await overview(scope: scope, at: now).escalations
    }

    /// Of the statuses stored as `facts` (per organisation, the organisations in the database's path order), their
    /// clocks read at `now` (`terms` holds their alerts' clocks, `alerts` their records), those escalated or declared
    /// not applicable, most escalated first, then by alert (newest first) and organisation in that order — the
    /// database's collation, not Swift's, decides between paths, as it did when the query sorted them. With
    /// `listing`, only the first `listing` escalated ones and the first `listing` declarations are made; every one is
    /// counted. (A declared status is never escalated: both clocks stop at an answer.)
    static func escalated(
        _ facts: [[StatusFacts]], alerts: [Int64: AlertRecord], terms: [Int64: AlertClocks.Terms], at now: Date,
        listing: Int? = nil
    ) throws -> (statuses: [AlertStatus], escalated: Int, declared: Int) {
        // Tens of thousands of statuses nationally: picked and sorted by keys read from the stored facts, and only
        // the statuses listed made, each a copy of its alert's and organisation's records (making every status was
        // a sixth of the overview's time).
        struct Key {
            var level: Int
            var alert: Int64
            var organisation: Int
            var index: Int
        }
        var keys: [Key] = []
        for organisation in facts.indices {
            for index in facts[organisation].indices {
                let state = facts[organisation][index].state
                guard state != .closed else { continue }
                let escalation = try StatusFacts.clocks(
                    of: facts[organisation], at: index, terms: terms, now: now
                ).escalation
                guard escalation != .none || state == .notApplicable else { continue }
                keys.append(
                    Key(
                        level: escalation.level, alert: facts[organisation][index].alert, organisation: organisation,
                        index: index))
            }
        }
        keys.sort { a, b in
            if a.level != b.level { return a.level > b.level }
            if a.alert != b.alert { return a.alert > b.alert }
            return a.organisation < b.organisation
        }
        let declared = keys.count { $0.level == 0 }
        var listed = keys
        if let listing {
            listed =
                Array(keys.lazy.filter { $0.level > 0 }.prefix(listing))
                + keys.lazy.filter { $0.level == 0 }.prefix(listing)
        }
        return (
            try listed.map { try facts[$0.organisation][$0.index].status(alerts: alerts, at: now) },
            keys.count - declared, declared
        )
    }

    /// Every alert by id.
    static func alertsByID(on database: any SQLDatabase) async throws -> [Int64: AlertRecord] {
        Dictionary(try await alerts(id: nil, on: database).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// One alert's history for one organisation, oldest first.
    public func alertEvents(alert: Int64, organisation: Int64) async throws -> [AlertEvent] {
        try await snapshot { database in
            try await database.raw(
                """
                SELECT kind, at, submission_id FROM alert_events
                WHERE alert_id = \(bind: alert) AND organisation_id = \(bind: organisation) ORDER BY id
                """
            ).all().map { row in
                guard let kind = AlertEvent.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                    throw StoreError(.corrupt, "an alert event has an unknown kind")
                }
                return AlertEvent(
                    kind: kind, at: Self.date(try row.decode(column: "at", as: Int64.self)),
                    submission: try row.decode(column: "submission_id", as: Int64?.self))
            }
        }
    }

    /// The organisation acknowledges the alert at `at`; again changes nothing. Stops the acknowledgement clock only:
    /// closure still needs evidence.
    public func acknowledgeAlert(_ alert: Int64, organisation: Int64, at: Date) async throws -> AlertStatus {
        try await transaction { database in
            try await self.lockOrganisation(organisation, on: database)
            let state = try await Self.state(alert: alert, organisation: organisation, on: database)
            if state.acknowledgedAt == nil {
                let next = state.state == .open ? AlertStatus.State.acknowledged : state.state
                try await database.raw(
                    """
                    UPDATE alert_status SET acknowledged_at = \(bind: Self.seconds(at)), state = \(bind: next.rawValue)
                    WHERE alert_id = \(bind: alert) AND organisation_id = \(bind: organisation)
                    """
                ).run()
                try await Self.event(
                    .acknowledged, alert: alert, organisation: organisation, at: Self.seconds(at), submission: nil,
                    on: database)
            }
            return try await Self.status(alert: alert, organisation: organisation, at: at, on: database)
        }
    }

    /// The organisation declares the alert not applicable, with a reason (one line, 1 to 500 characters). Refused
    /// while its own evidence shows a matching open ticket, and once closed: a declaration cannot outvote evidence.
    public func declareAlertNotApplicable(_ alert: Int64, organisation: Int64, reason: String, at: Date) async throws
        -> AlertStatus
    {
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard (1...500).contains(reason.count),
            !reason.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else {
            throw StoreError(.invalidAlert, "a reason is one line of 1 to 500 characters")
        }
        return try await transaction { database in
            try await self.lockOrganisation(organisation, on: database)
            let state = try await Self.state(alert: alert, organisation: organisation, on: database)
            guard state.state != .closed else {
                throw StoreError(.alertClosed, "the alert is closed for this organisation by evidence")
            }
            guard state.openMatches == 0 else {
                throw StoreError(.alertApplies, "the organisation's own evidence shows the alert applies")
            }
            try await database.raw(
                """
                UPDATE alert_status SET state = 'not-applicable', not_applicable_at = \(bind: Self.seconds(at)),
                not_applicable_reason = \(bind: reason)
                WHERE alert_id = \(bind: alert) AND organisation_id = \(bind: organisation)
                """
            ).run()
            try await Self.event(
                .notApplicable, alert: alert, organisation: organisation, at: Self.seconds(at), submission: nil,
                on: database)
            return try await Self.status(alert: alert, organisation: organisation, at: at, on: database)
        }
    }

    // MARK: - Evaluation

    /// Gives the alert a status row for every organisation. Issuing an alert and creating an organisation each add
    /// theirs, but on PostgreSQL the two can run at once and miss each other's uncommitted row; every read of
    /// statuses there fills such a gap first, in a transaction of its own before the read's snapshot (for the alert,
    /// or the organisation, read), so no one is ever missing. SQLite runs one write transaction at a time, so the two
    /// always see each other and its reads stay read-only.
    static func ensureStatuses(alert: Int64, dialect: Dialect, on database: any SQLDatabase) async throws {
        // On PostgreSQL the organisations missing a status are locked, in id order as issuing an alert locks them,
        // by the statement that inserts their statuses: each new status counts its organisation's revision
        // (migration 8), and taking that row's lock later, out of order, could deadlock with a submission inserting
        // the same status. One statement, so an organisation committed meanwhile is either locked or not seen.
        let lock = dialect == .postgres ? " ORDER BY o.id FOR NO KEY UPDATE" : ""
        try await database.raw(
            """
            WITH missing AS (SELECT o.id FROM organisations o WHERE NOT EXISTS (SELECT 1 FROM alert_status s
            WHERE s.alert_id = \(bind: alert) AND s.organisation_id = o.id)\(unsafeRaw: lock))
            INSERT INTO alert_status (alert_id, organisation_id, state, reopen_count)
            SELECT \(bind: alert), id, 'open', 0 FROM missing WHERE 1 = 1
            ON CONFLICT (alert_id, organisation_id) DO NOTHING
            """
        ).run()
    }

    /// Whether some alert has no status for the organisation (see ``ensureStatuses(alert:dialect:on:)``).
    static func hasStatusGap(organisation: Int64, on database: any SQLDatabase) async throws -> Bool {
        try await database.raw(
            """
            SELECT a.id FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM alert_status s WHERE s.alert_id = a.id
            AND s.organisation_id = \(bind: organisation)) LIMIT 1
            """
        ).first() != nil
    }

    /// Gives the organisation a status row for every alert (see ``ensureStatuses(alert:dialect:on:)``).
    static func ensureStatuses(organisation: Int64, on database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO alert_status (alert_id, organisation_id, state, reopen_count)
            SELECT a.id, \(bind: organisation), 'open', 0 FROM alerts a
            WHERE NOT EXISTS (SELECT 1 FROM alert_status s WHERE s.alert_id = a.id
            AND s.organisation_id = \(bind: organisation))
            ON CONFLICT (alert_id, organisation_id) DO NOTHING
            """
        ).run()
    }

    /// Re-evaluates `alerts` (every alert, read or kept: ``AlertCache``) for the organisation against its current
    /// tickets (`tickets`, as the submission's changes left them: ``live(after:of:submission:stored:opened:)``);
    /// called in the submission's transaction after its ticket changes, so an alert's status never disagrees with
    /// the tickets it is made of.
    static func evaluateAlerts(
        _ alerts: [AlertRecord], organisation: Int64, evidence: AlertPlanner.Evidence,
        tickets: [AlertPlanner.TicketView], deferring deferred: inout DeferredWrites, on database: any SQLDatabase
    ) async throws {
        guard !alerts.isEmpty else { return }
        try await evaluate(
            alerts, organisation: organisation, evidence: evidence, tickets: tickets, deferring: &deferred,
            on: database)
    }

    /// When an alert issued with no submission being applied (`vigil admin issue-alert`) affects an organisation: its
    /// issue time, or, when the evidence that last made every ticket it matches open (opened, reopened, or its clock
    /// restarted) was taken later (an alert back-dated before that evidence), the earliest of those: the clock runs from when the organisation's own
    /// evidence first showed the match, never before it, so a deadline does not depend on whether the evidence was
    /// sent before or after the alert was entered.
    static func affectedAt(
        _ alert: AlertRecord, changes: [AlertPlanner.Change], tickets: [AlertPlanner.TicketView]
    ) -> Int64 {
        let issued = seconds(alert.issuedAt)
        let matched = Set(
            changes.compactMap { change -> Int64? in
                if case .openMatch(let ticket) = change { return ticket }
                if case .reopenMatch(let ticket) = change { return ticket }
                return nil
            })
        let evidence = tickets.filter { matched.contains($0.id) }.map(\.openedAt).min()
        return max(issued, evidence ?? issued)
    }

    /// Plans and applies the changes of `alerts` for one organisation. Its tickets (unless the caller has them),
    /// statuses and matches are read once, whatever the number of alerts, and only changes are written: a status
    /// change at once, the matches of every alert as a statement per kind of change kept in `deferred` for the
    /// caller to send with its other writes. A submission costs a few queries more however many alerts are live and
    /// however many of its tickets they match.
    static func evaluate(
        _ alerts: [AlertRecord], organisation: Int64, evidence: AlertPlanner.Evidence?,
        tickets known: [AlertPlanner.TicketView]? = nil, deferring deferred: inout DeferredWrites,
        on database: any SQLDatabase
    ) async throws {
        let tickets: [AlertPlanner.TicketView]
        if let known {
            tickets = known
        } else {
            tickets = try await ticketViews(organisation: organisation, on: database)
        }
        let (states, matches) = try await alertState(organisation: organisation, on: database)
        var writes = MatchWrites()
        for alert in alerts {
            let state = states[alert.id] ?? StoredState(state: .open, acknowledgedAt: nil, openMatches: 0)
            let planned = AlertPlanner.Alert(
                rules: Set(alert.rules), advisories: Set((alert.cves + alert.advisories).map { $0.uppercased() }),
                issuedAt: seconds(alert.issuedAt))
            let changes = AlertPlanner.plan(
                planned, state: state.state, matches: matches[alert.id] ?? [:], tickets: tickets, evidence: evidence)
            guard !changes.isEmpty else { continue }
            if states[alert.id] == nil {
                try await database.raw(
                    """
                    INSERT INTO alert_status (alert_id, organisation_id, state, reopen_count)
                    VALUES (\(bind: alert.id), \(bind: organisation), 'open', 0)
                    ON CONFLICT (alert_id, organisation_id) DO NOTHING
                    """
                ).run()
            }
            // Evidence of the day of issue counts, and is dated by its midnight: nothing is recorded before the issue.
            let at = max(
                evidence?.at ?? Self.affectedAt(alert, changes: changes, tickets: tickets), seconds(alert.issuedAt))
            writes.add(changes, alert: alert.id, at: at)
            for case .status(let kind) in changes {
                try await apply(
                    kind, alert: alert.id, organisation: organisation, state: state, at: at,
                    submission: evidence?.submission, on: database)
            }
        }
        deferred.add(
            contentsOf: writes.statements(
                organisation: organisation, submission: evidence?.submission, postgres: isPostgres(database)))
    }

    /// The organisation's alert statuses (by alert) and matches (whether open, by alert and ticket), in one statement:
    /// a round trip fewer on every submission.
    static func alertState(organisation: Int64, on database: any SQLDatabase) async throws
        -> (states: [Int64: StoredState], matches: [Int64: [Int64: Bool]])
    {
        var states: [Int64: StoredState] = [:]
        var matches: [Int64: [Int64: Bool]] = [:]
        for row in try await database.raw(
            """
            SELECT alert_id, CAST(NULL AS BIGINT) AS ticket_id, state, acknowledged_at FROM alert_status
            WHERE organisation_id = \(bind: organisation)
            UNION ALL SELECT alert_id, ticket_id, state, CAST(NULL AS BIGINT) FROM alert_matches
            WHERE organisation_id = \(bind: organisation)
            """
        ).all() {
            let alert = try row.decode(column: "alert_id", as: Int64.self)
            let state = try row.decode(column: "state", as: String.self)
            if let ticket = try row.decode(column: "ticket_id", as: Int64?.self) {
                matches[alert, default: [:]][ticket] = state == "open"
                continue
            }
            guard let status = AlertStatus.State(rawValue: state) else {
                throw StoreError(.corrupt, "an alert status has an unknown state")
            }
            states[alert] = StoredState(
                state: status, acknowledgedAt: try row.decode(column: "acknowledged_at", as: Int64?.self),
                openMatches: 0)
        }
        return (states, matches)
    }

    /// Writes a status change and its event.
    static func apply(
        _ kind: AlertEvent.Kind, alert: Int64, organisation: Int64, state: StoredState, at: Int64,
        submission: Int64?, on database: any SQLDatabase
    ) async throws {
        // Evidence of a live match puts the alert back to the organisation's last answer (acknowledged or not).
        let answered = state.acknowledgedAt == nil ? "open" : "acknowledged"
        let update: SQLQueryString
        switch kind {
        case .affected:
            update = "affected_at = \(bind: at)"
        case .applies:
            update =
                "state = \(bind: answered), not_applicable_at = NULL, not_applicable_reason = NULL, affected_at = COALESCE(affected_at, \(bind: at))"
        case .reopened:
            update =
                "state = \(bind: answered), closed_at = NULL, closed_submission = NULL, reopen_count = reopen_count + 1"
        case .closed:
            update = "state = 'closed', closed_at = \(bind: at), closed_submission = \(bind: submission)"
        case .acknowledged, .notApplicable:
            return
        }
        try await database.raw(
            "UPDATE alert_status SET \(update) WHERE alert_id = \(bind: alert) AND organisation_id = \(bind: organisation)"
        ).run()
        try await event(
            kind, alert: alert, organisation: organisation, at: at, submission: submission, on: database)
    }

    static func event(
        _ kind: AlertEvent.Kind, alert: Int64, organisation: Int64, at: Int64, submission: Int64?,
        on database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO alert_events (alert_id, organisation_id, kind, at, submission_id)
            VALUES (\(bind: alert), \(bind: organisation), \(bind: kind.rawValue), \(bind: at), \(bind: submission))
            """
        ).run()
    }

    /// The organisation's live tickets (current and not fixed) as the alert planner reads them. A fixed one is left
    /// out: the planner matches only live tickets, and resolves an open match whose ticket is fixed or no longer
    /// current alike (``AlertPlanner/plan(_:state:matches:tickets:evidence:)``), so reading the fixed ones (six for
    /// every live one after a year of weekly history) changed nothing but the time taken.
    static func ticketViews(organisation: Int64, on database: any SQLDatabase) async throws
        -> [AlertPlanner.TicketView]
    {
        try await database.raw(
            """
            SELECT t.id, t.rule, t.state, t.advisories, t.opened_at, t.clock_started_at,
            (SELECT MAX(e.at) FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'reopened') AS reopened_at,
            COALESCE(s.last_submission, t.last_submission) AS last_submission
            FROM tickets t LEFT JOIN ticket_sightings s ON s.ticket_id = t.id
            WHERE t.organisation_id = \(bind: organisation) AND t.is_current = 1 AND t.state <> 'fixed'
            """
        ).all().map { row in
            guard let state = Ticket.State(rawValue: try row.decode(column: "state", as: String.self)) else {
                throw StoreError(.corrupt, "a ticket has an unknown state")
            }
            let advisories = try row.decode(column: "advisories", as: String.self)
            return AlertPlanner.TicketView(
                id: try row.decode(column: "id", as: Int64.self),
                rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)), state: state,
                advisories: Set(advisories.split(separator: ",").map(String.init)),
                lastSubmission: try row.decode(column: "last_submission", as: Int64.self),
                // When it last became open: opened, reopened by evidence, or its clock restarted by an exception's end.
                openedAt: max(
                    try row.decode(column: "opened_at", as: Int64.self),
                    try row.decode(column: "clock_started_at", as: Int64?.self) ?? .min,
                    try row.decode(column: "reopened_at", as: Int64?.self) ?? .min))
        }
    }

    // MARK: - Reading

    /// The stored columns of one status row that transitions need.
    struct StoredState: Sendable {
        var state: AlertStatus.State
        var acknowledgedAt: Int64?
        var openMatches: Int
    }

    /// The status row for (alert, organisation), created when an organisation newer than the alert answers it.
    static func state(alert: Int64, organisation: Int64, on database: any SQLDatabase) async throws -> StoredState {
        guard try await database.raw("SELECT id FROM alerts WHERE id = \(bind: alert)").first() != nil else {
            throw StoreError(.unknownAlert, "no alert has that id")
        }
        try await database.raw(
            """
            INSERT INTO alert_status (alert_id, organisation_id, state, reopen_count)
            VALUES (\(bind: alert), \(bind: organisation), 'open', 0) ON CONFLICT (alert_id, organisation_id) DO NOTHING
            """
        ).run()
        guard
            let row = try await database.raw(
                """
                SELECT state, acknowledged_at, (SELECT COUNT(*) FROM alert_matches m WHERE m.alert_id = s.alert_id
                AND m.organisation_id = s.organisation_id AND m.state = 'open') AS open_matches
                FROM alert_status s WHERE s.alert_id = \(bind: alert) AND s.organisation_id = \(bind: organisation)
                """
            ).first(),
            let state = AlertStatus.State(rawValue: try row.decode(column: "state", as: String.self))
        else { throw StoreError(.corrupt, "an alert status is missing or has an unknown state") }
        return StoredState(
            state: state, acknowledgedAt: try row.decode(column: "acknowledged_at", as: Int64?.self),
            openMatches: Int(try row.decode(column: "open_matches", as: Int64.self)))
    }

    static func status(alert: Int64, organisation: Int64, at now: Date, on database: any SQLDatabase) async throws
        -> AlertStatus
    {
        guard let record = try await alerts(id: alert, on: database).first else {
            throw StoreError(.unknownAlert, "no alert has that id")
        }
        let rows = try await statuses(
            where: "s.alert_id = \(bind: alert) AND s.organisation_id = ", organisation, alerts: [alert: record],
            at: now, on: database)
        guard let status = rows.first else { throw StoreError(.corrupt, "an alert status is missing") }
        return status
    }

    /// Status rows selected by `predicate` followed by `value`, joined with their organisation and open matches.
    static func statuses(
        where predicate: SQLQueryString, _ value: Int64, alerts: [Int64: AlertRecord], at now: Date,
        on database: any SQLDatabase
    ) async throws -> [AlertStatus] {
        try await statusFacts(where: "\(predicate)\(bind: value)", on: database).map {
            try $0.status(alerts: alerts, at: now)
        }
    }

    /// Status rows (`alert_status s` joined with `organisations o`) where `condition` holds, with their match counts,
    /// by alert (newest first) and organisation path.
    static func statusFacts(where condition: SQLQueryString, on database: any SQLDatabase) async throws
        -> [StatusFacts]
    {
        try await database.raw(
            """
            SELECT s.alert_id, s.state, s.affected_at, s.acknowledged_at, s.not_applicable_at, s.not_applicable_reason,
            s.closed_at, s.closed_submission, s.reopen_count, o.id, o.ods_code, o.name, o.kind, o.path,
            s.joined_at,
            (SELECT COUNT(*) FROM alert_matches m WHERE m.alert_id = s.alert_id AND m.organisation_id = s.organisation_id
            AND m.state = 'open') AS open_matches,
            (SELECT COUNT(*) FROM alert_matches m WHERE m.alert_id = s.alert_id
            AND m.organisation_id = s.organisation_id) AS all_matches,
            (SELECT COUNT(*) FROM tickets t JOIN alert_matches m ON m.alert_id = s.alert_id AND m.ticket_id = t.id
            WHERE t.organisation_id = s.organisation_id AND t.state = 'excepted' AND m.state = 'open') AS excepted_matches
            FROM alert_status s JOIN organisations o ON o.id = s.organisation_id
            WHERE \(condition) ORDER BY s.alert_id DESC, o.path
            """
        ).all().map(StatusFacts.init(row:))
    }

    /// Alerts with their links, newest first; one alert when `id` is given. One statement, a row per link (or one
    /// for an alert without any): every submission reads the alerts, and the links were a round trip of their own.
    static func alerts(id: Int64?, on database: any SQLDatabase) async throws -> [AlertRecord] {
        let filter: SQLQueryString = id.map { "WHERE a.id = \(bind: $0)" } ?? ""
        var records: [AlertRecord] = []
        var links: [(kind: String, value: String)] = []
        var current: (id: Int64, row: any SQLRow)?
        func finish() throws {
            guard let current else { return }
            records.append(try alertRecord(current.row, links: links))
            links = []
        }
        for row in try await database.raw(
            """
            SELECT a.id, a.title, a.severity, a.issued_at, a.acknowledge_due, a.remediate_due, a.remediation_days,
            a.known_exploited, l.kind, l.value
            FROM alerts a LEFT JOIN alert_links l ON l.alert_id = a.id \(filter) ORDER BY a.id DESC, l.kind, l.value
            """
        ).all() {
            let id = try row.decode(column: "id", as: Int64.self)
            if current?.id != id {
                try finish()
                current = (id, row)
            }
            if let kind = try row.decode(column: "kind", as: String?.self),
                let value = try row.decode(column: "value", as: String?.self)
            {
                links.append((kind, value))
            }
        }
        try finish()
        return records
    }

    /// The alert of `row` (the columns ``alerts(id:on:)`` reads) with its `links`.
    private static func alertRecord(_ row: any SQLRow, links: [(kind: String, value: String)]) throws -> AlertRecord {
        guard let severity = Severity(rawValue: try row.decode(column: "severity", as: String.self)) else {
            throw StoreError(.corrupt, "an alert has an unknown severity")
        }
        func values(_ kind: String) -> [String] { links.filter { $0.kind == kind }.map(\.value) }
        // A clock by days keeps only its nominal date in remediate_due (see migration 4): the record says days.
        let days = try row.decode(column: "remediation_days", as: Int64?.self)
        return AlertRecord(
            id: try row.decode(column: "id", as: Int64.self), title: try row.decode(column: "title", as: String.self),
            severity: severity, rules: values("rule").map(RuleID.init(rawValue:)), cves: values("cve"),
            advisories: values("advisory"),
            issuedAt: date(try row.decode(column: "issued_at", as: Int64.self)),
            acknowledgeBy: date(try row.decode(column: "acknowledge_due", as: Int64.self)),
            remediateBy: days == nil ? date(try row.decode(column: "remediate_due", as: Int64.self)) : nil,
            remediationDays: days.map { Int($0) },
            knownExploited: try row.decode(column: "known_exploited", as: Int64.self) != 0)
    }

    // MARK: - Validation

    /// The alert with its title trimmed and its links upper-cased, sorted and distinct, or an error naming the field.
    public static func validated(_ alert: NewAlert) throws -> NewAlert {
        var alert = alert
        alert.title = alert.title.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(alert.title.count),
            !alert.title.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else { throw StoreError(.invalidAlert, "an alert's title is one line of 1 to 200 characters") }
        alert.rules = Array(Set(alert.rules)).sorted { $0.rawValue < $1.rawValue }
        alert.cves = Array(Set(alert.cves.map { $0.uppercased() })).sorted()
        alert.advisories = Array(Set(alert.advisories.map { $0.uppercased() })).sorted()
        guard !(alert.rules.isEmpty && alert.cves.isEmpty && alert.advisories.isEmpty) else {
            throw StoreError(.invalidAlert, "an alert links at least one rule, CVE or advisory")
        }
        guard alert.rules.allSatisfy({ isRuleID($0.rawValue) }) else {
            throw StoreError(.invalidAlert, "a rule id is VGL- followed by capital letters, digits and dashes")
        }
        guard alert.cves.allSatisfy(isCVE) else {
            throw StoreError(.invalidAlert, "a CVE id is CVE-YYYY-NNNN (four or more digits)")
        }
        guard alert.advisories.allSatisfy(isAdvisory) else {
            throw StoreError(.invalidAlert, "an advisory is an update (KB4012212) or a bulletin (MS17-010)")
        }
        guard alert.acknowledgeBy >= alert.issuedAt, (alert.remediateBy ?? alert.issuedAt) >= alert.issuedAt else {
            throw StoreError(.invalidAlert, "an alert's clocks end after it is issued")
        }
        if alert.remediateBy != nil {
            guard alert.remediationDays == nil else {
                throw StoreError(.invalidAlert, "an alert's remediation clock is a date or a number of days, not both")
            }
        } else {
            guard let days = alert.remediationDays, (1...RemediationPolicy.longest).contains(days) else {
                throw StoreError(
                    .invalidAlert, "an alert's remediation clock is 1 to \(RemediationPolicy.longest) days")
            }
        }
        return alert
    }

    /// The date stored in `remediate_due`: the alert's date, or issue plus its days (migration 4).
    static func nominalDue(_ alert: NewAlert) -> Date {
        alert.remediateBy ?? alert.issuedAt.addingTimeInterval(TimeInterval(alert.remediationDays ?? 0) * 86_400)
    }

    static func isRuleID(_ value: String) -> Bool {
        value.hasPrefix("VGL-") && (5...64).contains(value.utf8.count)
            && value.utf8.allSatisfy { isUpperOrDigit($0) || $0 == UInt8(ascii: "-") }
    }

    static func isCVE(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "CVE" && parts[1].utf8.count == 4 && parts[1].utf8.allSatisfy(isDigit)
            && (4...7).contains(parts[2].utf8.count) && parts[2].utf8.allSatisfy(isDigit)
    }

    static func isAdvisory(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        if value.hasPrefix("KB") {
            return (6...10).contains(bytes.count) && bytes.dropFirst(2).allSatisfy(isDigit)
        }
        // MSyy-nnn
        return bytes.count == 8 && value.hasPrefix("MS") && bytes[4] == UInt8(ascii: "-")
            && bytes[2...3].allSatisfy(isDigit) && bytes[5...].allSatisfy(isDigit)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    static func isUpperOrDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
