import Foundation
import SQLKit

extension SQLNationalStore {
    /// One numbered schema change. Append-only: a released migration is never edited or removed, only followed by a
    /// new one, so every database reaches the same schema by the same steps.
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: @Sendable (Dialect) -> [String]
        /// Data the new schema needs that SQL alone cannot derive, written in the migration's transaction.
        var backfill: (@Sendable (any SQLDatabase) async throws -> Void)? = nil
    }

    /// Every migration, in order.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "organisations, tokens, submissions, tickets, events, daily aggregates") {
            dialect in
            [
                """
                CREATE TABLE organisations (
                    id \(dialect.identity), ods_code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
                    path TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE submission_tokens (
                    token_hash TEXT PRIMARY KEY, organisation_id BIGINT NOT NULL REFERENCES organisations (id),
                    created_at BIGINT NOT NULL, revoked_at BIGINT)
                """,
                """
                CREATE TABLE submissions (
                    id \(dialect.identity), organisation_id BIGINT NOT NULL REFERENCES organisations (id),
                    digest TEXT NOT NULL, assessed_at BIGINT NOT NULL, received_at BIGINT NOT NULL,
                    tool_version TEXT NOT NULL, findings BIGINT NOT NULL, applied BIGINT NOT NULL,
                    opened BIGINT NOT NULL, fixed BIGINT NOT NULL, reopened BIGINT NOT NULL,
                    unverified BIGINT NOT NULL, UNIQUE (organisation_id, digest))
                """,
                "CREATE INDEX submissions_by_organisation ON submissions (organisation_id, assessed_at)",
                """
                CREATE TABLE submission_areas (
                    submission_id BIGINT NOT NULL REFERENCES submissions (id), area TEXT NOT NULL,
                    status TEXT NOT NULL, PRIMARY KEY (submission_id, area))
                """,
                """
                CREATE TABLE coverage_sets (
                    submission_id BIGINT NOT NULL REFERENCES submissions (id), group_id TEXT NOT NULL,
                    complete BIGINT NOT NULL, subjects \(dialect.bytes) NOT NULL, PRIMARY KEY (submission_id, group_id))
                """,
                """
                CREATE TABLE tickets (
                    id \(dialect.identity), organisation_id BIGINT NOT NULL REFERENCES organisations (id),
                    rule TEXT NOT NULL, subject TEXT NOT NULL, kind TEXT NOT NULL, area TEXT NOT NULL,
                    severity TEXT NOT NULL, state TEXT NOT NULL, is_current BIGINT NOT NULL,
                    opened_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, fixed_at BIGINT,
                    reopen_count BIGINT NOT NULL, opened_submission BIGINT NOT NULL REFERENCES submissions (id),
                    last_submission BIGINT NOT NULL REFERENCES submissions (id))
                """,
                "CREATE INDEX tickets_current ON tickets (organisation_id, is_current, rule, subject)",
                """
                CREATE TABLE ticket_events (
                    id \(dialect.identity), ticket_id BIGINT NOT NULL REFERENCES tickets (id), kind TEXT NOT NULL,
                    at BIGINT NOT NULL, submission_id BIGINT REFERENCES submissions (id), actor TEXT)
                """,
                "CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id)",
                """
                CREATE TABLE org_daily (
                    organisation_id BIGINT NOT NULL REFERENCES organisations (id), day TEXT NOT NULL,
                    open_critical BIGINT NOT NULL, open_high BIGINT NOT NULL, open_medium BIGINT NOT NULL,
                    open_low BIGINT NOT NULL, open_info BIGINT NOT NULL, unverified BIGINT NOT NULL,
                    fixed BIGINT NOT NULL, submissions BIGINT NOT NULL, PRIMARY KEY (organisation_id, day))
                """,
            ]
        },
        Migration(version: 2, name: "alerts: links, per-organisation status, matches and events; ticket advisories") {
            dialect in
            [
                // The CVEs and update a ticket's latest finding named, comma-joined: alerts match on them. Tickets
                // from before this migration have none until a submission shows them again.
                "ALTER TABLE tickets ADD COLUMN advisories TEXT NOT NULL DEFAULT ''",
                """
                CREATE TABLE alerts (
                    id \(dialect.identity), title TEXT NOT NULL, severity TEXT NOT NULL, issued_at BIGINT NOT NULL,
                    acknowledge_due BIGINT NOT NULL, remediate_due BIGINT NOT NULL)
                """,
                """
                CREATE TABLE alert_links (
                    alert_id BIGINT NOT NULL REFERENCES alerts (id), kind TEXT NOT NULL, value TEXT NOT NULL,
                    PRIMARY KEY (alert_id, kind, value))
                """,
                """
                CREATE TABLE alert_status (
                    alert_id BIGINT NOT NULL REFERENCES alerts (id),
                    organisation_id BIGINT NOT NULL REFERENCES organisations (id), state TEXT NOT NULL,
                    affected_at BIGINT, acknowledged_at BIGINT, not_applicable_at BIGINT, not_applicable_reason TEXT,
                    closed_at BIGINT, closed_submission BIGINT REFERENCES submissions (id), reopen_count BIGINT NOT NULL,
                    PRIMARY KEY (alert_id, organisation_id))
                """,
                "CREATE INDEX alert_status_by_organisation ON alert_status (organisation_id, alert_id)",
                """
                CREATE TABLE alert_matches (
                    alert_id BIGINT NOT NULL REFERENCES alerts (id),
                    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
                    ticket_id BIGINT NOT NULL REFERENCES tickets (id), state TEXT NOT NULL, matched_at BIGINT NOT NULL,
                    resolved_at BIGINT, resolved_submission BIGINT REFERENCES submissions (id),
                    PRIMARY KEY (alert_id, ticket_id))
                """,
                "CREATE INDEX alert_matches_by_organisation ON alert_matches (organisation_id, alert_id, state)",
                """
                CREATE TABLE alert_events (
                    id \(dialect.identity), alert_id BIGINT NOT NULL REFERENCES alerts (id),
                    organisation_id BIGINT NOT NULL REFERENCES organisations (id), kind TEXT NOT NULL,
                    at BIGINT NOT NULL, submission_id BIGINT REFERENCES submissions (id), actor TEXT)
                """,
                "CREATE INDEX alert_events_by_status ON alert_events (alert_id, organisation_id, id)",
            ]
        },
        Migration(version: 3, name: "people: users, sessions, sign-in failures by address, the audit log") {
            dialect in
            [
                // failed_count and locked_until live on the row so every server on the database shares the lockout.
                """
                CREATE TABLE users (
                    id \(dialect.identity), login TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                    role TEXT NOT NULL, organisation_id BIGINT REFERENCES organisations (id), region TEXT,
                    password_hash TEXT NOT NULL, failed_count BIGINT NOT NULL DEFAULT 0, locked_until BIGINT,
                    created_at BIGINT NOT NULL)
                """,
                // Only the SHA-256 of a session id is kept: a copy of the database signs no one in.
                """
                CREATE TABLE sessions (
                    id_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), csrf TEXT NOT NULL,
                    created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
                """,
                "CREATE INDEX sessions_by_user ON sessions (user_id)",
                """
                CREATE TABLE sign_in_failures (
                    id \(dialect.identity), address TEXT NOT NULL, at BIGINT NOT NULL)
                """,
                "CREATE INDEX sign_in_failures_by_address ON sign_in_failures (address, at)",
                """
                CREATE TABLE audit_log (
                    id \(dialect.identity), at BIGINT NOT NULL, action TEXT NOT NULL,
                    user_id BIGINT REFERENCES users (id), actor TEXT, organisation_id BIGINT REFERENCES organisations (id),
                    address TEXT NOT NULL, detail TEXT)
                """,
                "CREATE INDEX audit_log_by_time ON audit_log (at, id)",
            ] + dialect.appendOnly("audit_log")
        },
        Migration(version: 4, name: "clocks by days, ticket clocks, expiring exceptions, append-only histories") {
            dialect in
            [
                // NULL: the remediation clock is the alert's date (remediate_due). Otherwise days from each
                // organisation's evidence showing it affected, and remediate_due holds issue + days, the due date
                // of an organisation affected at issue, so a reader of migration 2's columns still sees a date.
                "ALTER TABLE alerts ADD COLUMN remediation_days BIGINT",
                "ALTER TABLE alerts ADD COLUMN known_exploited BIGINT NOT NULL DEFAULT 0",
                // When the ticket's remediation clock last started: NULL is opened_at. An exception's expiry
                // restarts it.
                "ALTER TABLE tickets ADD COLUMN clock_started_at BIGINT",
                """
                CREATE TABLE exceptions (
                    id \(dialect.identity), organisation_id BIGINT NOT NULL REFERENCES organisations (id),
                    ticket_id BIGINT NOT NULL REFERENCES tickets (id), alert_id BIGINT REFERENCES alerts (id),
                    reason TEXT NOT NULL, controls TEXT NOT NULL, state TEXT NOT NULL,
                    requested_by BIGINT NOT NULL REFERENCES users (id), requested_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL, decided_by BIGINT REFERENCES users (id), decided_at BIGINT,
                    ended_at BIGINT)
                """,
                "CREATE INDEX exceptions_by_state ON exceptions (state, expires_at)",
                "CREATE INDEX exceptions_by_organisation ON exceptions (organisation_id, id)",
                "CREATE INDEX exceptions_by_ticket ON exceptions (ticket_id, state)",
                """
                CREATE TABLE exception_events (
                    id \(dialect.identity), exception_id BIGINT NOT NULL REFERENCES exceptions (id),
                    kind TEXT NOT NULL, at BIGINT NOT NULL, user_id BIGINT REFERENCES users (id), actor TEXT,
                    ticket_id BIGINT NOT NULL REFERENCES tickets (id))
                """,
                "CREATE INDEX exception_events_by_exception ON exception_events (exception_id, id)",
            ] + dialect.appendOnly("exception_events") + dialect.appendOnly("ticket_events")
                + dialect.appendOnly("alert_events")
        },
        Migration(version: 5, name: "the latest applied submission of an organisation by index") { _ in
            [
                // The pages read each organisation's latest applied submission (MAX(id)). Without this index
                // PostgreSQL walked the primary key backwards from the newest submission of any organisation until it
                // met one of this organisation's (27 ms with a cold cache in a year of 700 organisations'
                // submissions; EXPLAIN ANALYZE, bench/service.sh); with it, one step down this index.
                "CREATE INDEX submissions_latest ON submissions (organisation_id, applied, id)"
            ]
        },
        Migration(
            version: 6, name: "each organisation's score basis and open findings by rule, now and on each daily row",
            statements: { _ in
                [
                    // The pages scored organisations by reading every ticket in scope: at a tenth of issue 16's size
                    // (996,800 tickets) the national overview took 9 to 62 s (bench/service.sh). What the score reads
                    // of the tickets is kept instead, refreshed wherever tickets change (docs/score.md, "Cost").
                    """
                    CREATE TABLE org_scores (
                        organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id), basis TEXT NOT NULL,
                        open_by_rule TEXT NOT NULL, last_evidence BIGINT)
                    """,
                    "ALTER TABLE org_daily ADD COLUMN score_basis TEXT",
                    "ALTER TABLE org_daily ADD COLUMN last_evidence BIGINT",
                ]
            },
            backfill: { database in try await SQLNationalStore.rebuildScores(on: database) }),
        Migration(version: 7, name: "excepted tickets of an organisation by index") { _ in
            [
                // Every alert status read counts its excepted open matches. Joined from the matches, that looked up
                // each open match's ticket (33,062 random reads of the tickets table for the overview's escalations at
                // a tenth of issue 16's size: 47 ms); from the few excepted tickets, by this index, 6 ms.
                "CREATE INDEX tickets_excepted ON tickets (organisation_id) WHERE state = 'excepted'"
            ]
        },
        Migration(version: 8, name: "a revision per organisation, counted by the database on every change pages read") {
            dialect in
            // The summaries' cache (SummaryCache) keeps what it read of an organisation with its revision and reuses
            // it while the revision stands. Triggers count the changes, so no write path can forget one: every
            // table the summaries read that changes after the organisation is created. (Tickets change only with
            // their organisation's stored score, whose row is counted; organisations and alerts are never updated.)
            ["ALTER TABLE organisations ADD COLUMN revision BIGINT NOT NULL DEFAULT 0"]
                + dialect.countsRevisions(
                    of: ["org_daily", "org_scores", "submissions", "alert_status", "alert_matches"])
        },
        Migration(version: 9, name: "live tickets by index; room on PostgreSQL's pages to update tickets in place") {
            dialect in
            // Every submission reads its organisation's live tickets (current, not fixed) twice — for the ticket
            // planner and for the alerts — and after a year of weekly history they are one in seven of its current
            // tickets: found through tickets_current, each of the others was read and dropped.
            ["CREATE INDEX tickets_live ON tickets (organisation_id) WHERE is_current = 1 AND state <> 'fixed'"]
                // A submission updates most of its live tickets (last seen, last submission); with a tenth of each
                // page left free, PostgreSQL writes the new versions in place (heap-only tuples) rather than onto
                // new pages with an entry in every index. New pages only: existing ones fill as they are rewritten.
                + (dialect == .postgres ? ["ALTER TABLE tickets SET (fillfactor = 90)"] : [])
        },
        Migration(version: 10, name: "when each ticket was last seen, kept apart from the ticket") { dialect in
            // A weekly submission sees again most of its organisation's live tickets, and moving their last sighting
            // rewrote whole ticket rows: on PostgreSQL two in three of those rewrites found no room on the page and
            // added an entry to every index of tickets — 41 µs a ticket, most of an ingest's time in the database
            // (bench/service.sh). The sighting now lives in a narrow row of its own, indexed by its key alone, and a
            // seen ticket's own row is written only when its state, severity or advisories change. The columns of
            // tickets that held it keep the values they had and are no longer read or written after the insert
            // (SQLite cannot drop a column a foreign key names); reads fall back to them for a ticket without a
            // sighting row (one written by a server older than this migration still running beside a newer one).
            // last_submission has no foreign key here: checking it on every sighting cost as much again, and
            // submissions are never deleted.
            let key = dialect == .sqlite ? "INTEGER PRIMARY KEY" : "BIGINT PRIMARY KEY"
            let room = dialect == .postgres ? " WITH (fillfactor = 80)" : ""
            return [
                """
                CREATE TABLE ticket_sightings (
                    ticket_id \(key) REFERENCES tickets (id), last_seen_at BIGINT NOT NULL,
                    last_submission BIGINT NOT NULL)\(room)
                """,
                """
                INSERT INTO ticket_sightings (ticket_id, last_seen_at, last_submission)
                SELECT id, last_seen_at, last_submission FROM tickets
                """,
            ]
        },
        Migration(
            version: 11, name: "each organisation's fixed tickets kept counted beside its stored score",
            statements: { _ in
                // The score's fixed half needs every fixed ticket's time to remediate (for its percentiles), and a
                // submission grouped all of them again — after a year of weekly history six in seven of an
                // organisation's tickets, the largest statement of an ingest (bench/service.sh). The tally is kept
                // with the score and moved by each submission's fixes and reopenings (FixedTally).
                ["ALTER TABLE org_scores ADD COLUMN fixed_groups TEXT"]
            },
            backfill: { database in try await SQLNationalStore.fillFixedTallies(on: database) }),
        Migration(
            version: 12,
            name: "no foreign-key checks on the rows every submission appends; revisions counted by statement"
        ) { dialect in
            // On PostgreSQL a foreign-key check is a trigger per row that finds the referenced row and locks it
            // (FOR KEY SHARE, written to its page and the log): a weekly submission appends some 48 events, 24
            // tickets with their sightings, its areas and coverage sets, and the checks on them were an eighth of
            // its time in the database, the events' insert halved without them (bench/ingest-cpu.sh). Every row
            // dropped here references a row its own transaction wrote, or read under its organisation's lock
            // (lockOrganisation), and nothing deletes tickets or submissions: ticket_events refuses deletion,
            // and no path deletes the others. The store's tests check after every generated history that each
            // such reference finds its row (GeneratedHistoryTests). SQLite's checks are index look-ups without
            // locks, and SQLite cannot drop a constraint without rebuilding its table: they stay.
            //
            // The organisation's revision (migration 8) was counted by a trigger per row: each of a submission's
            // dozen alert matches opened or resolved updated the organisation's row again, a new version of it each
            // time. On PostgreSQL it is now counted once per statement, from the statement's rows (a transition
            // table): the summaries' cache only asks whether the revision moved.
            guard dialect == .postgres else { return [] }
            let revised = ["org_daily", "org_scores", "submissions", "alert_status", "alert_matches"]
            return [
                """
                ALTER TABLE ticket_events DROP CONSTRAINT IF EXISTS ticket_events_ticket_id_fkey,
                DROP CONSTRAINT IF EXISTS ticket_events_submission_id_fkey
                """,
                """
                ALTER TABLE tickets DROP CONSTRAINT IF EXISTS tickets_opened_submission_fkey,
                DROP CONSTRAINT IF EXISTS tickets_last_submission_fkey
                """,
                "ALTER TABLE ticket_sightings DROP CONSTRAINT IF EXISTS ticket_sightings_ticket_id_fkey",
                "ALTER TABLE submission_areas DROP CONSTRAINT IF EXISTS submission_areas_submission_id_fkey",
                "ALTER TABLE coverage_sets DROP CONSTRAINT IF EXISTS coverage_sets_submission_id_fkey",
                """
                ALTER TABLE alert_matches DROP CONSTRAINT IF EXISTS alert_matches_ticket_id_fkey,
                DROP CONSTRAINT IF EXISTS alert_matches_resolved_submission_fkey
                """,
                """
                CREATE FUNCTION organisation_revision_by_statement() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                IF TG_OP = 'DELETE' THEN
                UPDATE organisations SET revision = revision + 1 WHERE id IN (SELECT organisation_id FROM old_rows);
                ELSE
                UPDATE organisations SET revision = revision + 1 WHERE id IN (SELECT organisation_id FROM new_rows);
                END IF;
                RETURN NULL;
                END $$
                """,
            ]
                + revised.flatMap { table in
                    [
                        "DROP TRIGGER IF EXISTS \(table)_revision ON \(table)",
                        """
                        CREATE TRIGGER \(table)_revision_insert AFTER INSERT ON \(table) REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION organisation_revision_by_statement()
                        """,
                        """
                        CREATE TRIGGER \(table)_revision_update AFTER UPDATE ON \(table) REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION organisation_revision_by_statement()
                        """,
                        """
                        CREATE TRIGGER \(table)_revision_delete AFTER DELETE ON \(table) REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION organisation_revision_by_statement()
                        """,
                    ]
                }
                // The per-row function of migration 8, no longer called by any trigger.
                + ["DROP FUNCTION IF EXISTS organisation_revision()"]
        },
        Migration(version: 13, name: "alerts and their links append-only") { dialect in
            // Each server keeps the alerts it read while their count and newest id stand (AlertCache): that names
            // the set only while no alert is ever changed or deleted, which the database now guarantees, as it
            // does for the histories.
            dialect.appendOnly("alerts") + dialect.appendOnly("alert_links")
        },
        Migration(version: 14, name: "people disabled (a leaver) without losing their audit history") { _ in
            ["ALTER TABLE users ADD COLUMN disabled_at BIGINT"]
        },
        Migration(version: 15, name: "when an organisation created after an alert joined it: its clocks run from then")
        {
            _ in
            // Set only on the statuses an organisation's creation gives it for the alerts already there; empty on
            // every other (and on those made before), which keep the alert's clocks.
            ["ALTER TABLE alert_status ADD COLUMN joined_at BIGINT"]
        },
        Migration(
            version: 16, name: "each organisation's pseudonymisation key by fingerprint; tickets of a retired key"
        ) {
            _ in
            // The fingerprint of the key its submissions are keyed by, recorded by the first that carries one
            // (schema 1.2); a submission under another key is refused until `vigil admin accept-key` records the new
            // one, which retires the tickets there were then (ids up to the mark): no evidence under the new key can
            // cover their subjects, so they are never fixed, only left unverified.
            [
                "ALTER TABLE organisations ADD COLUMN key_fingerprint TEXT",
                "ALTER TABLE organisations ADD COLUMN retired_key_tickets BIGINT NOT NULL DEFAULT 0",
            ]
        },
        Migration(
            version: 17, name: "scores recounted under the alerts' default deadlines (medium 60 days, low 90)",
            statements: { _ in
                // A stored basis counts fixed tickets as on time or late by the deadlines it was made under; without
                // this, organisations would move to the new deadlines one by one as their tickets next changed, and
                // the score of 30 days ago would mix the two (migration 6's rebuild, from the tickets).
                []
            },
            backfill: { database in try await SQLNationalStore.rebuildScores(on: database) }),
    ]

    public func migrate() async throws {
        if case .sqlite = backend {
            // Readers do not block the writer and the writer does not block readers; persistent in the file.
            try await transactionless { try await $0.raw("PRAGMA journal_mode = WAL").run() }
        }
        try await transaction { database in
            if self.dialect == .postgres {
                // Taken first: two servers starting together on one database race even on CREATE TABLE IF NOT
                // EXISTS; the second waits, then finds nothing to do (found by the suite's parallel tests).
                try await database.raw("SELECT pg_advisory_xact_lock(7406)").run()
            }
            try await database.raw(
                "CREATE TABLE IF NOT EXISTS vigil_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
            let applied = try await database.raw("SELECT version FROM vigil_migrations").all()
                .map { try $0.decode(column: "version", as: Int64.self) }
            let newest = applied.max() ?? 0
            if let known = Self.migrations.last?.version, newest > Int64(known) {
                throw StoreError(.newerSchema, "the database was migrated by a newer Vigil (schema \(newest))")
            }
            for migration in Self.migrations where !applied.contains(Int64(migration.version)) {
                for statement in migration.statements(self.dialect) {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                try await migration.backfill?(database)
                try await database.raw(
                    "INSERT INTO vigil_migrations (version, name, applied_at) VALUES (\(bind: Int64(migration.version)), \(bind: migration.name), \(bind: Int64(Date().timeIntervalSince1970)))"
                ).run()
            }
        }
    }

    /// The schema versions applied, oldest first.
    public func appliedMigrations() async throws -> [Int] {
        try await transaction { database in
            try await database.raw("SELECT version FROM vigil_migrations ORDER BY version").all()
                .map { Int(try $0.decode(column: "version", as: Int64.self)) }
        }
    }
}
