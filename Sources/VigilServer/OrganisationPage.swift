import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `GET /organisations/{code}`: one organisation's daily counts, newest first, and its alert statuses. It needs a
/// session whose scope includes the organisation; an organisation outside the scope answers exactly as one that does
/// not exist (404), so a member cannot even learn which codes exist. Every view, and every refused one, is audited.
struct OrganisationPage: Sendable {
    let sessions: WebSessions

    /// The most days shown.
    static let days = 30

    func register(on router: Router<VigilRequestContext>) {
        router.get("organisations/:code") { request, context in
            // ODS codes are capitals: `/organisations/y90002`, typed by hand, is the same page.
            try await show(
                request, code: (context.parameters.get("code") ?? "").uppercased(), address: context.clientAddress)
        }
    }

    func show(_ request: Request, code: String, address: String) async throws -> Response {
        guard let session = try await sessions.current(request) else { return WebSessions.redirect("/sign-in") }
        let store = sessions.store
        let now = sessions.configuration.now()
        let origin = Origin(address: address, at: now)
        // Looked up only for a well-formed code: nothing else the request says reaches the database.
        let organisation = Self.isCode(code) ? try await store.organisation(code: code) : nil
        guard let organisation, session.user.scope.includes(organisation) else {
            try await store.audit(
                AuditEntry(
                    .viewOrganisation, user: session.user.id, organisation: organisation?.id, origin: origin,
                    detail: "refused: not in scope"))
            return HTMLPage.problem(
                .notFound, title: "Not found", message: "No organisation with that code is visible to you.",
                session: session)
        }
        let history = try await store.daily(organisation: organisation.id)
        let days = history.suffix(Self.days).reversed()
        let alerts = try await store.alertStatuses(organisation: organisation.id, at: now)
        let summary = try await store.summaries(scope: .organisation(organisation.id), at: now).first
        let exceptions = try await store.exceptions(organisation: organisation.id, at: now)
        try await store.audit(
            AuditEntry(.viewOrganisation, user: session.user.id, organisation: organisation.id, origin: origin))
        return HTMLPage.response(
            Self.html(
                organisation, days: Array(days), alerts: alerts, session: session,
                sections: [Self.trend(history), Self.score(summary), Self.exceptions(exceptions)]))
    }

    static func html(
        _ organisation: OrganisationRecord, days: [OrganisationDay], alerts: [AlertStatus], session: Session,
        sections: [String] = []
    )
        -> String
    {
        let escape = HTMLPage.escape
        let severities: [Severity] = [.critical, .high, .medium, .low]
        let dayRows = days.map { (day: OrganisationDay) -> String in
            "<tr><th scope=\"row\">\(escape(day.day))</th>"
                + severities.map { "<td>\(day.open[$0] ?? 0)</td>" }.joined()
                + "<td>\(day.unverified)</td><td>\(day.fixed)</td><td>\(day.submissions)</td></tr>"
        }.joined(separator: "\n")
        // Both clocks as the overview shows them: a deadline at midnight is the day before's end (an inclusive day).
        let alertRows = alerts.map { (status: AlertStatus) -> String in
            "<tr><th scope=\"row\"><a href=\"/alerts/\(status.alert.id)\">\(escape(status.alert.title))</a></th>"
                + "<td>\(escape(status.alert.severity.rawValue))</td>"
                + "<td>\(escape(status.state.rawValue))</td><td>\(escape(status.applicability.rawValue))</td>"
                + "<td>\(escape(DeadlineDay.described(status.acknowledgeBy)))</td>"
                + "<td>\(escape(status.remediateBy.map(DeadlineDay.described) ?? "—"))</td></tr>"
        }.joined(separator: "\n")
        let main = """
            \(breadcrumbs(organisation, session: session))
            <h1>\(escape(organisation.name)) <span class="code">\(escape(organisation.code))</span></h1>
            <p>\(escape(organisation.kind.rawValue)), \(escape(organisation.path)).</p>
            \(sections.joined(separator: "\n"))
            <table>
            <caption>Open tickets by severity at the end of each day recorded (evidence received, or an exception \
            approved or ended), newest first, the last \(Self.days) such days; Submissions is the day's evidence</caption>
            <thead><tr><th scope="col">Day</th><th scope="col">Critical</th><th scope="col">High</th>\
            <th scope="col">Medium</th><th scope="col">Low</th><th scope="col">Unverified</th><th scope="col">Fixed</th>\
            <th scope="col">Submissions</th></tr></thead>
            <tbody>
            \(days.isEmpty ? "<tr><td colspan=\"8\">no submission yet</td></tr>" : dayRows)
            </tbody>
            </table>
            <table>
            <caption>Alerts</caption>
            <thead><tr><th scope="col">Alert</th><th scope="col">Severity</th><th scope="col">State</th>\
            <th scope="col">Applies</th><th scope="col">Acknowledge by</th><th scope="col">Remediate by</th></tr></thead>
            <tbody>
            \(alerts.isEmpty ? "<tr><td colspan=\"6\">no alert issued</td></tr>" : alertRows)
            </tbody>
            </table>
            """
        return HTMLPage.render(title: organisation.name, session: session, main: main)
    }

    /// An ODS code: 1 to 16 capital letters and digits.
    static func isCode(_ code: String) -> Bool {
        (1...16).contains(code.utf8.count)
            && code.utf8.allSatisfy {
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }
}
