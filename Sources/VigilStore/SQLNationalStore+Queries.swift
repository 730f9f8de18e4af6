import Foundation
import SQLKit
import VigilCore

extension SQLNationalStore {
    public func tickets(organisation: Int64) async throws -> [Ticket] {
        try await snapshot { database in
            try await database.raw(
                """
                SELECT t.id, t.rule, t.subject, t.kind, t.area, t.severity, t.state, t.opened_at,
                COALESCE(s.last_seen_at, t.last_seen_at) AS last_seen_at, t.fixed_at, t.reopen_count, t.clock_started_at
                FROM tickets t LEFT JOIN ticket_sightings s ON s.ticket_id = t.id
                WHERE t.organisation_id = \(bind: organisation) AND t.is_current = 1 ORDER BY t.rule, t.subject
                """
            ).all().map(Self.ticket(row:))
        }
    }

    public func events(ticket: Int64) async throws -> [TicketEvent] {
        try await snapshot { database in
            try await database.raw(
                "SELECT kind, at, submission_id, actor FROM ticket_events WHERE ticket_id = \(bind: ticket) ORDER BY id"
            ).all().map { row in
                guard let kind = TicketEvent.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                    throw StoreError(.corrupt, "a ticket event has an unknown kind")
                }
                return TicketEvent(
                    kind: kind, at: Self.date(try row.decode(column: "at", as: Int64.self)),
                    submission: try row.decode(column: "submission_id", as: Int64?.self),
                    actor: try row.decode(column: "actor", as: String?.self))
            }
        }
    }

    public func daily(organisation: Int64) async throws -> [OrganisationDay] {
        try await snapshot { database in
            try await database.raw(
                "SELECT \(unsafeRaw: Self.dayColumns(of: nil)) FROM org_daily WHERE organisation_id = \(bind: organisation) ORDER BY day"
            ).all().map(Self.day(row:))
        }
    }

    public func overview() async throws -> [OverviewRow] {
        try await snapshot { database in
            let organisations = try await database.raw(
                "SELECT id, ods_code, name, kind, path FROM organisations ORDER BY path"
            ).all().map(Self.organisation(row:))
            // The latest day per organisation, from the aggregates alone: the overview never reads tickets.
            let latest = try await database.raw(
                """
                SELECT d.organisation_id, \(unsafeRaw: Self.dayColumns(of: "d"))
                FROM org_daily d JOIN (SELECT organisation_id, MAX(day) AS day FROM org_daily
                GROUP BY organisation_id) m ON m.organisation_id = d.organisation_id AND m.day = d.day
                """
            ).all()
            var days: [Int64: OrganisationDay] = [:]
            for row in latest {
                days[try row.decode(column: "organisation_id", as: Int64.self)] = try Self.day(row: row)
            }
            return organisations.map { OverviewRow(organisation: $0, latest: days[$0.id]) }
        }
    }

    static func ticket(row: any SQLRow) throws -> Ticket {
        guard let kind = Subject.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
            let area = AssessmentArea(rawValue: try row.decode(column: "area", as: String.self)),
            let state = Ticket.State(rawValue: try row.decode(column: "state", as: String.self)),
            let severity = Severity(rawValue: try row.decode(column: "severity", as: String.self))
        else { throw StoreError(.corrupt, "a ticket has an unknown kind, area, state or severity") }
        return Ticket(
            id: try row.decode(column: "id", as: Int64.self),
            rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)),
            subject: try row.decode(column: "subject", as: String.self), kind: kind, area: area, severity: severity,
            state: state, openedAt: date(try row.decode(column: "opened_at", as: Int64.self)),
            lastSeenAt: date(try row.decode(column: "last_seen_at", as: Int64.self)),
            fixedAt: try row.decode(column: "fixed_at", as: Int64?.self).map(date),
            reopenCount: Int(try row.decode(column: "reopen_count", as: Int64.self)),
            clockStartedAt: try row.decode(column: "clock_started_at", as: Int64?.self).map(date))
    }

    /// The `org_daily` columns ``day(row:)`` reads, of the table aliased `alias`: not the stored score basis, which
    /// only the summaries read.
    static func dayColumns(of alias: String?) -> String {
        [
            "day", "open_critical", "open_high", "open_medium", "open_low", "open_info", "unverified", "fixed",
            "submissions",
        ]
        .map { column in (alias.map { $0 + "." } ?? "") + column }.joined(separator: ", ")
    }

    static func day(row: any SQLRow) throws -> OrganisationDay {
        func count(_ column: String) throws -> Int { Int(try row.decode(column: column, as: Int64.self)) }
        return OrganisationDay(
            day: try row.decode(column: "day", as: String.self),
            open: [
                .critical: try count("open_critical"), .high: try count("open_high"),
                .medium: try count("open_medium"), .low: try count("open_low"), .info: try count("open_info"),
            ],
            unverified: try count("unverified"), fixed: try count("fixed"), submissions: try count("submissions"))
    }

    static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
}
