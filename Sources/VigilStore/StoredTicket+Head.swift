import VigilCore
import VigilSubmission

extension SQLNationalStore.StoredTicket {
    /// The columns of a current ticket that hold numbers or names from a closed set, read as one text cell.
    ///
    /// Every submission reads its organisation's live tickets (about 200 a week), and the SQL drivers decode each
    /// cell through a generic decoder with dynamic casts: eleven cells a ticket were a tenth of the server's time
    /// in an ingest (bench/ingest-cpu.sh). Joined in the database as `id kind area severity state opened_at fixed_at
    /// last_submission rule` (`fixed_at` `-` when there is none), they are one cell; the subject and the advisories,
    /// free text, keep cells of their own. The rule comes last, so whatever it holds is read whole.
    static let head = """
        CAST(t.id AS TEXT) || ' ' || t.kind || ' ' || t.area || ' ' || t.severity || ' ' || t.state || ' ' \
        || CAST(t.opened_at AS TEXT) || ' ' || COALESCE(CAST(t.fixed_at AS TEXT), '-') || ' ' \
        || CAST(COALESCE(s.last_submission, t.last_submission) AS TEXT) || ' ' || t.rule
        """

    /// The fields of ``head`` read back; nil for a name outside its set or a number that does not fit.
    struct Head {
        var id: Int64
        var kind: Subject.Kind
        var area: AssessmentArea
        var severity: String
        var state: Ticket.State
        var openedAt: Int64
        var fixedAt: Int64?
        var lastSubmission: Int64
        var rule: RuleID

        init?(_ text: String) {
            let fields = text.split(separator: " ", maxSplits: 8, omittingEmptySubsequences: false)
            guard fields.count == 9, let id = Int64(fields[0]), let kind = Subject.Kind(rawValue: String(fields[1])),
                let area = AssessmentArea(rawValue: String(fields[2])),
                let state = Ticket.State(rawValue: String(fields[4])), let openedAt = Int64(fields[5]),
                let lastSubmission = Int64(fields[7])
            else { return nil }
            let fixedAt: Int64?
            if fields[6] == "-" {
                fixedAt = nil
            } else {
                guard let value = Int64(fields[6]) else { return nil }
                fixedAt = value
            }
            self.init(
                id: id, kind: kind, area: area, severity: String(fields[3]), state: state, openedAt: openedAt,
                fixedAt: fixedAt, lastSubmission: lastSubmission, rule: RuleID(rawValue: String(fields[8])))
        }

        init(
            id: Int64, kind: Subject.Kind, area: AssessmentArea, severity: String, state: Ticket.State, openedAt: Int64,
            fixedAt: Int64?, lastSubmission: Int64, rule: RuleID
        ) {
            self.id = id
            self.kind = kind
            self.area = area
            self.severity = severity
            self.state = state
            self.openedAt = openedAt
            self.fixedAt = fixedAt
            self.lastSubmission = lastSubmission
            self.rule = rule
        }
    }
}
