import Foundation
import VigilStore

extension OverviewPage {
    /// The most rows the section shows; the rest are counted, and `vigil admin alert-status` lists them all.
    static let escalationRows = 50

    /// The overview's compact section on missed alert clocks and not-applicable declarations: the first statuses of
    /// each kind `overview` lists (limited to the viewer's scope and ordered, most escalated first) and the counts of
    /// all of them. A declaration's reason is the organisation's
    /// own words, shown (escaped) so it is visible nationally.
    static func escalationsHTML(_ overview: ScopeOverview) -> String {
        let statuses = overview.escalations
        let escape = HTMLPage.escape
        let day = { (date: Date?) -> String in date.map(PageDate.string) ?? "—" }
        let escalated = statuses.indices.filter { statuses[$0].escalation != .none }
        let declared = statuses.indices.filter { statuses[$0].state == .notApplicable }
        var html = "<h2>Alert clocks</h2>\n"
        if overview.escalatedCount == 0 {
            html += "<p>No organisation has missed an alert's acknowledgement or remediation clock.</p>\n"
        } else {
            let rows = escalated.prefix(escalationRows).map { statuses[$0] }.map { status in
                "<tr>\(organisationCell(status.organisation))<td>\(alertLink(status.alert))</td>"
                    + "<td>\(status.escalationLevel) (\(escape(label(status.escalation))))</td>"
                    + "<td>\(escape(status.state.rawValue))</td><td>\(DeadlineDay.string(status.acknowledgeBy))</td>"
                    + "<td>\(status.remediateBy.map(DeadlineDay.string) ?? "—")</td><td>\(AlertPage.matchesText(status))</td></tr>"
            }.joined(separator: "\n")
            let shown = min(escalated.count, escalationRows)
            let more = overview.escalatedCount > shown ? "<p>\(overview.escalatedCount - shown) more.</p>\n" : ""
            html += """
                <table>
                <caption>Missed clocks, most escalated first (\(overview.escalatedCount))</caption>
                <thead><tr><th scope="col">Organisation</th><th scope="col">Alert</th><th scope="col">Escalation</th>\
                <th scope="col">State</th><th scope="col">Acknowledge by</th><th scope="col">Remediate by</th>\
                <th scope="col">Open matches</th></tr></thead>
                <tbody>
                \(rows)
                </tbody>
                </table>
                \(more)
                """
        }
        if overview.declaredCount > 0 {
            let rows = declared.prefix(escalationRows).map { statuses[$0] }.map { status in
                "<tr>\(organisationCell(status.organisation))<td>\(alertLink(status.alert))</td>"
                    + "<td>\(day(status.notApplicableAt))</td><td>\(escape(status.notApplicableReason ?? ""))</td></tr>"
            }.joined(separator: "\n")
            let shown = min(declared.count, escalationRows)
            let more = overview.declaredCount > shown ? "<p>\(overview.declaredCount - shown) more.</p>\n" : ""
            html += """
                <table>
                <caption>Declared not applicable, with the organisation's reason (\(overview.declaredCount))</caption>
                <thead><tr><th scope="col">Organisation</th><th scope="col">Alert</th><th scope="col">Declared</th>\
                <th scope="col">Reason</th></tr></thead>
                <tbody>
                \(rows)
                </tbody>
                </table>
                \(more)
                """
        }
        return html
    }

    /// An alert's title, linked to its page.
    static func alertLink(_ alert: AlertRecord) -> String {
        "<a href=\"/alerts/\(alert.id)\">\(escape(alert.title))</a>"
    }

    /// Who sees a level: the words beside its number.
    static func label(_ escalation: Escalation) -> String {
        switch escalation {
        case .none: "none"
        case .acknowledgement: "not acknowledged"
        case .remediation: "remediation overdue"
        case .national: "national"
        }
    }
}
