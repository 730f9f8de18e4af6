import SQLKit

extension SQLNationalStore {
    /// The alert-match changes of one organisation's evaluation, across all its alerts, written together: on
    /// PostgreSQL a write per kind of change whatever the number of alerts (a submission touched the matches of two
    /// or three alerts, each a statement per kind: two in five of ingest's statements there), the pairs as array
    /// parameters unnested, sent with the submission's other kept writes as one statement (``DeferredWrites``); on
    /// SQLite, where a statement costs no round trip, the new matches as rows of bound values and the updates per
    /// alert and time.
    struct MatchWrites: Sendable {
        /// A match: its alert and ticket, and when the change happened.
        struct Pair: Sendable {
            var alert: Int64
            var ticket: Int64
            var at: Int64
        }

        private(set) var opened: [Pair] = []
        private(set) var reopened: [Pair] = []
        private(set) var resolved: [Pair] = []

        var isEmpty: Bool { opened.isEmpty && reopened.isEmpty && resolved.isEmpty }

        /// Adds the match changes among `changes`, the planner's for `alert`, as of `at`.
        mutating func add(_ changes: [AlertPlanner.Change], alert: Int64, at: Int64) {
            for change in changes {
                switch change {
                case .openMatch(let ticket): opened.append(Pair(alert: alert, ticket: ticket, at: at))
                case .reopenMatch(let ticket): reopened.append(Pair(alert: alert, ticket: ticket, at: at))
                case .resolveMatch(let ticket): resolved.append(Pair(alert: alert, ticket: ticket, at: at))
                case .status: break
                }
            }
        }

        /// The statements that write the changes, none when there is none; a resolution names `submission`, the
        /// evidence, when there is one. Each changes rows no other one does (a match is opened, reopened or resolved,
        /// never two of them at once), so they can be sent as one (``DeferredWrites``).
        func statements(organisation: Int64, submission: Int64?, postgres: Bool) -> [SQLQueryString] {
            postgres
                ? unnestedStatements(organisation: organisation, submission: submission)
                : statementsByAlert(organisation: organisation, submission: submission)
        }

        private func unnestedStatements(organisation: Int64, submission: Int64?) -> [SQLQueryString] {
            var statements: [SQLQueryString] = []
            if !opened.isEmpty {
                statements.append(
                    """
                    INSERT INTO alert_matches (alert_id, organisation_id, ticket_id, state, matched_at)
                    SELECT m.alert, \(bind: organisation), m.ticket, 'open', m.at
                    FROM unnest(\(bind: opened.map(\.alert)), \(bind: opened.map(\.ticket)),
                    \(bind: opened.map(\.at))) AS m (alert, ticket, at)
                    """)
            }
            if !reopened.isEmpty {
                statements.append(
                    """
                    UPDATE alert_matches SET state = 'open', resolved_at = NULL, resolved_submission = NULL
                    FROM unnest(\(bind: reopened.map(\.alert)), \(bind: reopened.map(\.ticket))) AS m (alert, ticket)
                    WHERE alert_matches.alert_id = m.alert AND alert_matches.ticket_id = m.ticket
                    """)
            }
            if !resolved.isEmpty {
                statements.append(
                    """
                    UPDATE alert_matches SET state = 'resolved', resolved_at = m.at,
                    resolved_submission = \(bind: submission)
                    FROM unnest(\(bind: resolved.map(\.alert)), \(bind: resolved.map(\.ticket)),
                    \(bind: resolved.map(\.at))) AS m (alert, ticket, at)
                    WHERE alert_matches.alert_id = m.alert AND alert_matches.ticket_id = m.ticket
                    """)
            }
            return statements
        }

        private func statementsByAlert(organisation: Int64, submission: Int64?) -> [SQLQueryString] {
            var statements: [SQLQueryString] = []
            for start in stride(from: 0, to: opened.count, by: batchSize) {
                let rows = opened[start..<min(start + batchSize, opened.count)].map { pair -> SQLQueryString in
                    "(\(bind: pair.alert), \(bind: organisation), \(bind: pair.ticket), 'open', \(bind: pair.at))"
                }
                statements.append(
                    """
                    INSERT INTO alert_matches (alert_id, organisation_id, ticket_id, state, matched_at)
                    VALUES \(rows.joined(separator: ", "))
                    """)
            }
            for (key, pairs) in Self.byAlert(reopened) {
                for among in Self.batches(of: pairs.map(\.ticket)) {
                    statements.append(
                        """
                        UPDATE alert_matches SET state = 'open', resolved_at = NULL, resolved_submission = NULL
                        WHERE alert_id = \(bind: key.alert) AND ticket_id \(among)
                        """)
                }
            }
            for (key, pairs) in Self.byAlert(resolved) {
                for among in Self.batches(of: pairs.map(\.ticket)) {
                    statements.append(
                        """
                        UPDATE alert_matches SET state = 'resolved', resolved_at = \(bind: key.at),
                        resolved_submission = \(bind: submission) WHERE alert_id = \(bind: key.alert)
                        AND ticket_id \(among)
                        """)
                }
            }
            return statements
        }

        /// `IN (…)` conditions of at most ``batchSize`` bound ids each, for SQLite.
        private static func batches(of ids: [Int64]) -> [SQLQueryString] {
            stride(from: 0, to: ids.count, by: batchSize).map { start in
                let binds = ids[start..<min(start + batchSize, ids.count)].map { id -> SQLQueryString in "\(bind: id)" }
                return "IN (\(binds.joined(separator: ", ")))"
            }
        }

        /// An alert and a time: the pairs one SQLite statement can change alike.
        private struct AlertAt: Hashable, Comparable {
            var alert: Int64
            var at: Int64

            static func < (a: Self, b: Self) -> Bool { (a.alert, a.at) < (b.alert, b.at) }
        }

        /// `pairs` grouped by alert and time, in order.
        private static func byAlert(_ pairs: [Pair]) -> [(key: AlertAt, value: [Pair])] {
            Dictionary(grouping: pairs) { AlertAt(alert: $0.alert, at: $0.at) }.sorted { $0.key < $1.key }
        }
    }
}
