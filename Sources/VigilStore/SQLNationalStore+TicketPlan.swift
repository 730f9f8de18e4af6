import SQLKit
import VigilSubmission

extension SQLNationalStore {
    /// The ticket transitions a submission makes, with the current tickets they were planned from (by id) and the
    /// organisation's revision when those were read.
    struct TicketPlan: Sendable {
        var changes: [TicketPlanner.Change]
        var stored: [Int64: StoredTicket]
        /// The organisation's revision in the snapshot the tickets were read in; nil when read inside the ingest's
        /// own transaction (then nothing can have moved it).
        var revision: Int64?

        /// Whether a plan made ahead of the ingest's transaction is still the one the transaction would make: the
        /// organisation's revision has not moved since its tickets were read — tickets change only with their
        /// organisation's stored score, whose triggers move it (migration 8) — and no exception has expired by the
        /// time of receipt, whose sweep changes tickets inside the transaction.
        func holds(at opening: Opening) -> Bool {
            revision == opening.revision && opening.dueExceptions == 0
        }
    }

    /// Reads the organisation's current tickets for `submission` and plans its transitions
    /// (``TicketPlanner/plan(_:current:retiredThrough:)``), in `database`'s transaction; tickets up to
    /// `retiredThrough` were keyed by a retired pseudonymisation key.
    static func planTickets(
        _ submission: Submission, organisation: Int64, retiredThrough: Int64, on database: any SQLDatabase
    ) async throws -> TicketPlan {
        let current = try await currentTickets(organisation: organisation, for: submission, on: database)
        return TicketPlan(
            changes: TicketPlanner.plan(submission, current: current.map(\.planned), retiredThrough: retiredThrough),
            stored: Dictionary(current.map { ($0.planned.id, $0) }, uniquingKeysWith: { first, _ in first }),
            revision: nil)
    }

    /// On SQLite, the submission's ticket plan made before the write lock is taken: read on a reader connection in
    /// one snapshot with the organisation's revision, so the transaction, which holds the only writer, need only
    /// check the revision (``TicketPlan/holds(at:)``) instead of reading and planning itself. SQLite has one writer,
    /// so whatever runs inside a write transaction bounds ingest; the read and the plan were a third of it
    /// (docs/benchmarks.md). Nil on PostgreSQL, where writers of different organisations run side by side and the
    /// read ahead would only add a snapshot, and nil whenever the read fails: the transaction then reads and plans
    /// itself, and reports what is wrong.
    func planAhead(_ submission: Submission, organisation: Int64) async -> TicketPlan? {
        guard dialect == .sqlite else { return nil }
        return try? await snapshot { database in
            guard
                let row = try await database.raw(
                    "SELECT revision, retired_key_tickets FROM organisations WHERE id = \(bind: organisation)"
                ).first()
            else { return nil }
            var plan = try await Self.planTickets(
                submission, organisation: organisation,
                retiredThrough: try row.decode(column: "retired_key_tickets", as: Int64.self), on: database)
            plan.revision = try row.decode(column: "revision", as: Int64.self)
            return plan
        }
    }
}
