import Foundation
import SQLKit
import VigilCore
import VigilSubmission

extension SQLNationalStore {
    /// A current ticket as ingest reads it: what the ticket planner needs, and the stored values a change compares
    /// with (severity, advisories) or the alert planner reads (``AlertPlanner/TicketView``).
    struct StoredTicket: Sendable {
        var planned: TicketPlanner.Current
        var severity: String
        var advisories: String
        /// A submission before the one being applied that showed the ticket: the one that opened it, kept on the
        /// ticket's own row, not its latest sighting. The alert planner asks only whether the submission being
        /// applied showed a ticket (``AlertPlanner/TicketView/lastSubmission``), and that the changes say: reading
        /// each live ticket's sighting too was half of PostgreSQL's time in this read (bench/ingest-cpu.sh).
        var lastSubmission: Int64
        var openedAt: Int64
    }

    /// The organisation's current tickets the planner needs for `submission` (``TicketPlanner/plan(_:current:retiredThrough:)``):
    /// every one not fixed, and the fixed ones that a finding without a live ticket names (to reopen or supersede).
    /// A fixed ticket no finding names stays as it is, so it is not read: a year of weekly history holds six fixed
    /// current tickets for every live one. The fixed ones are looked up by exact rule and subject, and only for
    /// findings new this week — most of a weekly submission was live the week before — so the look-up is a few
    /// index probes, not one per finding (bench/service.sh).
    static func currentTickets(organisation: Int64, for submission: Submission, on database: any SQLDatabase)
        async throws -> [StoredTicket]
    {
        let columns: SQLQueryString = """
            SELECT \(unsafeRaw: StoredTicket.head) AS head, t.subject, t.advisories
            FROM tickets t
            """
        var current = try await database.raw(
            """
            \(columns)
            WHERE t.organisation_id = \(bind: organisation) AND t.is_current = 1 AND t.state <> 'fixed'
            """
        ).all().map(Self.storedTicket(row:))
        let live = Set(current.map { TicketKey(rule: $0.planned.rule, subject: $0.planned.subject) })
        var unmatched = Set<TicketKey>()
        let keys = submission.findings.map { TicketKey(rule: $0.rule, subject: $0.subject) }.filter {
            !live.contains($0) && unmatched.insert($0).inserted
        }
        for start in stride(from: 0, to: keys.count, by: batchSize / 2) {
            let batch = keys[start..<min(start + batchSize / 2, keys.count)]
            // Joined with the pairs as a table rather than `(rule, subject) IN (…)`, which PostgreSQL took most of a
            // millisecond to plan for 24 pairs; there the pairs are two array parameters, unnested.
            let wanted: SQLQueryString
            if isPostgres(database) {
                wanted = "SELECT * FROM unnest(\(bind: batch.map(\.rule.rawValue)), \(bind: batch.map(\.subject)))"
            } else {
                let pairs = batch.map { key -> SQLQueryString in "(\(bind: key.rule.rawValue), \(bind: key.subject))" }
                wanted = "VALUES \(pairs.joined(separator: ", "))"
            }
            current += try await database.raw(
                """
                WITH wanted (rule, subject) AS (\(wanted))
                \(columns) JOIN wanted w ON w.rule = t.rule AND w.subject = t.subject
                WHERE t.organisation_id = \(bind: organisation) AND t.is_current = 1 AND t.state = 'fixed'
                """
            ).all().map(Self.storedTicket(row:))
        }
        return current
    }

    /// A rule and a subject: what identifies a current ticket.
    typealias TicketKey = TicketPlanner.Key

    static func storedTicket(row: any SQLRow) throws -> StoredTicket {
        let head = try row.decode(column: "head", as: String.self)
        guard let fields = StoredTicket.Head(head) else {
            throw StoreError(.corrupt, "a ticket has an unknown kind, area or state, or a time out of range")
        }
        let planned = TicketPlanner.Current(
            id: fields.id, rule: fields.rule, subject: try row.decode(column: "subject", as: String.self),
            kind: fields.kind, area: fields.area, state: fields.state,
            fixedAt: fields.fixedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) })
        return StoredTicket(
            planned: planned, severity: fields.severity,
            advisories: try row.decode(column: "advisories", as: String.self),
            lastSubmission: fields.lastSubmission, openedAt: fields.openedAt)
    }

    /// A live ticket (current, not fixed) once a submission's changes are applied: what the alerts, the day's counts
    /// and the stored score read of it.
    struct LiveTicket: Sendable, Hashable {
        var id: Int64
        var rule: RuleID
        var severity: Severity
        var state: Ticket.State
        var advisories: String
        var lastSubmission: Int64
        var openedAt: Int64

        /// As the alert planner reads it (``ticketViews(organisation:on:)``).
        var view: AlertPlanner.TicketView {
            AlertPlanner.TicketView(
                id: id, rule: rule, state: state, advisories: Set(advisories.split(separator: ",").map(String.init)),
                lastSubmission: lastSubmission, openedAt: openedAt)
        }
    }

    /// The organisation's live tickets once `changes` are applied, as reading them back in the same transaction
    /// would give them: ``apply(_:of:submission:organisation:on:)`` writes exactly these states,
    /// severities, advisories and sightings, so the alerts, the day's counts and the score's open half are worked
    /// out without reading or grouping the tickets again (``recordDay(_:fixed:organisation:day:lastEvidence:kept:deferring:on:)``).
    /// `stored` holds the current tickets read, by id; `opened` the new tickets' ids, in the order of the `.open`
    /// changes. Sorted by id.
    static func live(
        after changes: [TicketPlanner.Change], of submission: Submission, submission id: Int64,
        stored: [Int64: StoredTicket], opened: [Int64]
    ) -> [LiveTicket] {
        var live: [Int64: LiveTicket] = [:]
        for ticket in stored.values where ticket.planned.state != .fixed {
            live[ticket.planned.id] = LiveTicket(
                id: ticket.planned.id, rule: ticket.planned.rule,
                severity: Severity(rawValue: ticket.severity) ?? .info, state: ticket.planned.state,
                advisories: ticket.advisories, lastSubmission: ticket.lastSubmission, openedAt: ticket.openedAt)
        }
        let at = seconds(submission.assessedAt)
        func seen(_ ticket: Int64, state: Ticket.State, finding position: Int, openedAt: Int64) {
            let finding = submission.findings[position]
            live[ticket] = LiveTicket(
                id: ticket, rule: finding.rule, severity: finding.severity, state: state,
                advisories: advisories(finding), lastSubmission: id, openedAt: openedAt)
        }
        var newTickets = opened.makeIterator()
        for change in changes {
            switch change {
            case .open(let finding, _):
                guard let ticket = newTickets.next() else { continue }
                seen(ticket, state: .open, finding: finding, openedAt: at)
            case .seen(let ticket, let finding, _):
                let state: Ticket.State = stored[ticket]?.planned.state == .excepted ? .excepted : .open
                seen(ticket, state: state, finding: finding, openedAt: stored[ticket]?.openedAt ?? at)
            case .reopen(let ticket, let finding):
                seen(ticket, state: .open, finding: finding, openedAt: stored[ticket]?.openedAt ?? at)
            case .fix(let ticket):
                live[ticket] = nil
            case .unverify(let ticket):
                live[ticket]?.state = .unverified
            }
        }
        return live.values.sorted { $0.id < $1.id }
    }

    /// What a submission's changes did to the organisation's fixed tickets: how many more current tickets are fixed
    /// (each fix adds one; a reopening, and a fixed ticket superseded by a new one, take one away), and the tickets
    /// that joined (fixed) or left (reopened) the score's fixed half, as ``FixedTally`` keys.
    struct FixedChanges: Sendable {
        var current: Int64 = 0
        var added: [FixedTally.Key] = []
        var removed: [FixedTally.Key] = []
        /// False when a time read from the database is so far out that the time taken overflows: the tally is then
        /// counted again in the database rather than moved.
        var computable = true

        init(_ changes: [TicketPlanner.Change], stored: [Int64: StoredTicket], at: Int64) {
            func key(_ ticket: StoredTicket, fixedAt: Int64) -> FixedTally.Key? {
                let (taken, overflow) = fixedAt.subtractingReportingOverflow(ticket.openedAt)
                guard !overflow else { return nil }
                return FixedTally.Key(
                    severity: Severity(rawValue: ticket.severity) ?? .info,
                    exploited: ticket.planned.rule == .updateMissingExploited, taken: taken)
            }
            for change in changes {
                switch change {
                case .fix(let id):
                    current += 1
                    guard let ticket = stored[id] else { continue }
                    if let key = key(ticket, fixedAt: at) { added.append(key) } else { computable = false }
                case .reopen(let id, _):
                    current -= 1
                    guard let ticket = stored[id], let fixedAt = ticket.planned.fixedAt else { continue }
                    if let key = key(ticket, fixedAt: seconds(fixedAt)) {
                        removed.append(key)
                    } else {
                        computable = false
                    }
                case .open(_, .some):
                    current -= 1
                case .open, .seen, .unverify:
                    break
                }
            }
        }

        /// `tally` moved by these changes; nil if it did not hold a ticket reopened here (then it does not describe
        /// the tickets, and they are counted again) or a time taken overflowed.
        func applied(to tally: FixedTally) -> FixedTally? {
            guard computable else { return nil }
            var tally = tally
            for key in removed {
                guard tally.remove(key) else { return nil }
            }
            for key in added { tally.add(key) }
            return tally
        }
    }

    /// The organisation's ``KeptCounts``, read.
    static func keptCounts(organisation: Int64, on database: any SQLDatabase) async throws -> KeptCounts {
        try KeptCounts(
            row: try await database.raw(
                """
                SELECT \(KeptCounts.columns) FROM organisations o \(KeptCounts.join(organisation: organisation))
                WHERE o.id = \(bind: organisation)
                """
            ).first())
    }

    /// Writes the organisation's daily row and stored score after a submission, from its live tickets (`live`)
    /// rather than by counting and grouping its tickets in the database again — kept in `deferred`, for the caller
    /// to send with its other writes, unless they are counted in the database (below): the open counts, the open
    /// findings by rule and the score's open half come from `live`; the fixed count from the organisation's latest
    /// daily row (every change of tickets rewrites it:
    /// ``writeDay(_:organisation:day:submission:laterDays:score:on:)``) and the score's fixed half from its stored
    /// tally (``FixedTally``), both moved by `fixed`. An organisation without a daily row yet,
    /// or whose tally is missing or disagrees, is counted in the database.
    static func recordDay(
        _ live: [LiveTicket], fixed: FixedChanges, organisation: Int64, day: String, lastEvidence: Int64,
        kept known: KeptCounts? = nil, deferring deferred: inout DeferredWrites, on database: any SQLDatabase
    ) async throws {
        let kept: KeptCounts
        if let known {
            kept = known
        } else {
            kept = try await keptCounts(organisation: organisation, on: database)
        }
        // No daily row yet, or a count so far out that moving it overflows: counted in the database instead.
        guard let latestFixed = kept.latestFixed,
            case (let fixedNow, false) = latestFixed.addingReportingOverflow(fixed.current)
        else {
            try await refreshDay(organisation: organisation, day: day, on: database)
            return
        }
        // The tally is a record kept for speed, not evidence: one that is missing, damaged or disagrees with a
        // reopening is counted again from the tickets (and written back below), never a reason to refuse the
        // submission.
        let tally: FixedTally
        if let text = kept.fixedGroups, let stored = try? FixedTally(encoded: text),
            let moved = fixed.applied(to: stored)
        {
            tally = moved
        } else {
            tally = try await fixedTally(organisation: organisation, on: database)
        }
        var counts = DayCounts(fixed: fixedNow)
        var openByRule: [RuleID: Int] = [:]
        var open: [ScoreBasis.OpenGroup] = []
        let exploited = RuleID.updateMissingExploited
        for ticket in live {
            counts.add(state: ticket.state, severity: ticket.severity)
            guard ticket.state == .open || ticket.state == .unverified else { continue }
            openByRule[ticket.rule, default: 0] += 1
            open.append(
                ScoreBasis.OpenGroup(
                    severity: ticket.severity, exploited: ticket.rule == exploited,
                    openedAt: TimeInterval(ticket.openedAt), count: 1))
        }
        let score = StoredScore(
            basis: ScoreBasis(open: open, fixed: tally.groups), openByRule: openByRule, lastEvidence: lastEvidence)
        // Later days than the latest row there are none; with a row of a later day, they take these counts too.
        deferred.add(
            contentsOf: dayStatements(
                counts, organisation: organisation, day: day, submission: true,
                laterDays: kept.latestDay.map { $0 > day } ?? false, score: score))
        deferred.add(currentStatement(score, fixed: tally, organisation: organisation))
    }
}
