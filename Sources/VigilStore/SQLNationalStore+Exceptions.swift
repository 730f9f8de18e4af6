public import Foundation
import SQLKit
import VigilCore

/// Exceptions that expire (docs/decisions/0001-national-service.md, "Exceptions"): a member of the ticket's
/// organisation (or a national analyst) asks, with a reason, compensating controls and an expiry; a national analyst
/// other than the requester approves or rejects; while approved and unexpired the ticket is `excepted` and not counted
/// as open exposure; at expiry it opens again with its remediation clock restarted. Every step is a row of the
/// append-only `exception_events`, with who, when and which ticket; the ticket's own history records the exception
/// and the reactivation too. No timer runs: expiries are swept by each submission of the organisation, by the server
/// on request bursts, and by `vigil admin sweep`.
extension SQLNationalStore {
    public func requestException(_ request: NewException, by user: Int64, at: Date) async throws -> ExceptionRecord {
        let reason = try Self.line(request.reason, field: "reason", limit: 500)
        let controls = try Self.line(request.controls, field: "controls", limit: 1_000)
        let now = Self.seconds(at)
        let expires = Self.seconds(request.expiresAt)
        guard expires > now, Double(expires - now) <= ExceptionRecord.longest else {
            throw StoreError(.invalidException, "an exception expires after it is requested, within 365 days")
        }
        return try await transaction { database in
            let person = try await Self.person(user, on: database)
            guard let ticket = try await Self.exceptionTicket(request.ticket, on: database) else {
                throw StoreError(.unknownException, "no ticket has that id")
            }
            switch person.role {
            case .nationalAnalyst:
                break
            case .organisationMember:
                // Another organisation's ticket answers as an unknown one: a member learns nothing of others.
                guard person.organisation?.id == ticket.organisation else {
                    throw StoreError(.unknownException, "no ticket has that id")
                }
            case .regionalViewer:
                throw StoreError(.forbidden, "a regional viewer cannot request exceptions")
            }
            try await self.lockOrganisation(ticket.organisation, on: database)
            // Expiries first: an exception past its expiry but not yet swept must neither block this request nor
            // later reopen a ticket this request's approval excepts.
            _ = try await Self.sweepExceptions(organisation: ticket.organisation, at: now, on: database)
            guard let live = try await Self.exceptionTicket(ticket.id, on: database), live.current,
                live.state == .open || live.state == .unverified
            else {
                throw StoreError(.invalidException, "only an open or unverified ticket can be excepted")
            }
            let pending = try await database.raw(
                """
                SELECT id FROM exceptions WHERE ticket_id = \(bind: ticket.id)
                AND state IN ('requested', 'approved') AND expires_at > \(bind: now)
                """
            ).first()
            guard pending == nil else {
                throw StoreError(.invalidException, "the ticket has an exception requested or in force already")
            }
            if let alert = request.alert {
                let match = try await database.raw(
                    """
                    SELECT ticket_id FROM alert_matches WHERE alert_id = \(bind: alert)
                    AND ticket_id = \(bind: ticket.id) AND state = 'open'
                    """
                ).first()
                guard match != nil else {
                    throw StoreError(.invalidException, "the alert has no open match on that ticket")
                }
            }
            guard
                let row = try await database.raw(
                    """
                    INSERT INTO exceptions (organisation_id, ticket_id, alert_id, reason, controls, state, requested_by,
                    requested_at, expires_at)
                    VALUES (\(bind: ticket.organisation), \(bind: ticket.id), \(bind: request.alert), \(bind: reason),
                    \(bind: controls), 'requested', \(bind: person.id), \(bind: now), \(bind: expires)) RETURNING id
                    """
                ).first()
            else { throw StoreError(.corrupt, "the new exception's id was not returned") }
            let id = try row.decode(column: "id", as: Int64.self)
            try await Self.exceptionEvent(
                .requested, exception: id, ticket: ticket.id, at: now, user: person.id, on: database)
            return try await Self.exceptionRecord(id, at: at, on: database)
        }
    }

    public func decideException(
        _ id: Int64, decision: ExceptionDecision, by user: Int64, expiresAt: Date?, at: Date
    ) async throws -> ExceptionRecord {
        let now = Self.seconds(at)
        return try await transaction { database in
            let person = try await Self.person(user, on: database)
            guard person.role == .nationalAnalyst else {
                throw StoreError(.forbidden, "only a national analyst decides exceptions")
            }
            guard
                let row = try await database.raw(
                    """
                    SELECT organisation_id, ticket_id, state, requested_by, expires_at FROM exceptions
                    WHERE id = \(bind: id)
                    """
                ).first()
            else { throw StoreError(.unknownException, "no exception has that id") }
            let organisation = try row.decode(column: "organisation_id", as: Int64.self)
            try await self.lockOrganisation(organisation, on: database)
            _ = try await Self.sweepExceptions(organisation: organisation, at: now, on: database)
            let requested = try row.decode(column: "expires_at", as: Int64.self)
            // Read again under the lock: the state may have changed (or lapsed in the sweep) since the first read.
            let state = try await database.raw("SELECT state FROM exceptions WHERE id = \(bind: id)").first()?
                .decode(column: "state", as: String.self)
            guard state == ExceptionRecord.State.requested.rawValue, requested > now else {
                throw StoreError(.invalidException, "the exception was decided already or has expired")
            }
            guard try row.decode(column: "requested_by", as: Int64.self) != person.id else {
                throw StoreError(.forbidden, "an exception is decided by someone other than its requester")
            }
            let ticketID = try row.decode(column: "ticket_id", as: Int64.self)
            switch decision {
            case .rejected:
                try await database.raw(
                    """
                    UPDATE exceptions SET state = 'rejected', decided_by = \(bind: person.id), decided_at = \(bind: now)
                    WHERE id = \(bind: id)
                    """
                ).run()
                try await Self.exceptionEvent(
                    .rejected, exception: id, ticket: ticketID, at: now, user: person.id, on: database)
            case .approved:
                let expires = expiresAt.map(Self.seconds) ?? requested
                guard expires <= requested else {
                    throw StoreError(
                        .invalidException, "an approval may bring the expiry forward, never later than requested")
                }
                guard expires > now, Double(expires - now) <= ExceptionRecord.longest else {
                    throw StoreError(.invalidException, "an exception expires after it is approved, within 365 days")
                }
                guard let ticket = try await Self.exceptionTicket(ticketID, on: database), ticket.current,
                    ticket.state == .open || ticket.state == .unverified
                else {
                    throw StoreError(.invalidException, "the ticket is no longer open: nothing to except")
                }
                try await database.raw(
                    """
                    UPDATE exceptions SET state = 'approved', decided_by = \(bind: person.id), decided_at = \(bind: now),
                    expires_at = \(bind: expires) WHERE id = \(bind: id)
                    """
                ).run()
                try await database.raw("UPDATE tickets SET state = 'excepted' WHERE id = \(bind: ticketID)").run()
                try await Self.ticketEvent(.excepted, ticket: ticketID, at: now, actor: person.login, on: database)
                try await Self.exceptionEvent(
                    .approved, exception: id, ticket: ticketID, at: now, user: person.id, on: database)
                try await Self.refreshDay(
                    organisation: organisation, day: Self.day(at), submission: false, on: database)
            }
            return try await Self.exceptionRecord(id, at: at, on: database)
        }
    }

    public func exceptions(at now: Date) async throws -> [ExceptionRecord] {
        try await snapshot { try await Self.exceptionRecords(id: nil, at: now, on: $0) }
    }

    /// One organisation's exceptions, newest first (its page says which findings are accepted risk).
    public func exceptions(organisation: Int64, at now: Date) async throws -> [ExceptionRecord] {
        try await snapshot { try await Self.exceptionRecords(id: nil, organisation: organisation, at: now, on: $0) }
    }

    public func sweepExceptions(at now: Date) async throws -> Int {
        let seconds = Self.seconds(now)
        let organisations = try await snapshot { database in
            try await database.raw(
                """
                SELECT DISTINCT organisation_id FROM exceptions
                WHERE state IN ('requested', 'approved') AND expires_at <= \(bind: seconds) ORDER BY organisation_id
                """
            ).all().map { try $0.decode(column: "organisation_id", as: Int64.self) }
        }
        var ended = 0
        // One organisation per transaction, its row locked as a submission locks it: a sweep never holds two
        // organisations at once, so it cannot deadlock with submissions, and two servers sweeping at once find the
        // second pass empty.
        for organisation in organisations {
            ended += try await transaction { database in
                try await self.lockOrganisation(organisation, on: database)
                return try await Self.sweepExceptions(organisation: organisation, at: seconds, on: database)
            }
        }
        return ended
    }

    /// Ends the organisation's exceptions past their expiry at `now` (the caller holds its lock): a request never
    /// decided lapses; an approved one reactivates its ticket if still excepted, restarting its clock at the expiry.
    static func sweepExceptions(organisation: Int64, at now: Int64, on database: any SQLDatabase) async throws -> Int {
        let due = try await database.raw(
            """
            SELECT id, ticket_id, state, expires_at FROM exceptions WHERE organisation_id = \(bind: organisation)
            AND state IN ('requested', 'approved') AND expires_at <= \(bind: now) ORDER BY id
            """
        ).all()
        var reactivated = false
        for row in due {
            let id = try row.decode(column: "id", as: Int64.self)
            let ticket = try row.decode(column: "ticket_id", as: Int64.self)
            let expired = try row.decode(column: "expires_at", as: Int64.self)
            try await database.raw(
                "UPDATE exceptions SET state = 'expired', ended_at = \(bind: expired) WHERE id = \(bind: id)"
            ).run()
            try await exceptionEvent(.expired, exception: id, ticket: ticket, at: expired, user: nil, on: database)
            guard try row.decode(column: "state", as: String.self) == ExceptionRecord.State.approved.rawValue else {
                continue
            }
            // Evidence may have fixed the ticket meanwhile (an exception never hides a fix): then nothing reopens.
            let excepted = try await database.raw(
                "SELECT id FROM tickets WHERE id = \(bind: ticket) AND is_current = 1 AND state = 'excepted'"
            ).first()
            guard excepted != nil else { continue }
            try await database.raw(
                "UPDATE tickets SET state = 'open', clock_started_at = \(bind: expired) WHERE id = \(bind: ticket)"
            ).run()
            try await ticketEvent(.reactivated, ticket: ticket, at: expired, actor: sweepActor, on: database)
            try await exceptionEvent(
                .reactivated, exception: id, ticket: ticket, at: expired, user: nil, on: database)
            reactivated = true
        }
        if reactivated {
            try await refreshDay(organisation: organisation, day: day(date(now)), submission: false, on: database)
        }
        return due.count
    }

    /// Who an expiry's events name: no person ends an exception, its date does.
    static let sweepActor = "sweep"

    // MARK: - Rows

    /// The ticket an exception concerns, as the checks need it.
    struct ExceptionTicket: Sendable {
        var id: Int64
        var organisation: Int64
        var state: Ticket.State
        var current: Bool
    }

    static func exceptionTicket(_ id: Int64, on database: any SQLDatabase) async throws -> ExceptionTicket? {
        guard
            let row = try await database.raw(
                "SELECT id, organisation_id, state, is_current FROM tickets WHERE id = \(bind: id)"
            ).first()
        else { return nil }
        guard let state = Ticket.State(rawValue: try row.decode(column: "state", as: String.self)) else {
            throw StoreError(.corrupt, "a ticket has an unknown state")
        }
        return ExceptionTicket(
            id: id, organisation: try row.decode(column: "organisation_id", as: Int64.self), state: state,
            current: try row.decode(column: "is_current", as: Int64.self) == 1)
    }

    /// The person with `id`, or a refusal: an unknown or disabled person may do nothing.
    static func person(_ id: Int64, on database: any SQLDatabase) async throws -> UserRecord {
        guard let row = try await database.raw("\(unsafeRaw: userQuery) WHERE u.id = \(bind: id)").first() else {
            throw StoreError(.forbidden, "no person has that id")
        }
        let person = try user(row: row)
        guard person.disabledAt == nil else { throw StoreError(.forbidden, "the person is disabled") }
        return person
    }

    static func exceptionEvent(
        _ kind: ExceptionEvent.Kind, exception: Int64, ticket: Int64, at: Int64, user: Int64?,
        on database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO exception_events (exception_id, kind, at, user_id, actor, ticket_id)
            VALUES (\(bind: exception), \(bind: kind.rawValue), \(bind: at), \(bind: user),
            \(bind: user == nil ? sweepActor : nil), \(bind: ticket))
            """
        ).run()
    }

    /// A ticket event a person or an expiry caused, not evidence: no submission, an actor.
    static func ticketEvent(
        _ kind: TicketEvent.Kind, ticket: Int64, at: Int64, actor: String, on database: any SQLDatabase
    ) async throws {
        try await database.raw(
            "INSERT INTO ticket_events (ticket_id, kind, at, actor) VALUES (\(bind: ticket), \(bind: kind.rawValue), \(bind: at), \(bind: actor))"
        ).run()
    }

    static func exceptionRecord(_ id: Int64, at now: Date, on database: any SQLDatabase) async throws
        -> ExceptionRecord
    {
        guard let record = try await exceptionRecords(id: id, at: now, on: database).first else {
            throw StoreError(.unknownException, "no exception has that id")
        }
        return record
    }

    /// Exceptions with their ticket, organisation, people and history, newest first; one when `id` is given, one
    /// organisation's when `organisation` is.
    static func exceptionRecords(
        id: Int64?, organisation organisationID: Int64? = nil, at now: Date, on database: any SQLDatabase
    ) async throws -> [ExceptionRecord] {
        let filter: SQLQueryString
        let eventFilter: SQLQueryString
        if let id {
            filter = "WHERE e.id = \(bind: id)"
            eventFilter = "WHERE v.exception_id = \(bind: id)"
        } else if let organisationID {
            filter = "WHERE e.organisation_id = \(bind: organisationID)"
            eventFilter =
                "WHERE v.exception_id IN (SELECT id FROM exceptions WHERE organisation_id = \(bind: organisationID))"
        } else {
            filter = ""
            eventFilter = ""
        }
        var events: [Int64: [ExceptionEvent]] = [:]
        for row in try await database.raw(
            """
            SELECT v.exception_id, v.kind, v.at, v.actor, v.ticket_id, u.login FROM exception_events v
            LEFT JOIN users u ON u.id = v.user_id \(eventFilter) ORDER BY v.id
            """
        ).all() {
            guard let kind = ExceptionEvent.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else {
                throw StoreError(.corrupt, "an exception event has an unknown kind")
            }
            let who =
                try row.decode(column: "login", as: String?.self) ?? row.decode(column: "actor", as: String?.self)
                ?? sweepActor
            events[try row.decode(column: "exception_id", as: Int64.self), default: []].append(
                ExceptionEvent(
                    kind: kind, at: date(try row.decode(column: "at", as: Int64.self)), who: who,
                    ticket: try row.decode(column: "ticket_id", as: Int64.self)))
        }
        return try await database.raw(
            """
            SELECT e.id AS e_id, e.alert_id, e.reason, e.controls, e.state AS e_state, e.requested_at, e.expires_at,
            e.decided_at, e.ended_at, r.login AS requester, d.login AS decider, t.id AS t_id, t.rule, t.subject,
            t.severity, t.state AS t_state, o.id, o.ods_code, o.name, o.kind, o.path
            FROM exceptions e JOIN tickets t ON t.id = e.ticket_id JOIN organisations o ON o.id = e.organisation_id
            JOIN users r ON r.id = e.requested_by LEFT JOIN users d ON d.id = e.decided_by
            \(filter) ORDER BY e.id DESC
            """
        ).all().map { row in
            guard let state = ExceptionRecord.State(rawValue: try row.decode(column: "e_state", as: String.self)),
                let ticketState = Ticket.State(rawValue: try row.decode(column: "t_state", as: String.self)),
                let severity = Severity(rawValue: try row.decode(column: "severity", as: String.self))
            else { throw StoreError(.corrupt, "an exception has an unknown state, or its ticket an unknown one") }
            let id = try row.decode(column: "e_id", as: Int64.self)
            let ticket = ExceptionRecord.TicketSummary(
                id: try row.decode(column: "t_id", as: Int64.self),
                rule: RuleID(rawValue: try row.decode(column: "rule", as: String.self)),
                subject: try row.decode(column: "subject", as: String.self), severity: severity, state: ticketState)
            return ExceptionRecord(
                id: id, organisation: try organisation(row: row), ticket: ticket,
                alert: try row.decode(column: "alert_id", as: Int64?.self),
                reason: try row.decode(column: "reason", as: String.self),
                controls: try row.decode(column: "controls", as: String.self), state: state,
                requestedBy: try row.decode(column: "requester", as: String.self),
                requestedAt: date(try row.decode(column: "requested_at", as: Int64.self)),
                expiresAt: date(try row.decode(column: "expires_at", as: Int64.self)),
                decidedBy: try row.decode(column: "decider", as: String?.self),
                decidedAt: try row.decode(column: "decided_at", as: Int64?.self).map(date),
                endedAt: try row.decode(column: "ended_at", as: Int64?.self).map(date), events: events[id] ?? [],
                at: now)
        }
    }

    /// `text` trimmed when it is one line of 1 to `limit` characters, else an error naming `field` (never quoting
    /// the text).
    static func line(_ text: String, field: String, limit: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard (1...limit).contains(trimmed.count),
            !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else { throw StoreError(.invalidException, "the \(field) is one line of 1 to \(limit) characters") }
        return trimmed
    }
}
