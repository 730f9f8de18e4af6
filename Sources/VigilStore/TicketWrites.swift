import VigilSubmission

/// A submission's planned ticket changes (``TicketPlanner/Change``) sorted into what each write sets: the tickets
/// whose sighting moves, those rewritten with a new severity or advisories, reopened, fixed, made unverified or
/// superseded by a new ticket, the findings that open tickets, and the events of all but the new tickets (whose ids
/// the insert returns). Both databases write these sets; PostgreSQL in one statement
/// with the submission's record (``SQLNationalStore/recordAndApplyAtOnce(_:of:digest:organisation:applies:counts:receivedAt:on:)``).
struct TicketWrites {
    /// A ticket seen again whose row changes: its severity and advisories as the finding now gives them.
    struct Rewrite {
        var ticket: Int64
        var severity: String
        var advisories: String
    }

    /// Old tickets a recurrence replaces as the current ticket of their rule and subject.
    var superseded: [Int64] = []
    /// Positions in the submission of the findings that open a ticket.
    var opened: [Int] = []
    /// Tickets seen by this submission (reopened ones included): their sighting moves.
    var sighted: [Int64] = []
    /// Seen tickets whose row changes (confirmed, or with a new severity or advisories).
    var rewritten: [Rewrite] = []
    /// Tickets reopened, with their finding's severity and advisories.
    var reopened: [Rewrite] = []
    /// Tickets fixed by this submission's evidence.
    var fixed: [Int64] = []
    /// Tickets this submission covered no longer verifiably.
    var unverified: [Int64] = []
    /// One event per changed ticket but the new ones, in the order of the changes.
    var events: [(ticket: Int64, kind: TicketEvent.Kind)] = []

    /// Sorts `changes` of `submission`; `stored` (the current tickets by id) says which seen tickets are unchanged.
    init(_ changes: [TicketPlanner.Change], of submission: Submission, stored: [Int64: SQLNationalStore.StoredTicket]) {
        for change in changes {
            switch change {
            case .open(let position, let superseding):
                if let superseding { superseded.append(superseding) }
                opened.append(position)
            case .seen(let ticket, let position, let confirmed):
                let rewrite = Self.rewrite(ticket, as: submission.findings[position])
                let unchanged = stored[ticket].map {
                    $0.severity == rewrite.severity && $0.advisories == rewrite.advisories
                }
                sighted.append(ticket)
                if confirmed || unchanged != true { rewritten.append(rewrite) }
                if confirmed { events.append((ticket, .confirmed)) }
            case .reopen(let ticket, let position):
                reopened.append(Self.rewrite(ticket, as: submission.findings[position]))
                sighted.append(ticket)
                events.append((ticket, .reopened))
            case .fix(let ticket):
                fixed.append(ticket)
                events.append((ticket, .fixed))
            case .unverify(let ticket):
                unverified.append(ticket)
                events.append((ticket, .unverified))
            }
        }
    }

    /// Whether no ticket row is written twice: the sets of updated tickets are disjoint, as the planner makes them
    /// (one change per ticket). One statement may update a row once only, so anything else is written a set at a time.
    var updatesEachTicketOnce: Bool {
        let updated = superseded + rewritten.map(\.ticket) + reopened.map(\.ticket) + fixed + unverified
        return Set(updated).count == updated.count
    }

    private static func rewrite(_ ticket: Int64, as finding: Submission.SubmittedFinding) -> Rewrite {
        Rewrite(
            ticket: ticket, severity: finding.severity.rawValue,
            advisories: SQLNationalStore.advisories(finding))
    }
}
