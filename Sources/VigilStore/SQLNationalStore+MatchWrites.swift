import SQLKit

extension SQLNationalStore {
    /// The alert-match changes of one organisation's evaluation, across all its alerts, written together: on
    /// PostgreSQL a statement per kind of change whatever the number of alerts (a submission touched the matches of
    /// two or three alerts, each a statement per kind: two in five of ingest's statements there), the pairs as array
    /// parameters unnested; on SQLite, where a statement costs no round trip, the new matches as rows of bound values
    /// and the updates per alert and time.
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

        /// Writes the changes; a resolution names `submission`, the evidence, when there is one.
        func apply(organisation: Int64, submission: Int64?, on database: any SQLDatabase) async throws {
            guard !isEmpty else { return }
            if isPostgres(database) {
                try await applyUnnested(organisation: organisation, submission: submission, on: database)
            } else {
                try await applyByAlert(organisation: organisation, submission: submission, on: database)
            }
        }

        private func applyUnnested(organisation: Int64, submission: Int64?, on database: any SQLDatabase)
            async throws
        {
            if !opened.isEmpty {
                try await database.raw(
                    """
                    INSERT INTO alert_matches (alert_id, organisation_id, ticket_id, state, matched_at)
                    SELECT m.alert, \(bind: organisation), m.ticket, 'open', m.at
                    FROM unnest(\(bind: opened.map(\.alert)), \(bind: opened.map(\.ticket)),
                    \(bind: opened.map(\.at))) AS m (alert, ticket, at)
                    """
                ).run()
            }
            if !reopened.isEmpty {
                try await database.raw(
                    """
                    UPDATE alert_matches SET state = 'open', resolved_at = NULL, resolved_submission = NULL
                    FROM unnest(\(bind: reopened.map(\.alert)), \(bind: reopened.map(\.ticket))) AS m (alert, ticket)
                    WHERE alert_matches.alert_id = m.alert AND alert_matches.ticket_id = m.ticket
                    """
                ).run()
            }
            if !resolved.isEmpty {
                try await database.raw(
                    """
                    UPDATE alert_matches SET state = 'resolved', resolved_at = m.at,
                    resolved_submission = \(bind: submission)
                    FROM unnest(\(bind: resolved.map(\.alert)), \(bind: resolved.map(\.ticket)),
                    \(bind: resolved.map(\.at))) AS m (alert, ticket, at)
                    WHERE alert_matches.alert_id = m.alert AND alert_matches.ticket_id = m.ticket
                    """
                ).run()
            }
        }

        private func applyByAlert(organisation: Int64, submission: Int64?, on database: any SQLDatabase)
            async throws
        {
            for start in stride(from: 0, to: opened.count, by: batchSize) {
                let rows = opened[start..<min(start + batchSize, opened.count)].map { pair -> SQLQueryString in
                    "(\(bind: pair.alert), \(bind: organisation), \(bind: pair.ticket), 'open', \(bind: pair.at))"
                }
                try await database.raw(
                    """
                    INSERT INTO alert_matches (alert_id, organisation_id, ticket_id, state, matched_at)
                    VALUES \(rows.joined(separator: ", "))
                    """
                ).run()
            }
            for (key, pairs) in Self.byAlert(reopened) {
                try await forEachBatch(of: pairs.map(\.ticket), on: database) { among in
                    try await database.raw(
                        """
                        UPDATE alert_matches SET state = 'open', resolved_at = NULL, resolved_submission = NULL
                        WHERE alert_id = \(bind: key.alert) AND ticket_id \(among)
                        """
                    ).run()
                }
            }
            for (key, pairs) in Self.byAlert(resolved) {
                try await forEachBatch(of: pairs.map(\.ticket), on: database) { among in
                    try await database.raw(
                        """
                        UPDATE alert_matches SET state = 'resolved', resolved_at = \(bind: key.at),
                        resolved_submission = \(bind: submission) WHERE alert_id = \(bind: key.alert)
                        AND ticket_id \(among)
                        """
                    ).run()
                }
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
