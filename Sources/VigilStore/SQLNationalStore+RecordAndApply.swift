import Foundation
import SQLKit
import VigilCore
import VigilSubmission

extension SQLNationalStore {
    /// Records the submission and applies its planned ticket changes (none for a late delivery, `plan` nil), and
    /// returns its id and the new tickets' ids in the order of the `.open` changes. On PostgreSQL, when `plan`'s
    /// writes update each ticket once (``TicketWrites/updatesEachTicketOnce``), in one statement of data-modifying
    /// CTEs: the submission, its areas and coverage, the superseded tickets retired, the new tickets inserted with
    /// their sightings, the sightings moved, the rewritten, reopened, fixed and unverified tickets updated, and every
    /// event appended (the new tickets' from the insert's own ids), the values of each set as array parameters,
    /// unnested. Written a set at a time these were six to ten round trips, each parsed, planned and answered on its
    /// own (docs/benchmarks.md). The CTEs share one snapshot, which is why each ticket must be updated once.
    /// Otherwise the record (``record(_:digest:organisation:applies:counts:receivedAt:on:)``) and the changes
    /// (``apply(_:of:submission:organisation:on:)``) are written one after the other.
    static func recordAndApply(
        _ submission: Submission, digest: String, organisation: Int64, applies: Bool, counts: Counts,
        receivedAt: Date, plan: TicketPlan?, on database: any SQLDatabase
    ) async throws -> (submission: Int64, opened: [Int64]) {
        let writes = plan.map { TicketWrites($0.changes, of: submission, stored: $0.stored) }
        if let writes, isPostgres(database), writes.updatesEachTicketOnce {
            return try await recordAndApplyAtOnce(
                writes, of: submission, digest: digest, organisation: organisation, applies: applies,
                counts: counts, receivedAt: receivedAt, on: database)
        }
        let id = try await record(
            submission, digest: digest, organisation: organisation, applies: applies, counts: counts,
            receivedAt: receivedAt, on: database)
        guard let writes else { return (id, []) }
        return (id, try await apply(writes, of: submission, submission: id, organisation: organisation, on: database))
    }

    /// Inserts the submission, its areas and its coverage sets (each a sorted run of 16-byte keys): three statements
    /// on SQLite, one on PostgreSQL.
    static func record(
        _ submission: Submission, digest: String, organisation: Int64, applies: Bool, counts: Counts,
        receivedAt: Date, on database: any SQLDatabase
    ) async throws -> Int64 {
        if isPostgres(database) {
            return try await recordAtOnce(
                submission, digest: digest, organisation: organisation, applies: applies, counts: counts,
                receivedAt: receivedAt, on: database)
        }
        let insert = submissionInsert(
            submission, digest: digest, organisation: organisation, applies: applies, counts: counts,
            receivedAt: receivedAt)
        guard let row = try await database.raw(insert).first() else {
            throw StoreError(.corrupt, "the new submission's id was not returned")
        }
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
    /// (A weekly submission names thousands of covered keys: they are read pairwise from each key's UTF-8 and
    /// gathered in one buffer, not copied into an array per key and appended to `Data` a byte at a time.)
    static func packed(_ keys: [String]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(keys.count * 16)
        for key in keys {
            var high: UInt8?
            for digit in key.utf8 {
                let value = HexDigit.value(digit) ?? 0
                if let first = high {
                    bytes.append(first << 4 | value)
                    high = nil
                } else {
                    high = value
                }
            }
        }
        return Data(bytes)
    }

    /// ``recordAndApply(_:digest:organisation:applies:counts:receivedAt:plan:on:)`` in one statement: the
    /// submission's record as the first CTEs, whose id every write of the changes reads.
    static func recordAndApplyAtOnce(
        _ writes: TicketWrites, of submission: Submission, digest: String, organisation: Int64, applies: Bool,
        counts: Counts, receivedAt: Date, on database: any SQLDatabase
    ) async throws -> (submission: Int64, opened: [Int64]) {
        let new = writes.opened.map { submission.findings[$0] }
        let record = recordParts(
            submission, digest: digest, organisation: organisation, applies: applies, counts: counts,
            receivedAt: receivedAt)
        let changes = changeParts(
            writes, new: new, at: seconds(submission.assessedAt), submission: "(SELECT id FROM submission)",
            organisation: organisation)
        // A row for the submission however many tickets it opened: the new ones joined to it, or none.
        let rows = try await database.raw(
            """
            WITH \(record), \(changes)
            SELECT s.id AS submission, n.id, n.rule, n.subject FROM submission s LEFT JOIN new n ON TRUE
            """
        ).all()
        guard let first = rows.first else { throw StoreError(.corrupt, "the new submission's id was not returned") }
        let id = try first.decode(column: "submission", as: Int64.self)
        let opened = try rows.filter { try $0.decode(column: "id", as: Int64?.self) != nil }
        guard opened.count == new.count else {
            throw StoreError(.corrupt, "the new tickets' ids were not all returned")
        }
        return (id, try newTicketIDs(opened, for: new))
    }

    /// The CTEs that write a submission's ticket changes, `new` being the findings that open tickets and
    /// `submission` the expression of its id; the new tickets' ids, rules and subjects are `new`'s rows.
    private static func changeParts(
        _ writes: TicketWrites, new: [Submission.SubmittedFinding], at: Int64, submission id: SQLQueryString,
        organisation: Int64
    ) -> SQLQueryString {
        """
        superseded AS (UPDATE tickets SET is_current = 0 WHERE id = ANY(\(bind: writes.superseded))),
        new AS (
            INSERT INTO tickets (organisation_id, rule, subject, kind, area, severity, state, is_current, opened_at,
            last_seen_at, fixed_at, reopen_count, opened_submission, last_submission, advisories)
            SELECT \(bind: organisation), rule, subject, kind, area, severity, 'open', 1, \(bind: at), \(bind: at),
            CAST(NULL AS BIGINT), 0, \(id), \(id), advisories
            FROM unnest(\(bind: new.map(\.rule.rawValue)), \(bind: new.map(\.subject)),
            \(bind: new.map(\.kind.rawValue)), \(bind: new.map(\.area.rawValue)),
            \(bind: new.map(\.severity.rawValue)), \(bind: new.map(advisories)))
            AS f (rule, subject, kind, area, severity, advisories)
            RETURNING id, rule, subject),
        new_sightings AS (
            INSERT INTO ticket_sightings (ticket_id, last_seen_at, last_submission)
            SELECT id, \(bind: at), \(id) FROM new),
        sighted AS (
            UPDATE ticket_sightings SET last_seen_at = \(bind: at), last_submission = \(id)
            WHERE ticket_id = ANY(\(bind: writes.sighted))),
        rewritten AS (
            UPDATE tickets t SET state = CASE WHEN t.state = 'excepted' THEN t.state ELSE 'open' END,
            severity = r.severity, advisories = r.advisories
            FROM unnest(\(bind: writes.rewritten.map(\.ticket)), \(bind: writes.rewritten.map(\.severity)),
            \(bind: writes.rewritten.map(\.advisories))) AS r (id, severity, advisories)
            WHERE t.id = r.id),
        reopened AS (
            UPDATE tickets t SET state = 'open', fixed_at = NULL, reopen_count = t.reopen_count + 1,
            severity = r.severity, advisories = r.advisories
            FROM unnest(\(bind: writes.reopened.map(\.ticket)), \(bind: writes.reopened.map(\.severity)),
            \(bind: writes.reopened.map(\.advisories))) AS r (id, severity, advisories)
            WHERE t.id = r.id),
        fixed AS (UPDATE tickets SET state = 'fixed', fixed_at = \(bind: at) WHERE id = ANY(\(bind: writes.fixed))),
        unverified AS (UPDATE tickets SET state = 'unverified' WHERE id = ANY(\(bind: writes.unverified))),
        events AS (
            INSERT INTO ticket_events (ticket_id, kind, at, submission_id)
            SELECT ticket, kind, \(bind: at), \(id)
            FROM unnest(\(bind: writes.events.map(\.ticket)), \(bind: writes.events.map(\.kind.rawValue)))
            AS e (ticket, kind)
            UNION ALL SELECT id, \(bind: TicketEvent.Kind.opened.rawValue), \(bind: at), \(id) FROM new)
        """
    }

    /// The ids of the tickets opened for `findings`, in their order, from the rows their insert returned (`id`,
    /// `rule`, `subject`, in any order): a rule and subject identify a current ticket.
    static func newTicketIDs(_ rows: [any SQLRow], for findings: [Submission.SubmittedFinding]) throws -> [Int64] {
        var ids: [TicketKey: Int64] = [:]
        for row in rows {
            let key = TicketKey(
                rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)),
                subject: try row.decode(column: "subject", as: String.self))
            ids[key] = try row.decode(column: "id", as: Int64.self)
        }
        return try findings.map { finding in
            guard let ticket = ids[TicketKey(rule: finding.rule, subject: finding.subject)] else {
                throw StoreError(.corrupt, "a new ticket's id was not returned")
            }
            return ticket
        }
    }

    /// ``record(_:digest:organisation:applies:counts:receivedAt:on:)`` on PostgreSQL: the submission, its areas and
    /// its coverage sets in one statement, the last two inserted from the first's returned id.
    static func recordAtOnce(
        _ submission: Submission, digest: String, organisation: Int64, applies: Bool, counts: Counts,
        receivedAt: Date, on database: any SQLDatabase
    ) async throws -> Int64 {
        let record = recordParts(
            submission, digest: digest, organisation: organisation, applies: applies, counts: counts,
            receivedAt: receivedAt)
        guard let row = try await database.raw("WITH \(record) SELECT id FROM submission").first() else {
            throw StoreError(.corrupt, "the new submission's id was not returned")
        }
        return try row.decode(column: "id", as: Int64.self)
    }

    /// The CTEs that record a submission: `submission` (its id) and its areas and coverage sets.
    private static func recordParts(
        _ submission: Submission, digest: String, organisation: Int64, applies: Bool, counts: Counts,
        receivedAt: Date
    ) -> SQLQueryString {
        let areas = submission.areas
        let coverage = submission.coverage
        let insert = submissionInsert(
            submission, digest: digest, organisation: organisation, applies: applies, counts: counts,
            receivedAt: receivedAt)
        return """
            submission AS (\(insert)),
            areas AS (
                INSERT INTO submission_areas (submission_id, area, status)
                SELECT s.id, a.area, a.status FROM submission s,
                unnest(\(bind: areas.map(\.area.rawValue)), \(bind: areas.map(\.status.rawValue)))
                AS a (area, status)),
            coverage AS (
                INSERT INTO coverage_sets (submission_id, group_id, complete, subjects)
                SELECT s.id, c.group_id, c.complete, c.subjects FROM submission s,
                unnest(\(bind: coverage.map(\.id)), \(bind: coverage.map { Int64($0.complete ? 1 : 0) }),
                \(bind: coverage.map { packed($0.subjects) })) AS c (group_id, complete, subjects))
            """
    }

    /// The submission's own row, returning its id: a statement on SQLite, the first CTE of ``recordParts`` on
    /// PostgreSQL.
    private static func submissionInsert(
        _ submission: Submission, digest: String, organisation: Int64, applies: Bool, counts: Counts,
        receivedAt: Date
    ) -> SQLQueryString {
        """
        INSERT INTO submissions (organisation_id, digest, assessed_at, received_at, tool_version, findings, applied,
        opened, fixed, reopened, unverified)
        VALUES (\(bind: organisation), \(bind: digest), \(bind: seconds(submission.assessedAt)),
        \(bind: seconds(receivedAt)), \(bind: submission.tool.version), \(bind: Int64(submission.findings.count)),
        \(bind: Int64(applies ? 1 : 0)), \(bind: counts.opened), \(bind: counts.fixed), \(bind: counts.reopened),
        \(bind: counts.unverified))
        RETURNING id
        """
    }
}
