import VigilCore
import VigilSubmission

extension SQLNationalStore.StoredTicket {
    /// The columns of a current ticket that hold numbers or names from a closed set, read as one text cell.
    ///
    /// Every submission reads its organisation's live tickets (about 200 a week), and the SQL drivers decode each
    /// cell through a generic decoder with dynamic casts: eleven cells a ticket were a tenth of the server's time
    /// in an ingest (bench/ingest-cpu.sh). Joined in the database as `id kind area severity state opened_at fixed_at
    /// last_submission rule` (`fixed_at` `-` when there is none), they are one cell; the subject and the advisories,
    /// free text, keep cells of their own. The rule comes last, so whatever it holds is read whole. The submission is
    /// the ticket row's own (the one that opened it), not its latest sighting (``StoredTicket/lastSubmission``).
    static let head = """
        CAST(t.id AS TEXT) || ' ' || t.kind || ' ' || t.area || ' ' || t.severity || ' ' || t.state || ' ' \
        || CAST(t.opened_at AS TEXT) || ' ' || COALESCE(CAST(t.fixed_at AS TEXT), '-') || ' ' \
        || CAST(t.last_submission AS TEXT) || ' ' || t.rule
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
    }
}

extension SQLNationalStore.StoredTicket.Head {
    init?(_ text: String) {
        var text = text
        guard let head = text.withUTF8({ Self.read($0) }) else { return nil }
        self = head
    }

    /// The fields of `bytes`, found by their separators and read in place: splitting the text into
    /// substrings and strings cost more than the cells it replaced (a profile of an ingest).
    private static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Self? {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(9)
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: " ") && fields.count < 8 {
            fields.append(start..<index)
            start = index + 1
        }
        fields.append(start..<bytes.count)
        guard fields.count == 9 else { return nil }
        func text(_ field: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[fields[field]]), as: UTF8.self)
        }
        func number(_ field: Int) -> Int64? { Int64(asciiDecimal: bytes[fields[field]]) }
        guard let id = number(0), let kind = Subject.Kind(rawValue: text(1)),
            let area = AssessmentArea(rawValue: text(2)), let state = Ticket.State(rawValue: text(4)),
            let openedAt = number(5), let lastSubmission = number(7)
        else { return nil }
        let fixedAt: Int64?
        if fields[6].count == 1, bytes[fields[6].lowerBound] == UInt8(ascii: "-") {
            fixedAt = nil
        } else {
            guard let value = number(6) else { return nil }
            fixedAt = value
        }
        return Self(
            id: id, kind: kind, area: area, severity: text(3), state: state, openedAt: openedAt,
            fixedAt: fixedAt, lastSubmission: lastSubmission, rule: RuleID(rawValue: text(8)))
    }
}
