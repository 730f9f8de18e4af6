import Foundation
import VigilCore
import VigilStore

extension AlertPage {
    /// The alerts, newest first, each with ``AlertCompliance`` of its statuses in the viewer's scope.
    static func indexHTML(_ rows: [AlertCounts], session: Session) -> String {
        let escape = HTMLPage.escape
        let trail = "<nav aria-label=\"Breadcrumbs\"><p><a href=\"/\">Overview</a></p></nav>"
        guard !rows.isEmpty else { return trail + "\n<h1>Alerts</h1>\n<p>No alert issued.</p>" }
        let body = rows.map { row in
            "<tr><th scope=\"row\"><a href=\"/alerts/\(row.alert.id)\">\(escape(row.alert.title))</a></th>"
                + "<td>\(escape(row.alert.severity.rawValue))</td><td>\(PageDate.string(row.alert.issuedAt))</td>"
                + "<td>\(escape(DeadlineDay.described(row.alert.acknowledgeBy)))</td>"
                + "<td>\(escape(remediation(row.alert)))</td>" + cells(row.counts) + "</tr>"
        }.joined(separator: "\n")
        return """
            \(trail)
            <h1>Alerts</h1>
            <p>Each alert's counts are over the organisations in your view (\(escape(scopeWords(session)))); an \
            organisation created after an alert has clocks of its own.</p>
            <table><caption>Alerts, newest first</caption>
            <thead><tr><th scope="col">Alert</th><th scope="col">Severity</th><th scope="col">Issued</th>\
            <th scope="col">Acknowledge by</th><th scope="col">Remediate by</th>\(countHeaders)</tr></thead>
            <tbody>
            \(body)
            </tbody></table>
            """
    }

    /// One alert: what it is, the counts of `statuses` (those in the viewer's scope) and a row for each, most
    /// escalated first; the first `limit` rows (every row when `nil`).
    static func html(_ alert: AlertRecord, statuses: [AlertStatus], limit: Int?) -> String {
        let escape = HTMLPage.escape
        let counts = AlertCompliance(statuses: statuses)
        let declared = statuses.filter { $0.state == .notApplicable }.count
        // Ties keep the store's order (by path, in the database's collation, as the overview lists organisations).
        let ordered = statuses.enumerated().sorted { left, right in
            mostPressing(left.element, right.element) ?? (left.offset < right.offset)
        }.map(\.element)
        let rows = OverviewPage.first(limit, of: ordered).map(row).joined(separator: "\n")
        let table =
            statuses.isEmpty
            ? "<p>No organisation in your view.</p>"
            : """
            <table><caption>Organisations, most escalated first</caption>
            <thead><tr><th scope="col">Organisation</th><th scope="col">State</th><th scope="col">Evidence</th>\
            <th scope="col">Open matches</th><th scope="col">Acknowledge by</th><th scope="col">Remediate by</th>\
            <th scope="col">Closed</th><th scope="col">Escalation</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table>\(OverviewPage.shownNote(min(limit ?? ordered.count, ordered.count), of: ordered.count, section: "standing"))
            """
        return """
            <nav aria-label="Breadcrumbs"><p><a href="/">Overview</a> › <a href="/alerts">Alerts</a></p></nav>
            <h1>\(escape(alert.title)) <span class="code">alert \(alert.id)</span></h1>
            \(facts(alert))
            <section aria-labelledby="standing"><h2 id="standing">Where organisations stand</h2>
            <p>Of \(Wording.count(counts.issued, "organisation")) in your view, \(counts.affected) shown affected by \
            evidence, \(counts.closed) closed by covering evidence, \(counts.answered) acknowledged, declared not \
            applicable or closed (\(declared) declared not applicable), \(counts.overdue) past a clock.</p>
            \(table)</section>
            """
    }

    /// What the alert says: severity, what it matches, when it was issued and its clocks.
    static func facts(_ alert: AlertRecord) -> String {
        let escape = HTMLPage.escape
        let list = { (items: [String]) -> String in items.isEmpty ? "—" : escape(items.joined(separator: ", ")) }
        let pairs: [(String, String)] = [
            ("Severity", escape(alert.severity.rawValue) + (alert.knownExploited ? ", known exploited" : "")),
            ("Rules", list(alert.rules.map(\.rawValue))),
            ("Advisories", list(alert.advisories)),
            ("CVEs", list(alert.cves)),
            ("Issued", PageDate.string(alert.issuedAt)),
            ("Acknowledge by", escape(DeadlineDay.described(alert.acknowledgeBy))),
            ("Remediate by", escape(remediation(alert))),
        ]
        return "<dl>" + pairs.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
    }

    /// The alert's remediation clock in words: a date, or days from when evidence shows an organisation affected.
    static func remediation(_ alert: AlertRecord) -> String {
        if let date = alert.remediateBy { return DeadlineDay.described(date) }
        if let days = alert.remediationDays { return "\(Wording.count(days, "day")) from evidence of exposure" }
        return "no clock"
    }

    /// An organisation's open matches of an alert, with how many of them are excepted (accepted risk, still open):
    /// the same words wherever a status is shown.
    static func matchesText(_ status: AlertStatus) -> String {
        status.exceptedMatches > 0
            ? "\(status.openMatches) (\(status.exceptedMatches) excepted)" : "\(status.openMatches)"
    }

    /// One organisation's row.
    static func row(_ status: AlertStatus) -> String {
        let escape = HTMLPage.escape
        let shown = status.affectedAt.map { "affected since \(PageDate.string($0))" } ?? "unaffected so far"
        let again = status.reopenCount > 0 ? ", shown again \(times(status.reopenCount)) after closure" : ""
        let evidence = shown + again
        return "<tr>\(OverviewPage.organisationCell(status.organisation))"
            + "<td>\(escape(status.state.rawValue))</td><td>\(escape(evidence))</td><td>\(matchesText(status))</td>"
            + "<td>\(escape(DeadlineDay.string(status.acknowledgeBy)))</td>"
            + "<td>\(escape(status.remediateBy.map(DeadlineDay.string) ?? "—"))</td>"
            + "<td>\(status.closedAt.map(PageDate.string) ?? "—")</td>"
            + "<td>\(status.escalationLevel) (\(escape(OverviewPage.label(status.escalation))))</td></tr>"
    }

    /// A number of times in words: once, twice, 3 times.
    static func times(_ count: Int) -> String {
        switch count {
        case 1: "once"
        case 2: "twice"
        default: "\(count) times"
        }
    }

    /// Most escalated first, then most open matches; `nil` when neither decides.
    static func mostPressing(_ left: AlertStatus, _ right: AlertStatus) -> Bool? {
        if left.escalationLevel != right.escalationLevel { return left.escalationLevel > right.escalationLevel }
        if left.openMatches != right.openMatches { return left.openMatches > right.openMatches }
        return nil
    }

    /// The count columns' headers, in ``cells(_:)``'s order.
    static let countHeaders =
        "<th scope=\"col\">Organisations</th><th scope=\"col\">Affected</th>"
        + "<th scope=\"col\">Acknowledged, declared or closed</th><th scope=\"col\">Closed by evidence</th>"
        + "<th scope=\"col\">Overdue</th>"

    /// The counts as cells, as the overview's alert compliance table has them.
    static func cells(_ counts: AlertCompliance) -> String {
        [counts.issued, counts.affected, counts.answered, counts.closed, counts.overdue].map { "<td>\($0)</td>" }
            .joined()
    }

    /// The viewer's scope in words.
    static func scopeWords(_ session: Session) -> String {
        switch session.user.scope {
        case .nation: "every organisation"
        case .region(let code): "region or ICB \(code)"
        case .organisation: session.user.organisation.map { "your organisation, \($0.code)" } ?? "your organisation"
        }
    }
}
