import Foundation
import VigilCore
import VigilStore

extension OrganisationPage {
    /// The most exceptions the section lists; the rest are counted.
    static let exceptionRows = 25

    /// The organisation's findings excepted now (accepted risk). They are left out of its open counts, its trend and
    /// its score while each exception is in force, so the page says so: without it a risk accepted reads as a fix.
    /// Empty when none is in force.
    static func exceptions(_ records: [ExceptionRecord]) -> String {
        let inForce = records.filter(\.valid).sorted {
            ($1.ticket.severity, $0.expiresAt, $0.id) < ($0.ticket.severity, $1.expiresAt, $1.id)
        }
        guard !inForce.isEmpty else { return "" }
        let escape = HTMLPage.escape
        let bySeverity = Dictionary(grouping: inForce, by: \.ticket.severity).mapValues(\.count)
        let counts = Severity.allCases.reversed().compactMap { severity in
            bySeverity[severity].map { "\($0) \(severity.rawValue)" }
        }.joined(separator: ", ")
        let rows = inForce.prefix(exceptionRows).map { record in
            "<tr><th scope=\"row\">\(escape(record.ticket.rule.rawValue))</th>"
                + "<td>\(escape(record.ticket.severity.rawValue))</td>"
                + "<td>\(record.alert.map { "<a href=\"/alerts/\($0)\">alert \($0)</a>" } ?? "—")</td>"
                + "<td>\(escape(DeadlineDay.described(record.expiresAt)))</td><td>\(escape(record.decidedBy ?? "—"))</td>"
                + "<td>\(escape(record.reason))</td></tr>"
        }.joined(separator: "\n")
        let more =
            inForce.count > exceptionRows
            ? "\n<p class=\"shown\">The first \(exceptionRows) of \(inForce.count); the API lists every one.</p>" : ""
        return """
            <section aria-labelledby="exceptions"><h2 id="exceptions">Exceptions in force</h2>
            <p>\(Wording.count(inForce.count, "finding")) excepted (\(counts)): a risk accepted, not a fix. They are \
            left out of the open counts, the trend and the score on this page until each exception expires, and come \
            back if it does while the finding is still open.</p>
            <table><caption>Excepted findings, most severe first, soonest to expire first</caption>
            <thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Alert</th>\
            <th scope="col">Holds until</th><th scope="col">Approved by</th><th scope="col">Reason</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table>\(more)</section>
            """
    }
}
