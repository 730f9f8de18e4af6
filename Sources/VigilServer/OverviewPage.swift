import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `GET /`: the overview, server-rendered from the daily aggregates alone (never from tickets), with no JavaScript:
/// each organisation's open tickets by severity, unverified and fixed counts, and the date of its latest evidence,
/// worst first. It needs a session and shows only the viewer's scope — every organisation to a national analyst, a
/// region's to a regional viewer, their own to an organisation member — and each view is audited. Names are escaped;
/// nothing in it comes from a submission but counts.
struct OverviewPage: Sendable {
    let sessions: WebSessions

    func register(on router: Router<VigilRequestContext>) {
        router.get("/") { request, context in
            guard let session = try await sessions.current(request) else { return WebSessions.redirect("/sign-in") }
            let rows = try await sessions.store.overview().filter { session.user.scope.includes($0.organisation) }
            try await sessions.store.audit(
                AuditEntry(
                    .viewOverview, user: session.user.id, organisation: session.user.organisation?.id,
                    origin: Origin(address: context.clientAddress, at: sessions.configuration.now()),
                    detail: "\(rows.count) organisations"))
            let escalations = try await Self.escalationSection(
                sessions.store, session: session, at: sessions.configuration.now())
            return HTMLPage.response(Self.html(rows, session: session, sections: escalations))
        }
    }

    /// The page for `rows`, as `session`'s person sees it.
    static func html(_ rows: [OverviewRow], session: Session, sections: String = "") -> String {
        let ordered = rows.sorted { first, second in
            let (a, b) = (weight(first), weight(second))
            return a == b ? first.organisation.path < second.organisation.path : b.lexicographicallyPrecedes(a)
        }
        let severities: [Severity] = [.critical, .high, .medium, .low]
        var body = ""
        for row in ordered {
            let cells: String
            if let day = row.latest {
                cells =
                    severities.map { "<td>\(day.open[$0] ?? 0)</td>" }.joined()
                    + "<td>\(day.unverified)</td><td>\(day.fixed)</td><td>\(escape(day.day))</td>"
            } else {
                cells = "<td colspan=\"\(severities.count + 3)\">no submission yet</td>"
            }
            let code = escape(row.organisation.code)
            body +=
                "<tr><th scope=\"row\"><a href=\"/organisations/\(code)\">\(escape(row.organisation.name))</a> <span class=\"code\">\(code)</span></th>\(cells)</tr>\n"
        }
        let submitted = rows.filter { $0.latest != nil }.count
        let title = session.user.scope == .nation ? "National overview" : "Overview"
        let main = """
            <h1>\(title)</h1>
            <p>\(submitted) of \(rows.count) organisations have submitted evidence. Counts are tickets open on each \
            organisation's latest evidence; unverified tickets are open ones the latest evidence did not cover.</p>
            <table>
            <caption>Open tickets by severity, worst first</caption>
            <thead><tr><th scope="col">Organisation</th><th scope="col">Critical</th><th scope="col">High</th>\
            <th scope="col">Medium</th><th scope="col">Low</th><th scope="col">Unverified</th><th scope="col">Fixed</th>\
            <th scope="col">Latest evidence</th></tr></thead>
            <tbody>
            \(body)</tbody>
            </table>
            \(sections)
            """
        return HTMLPage.render(title: title.lowercased(), session: session, main: main)
    }

    /// Worst first: critical outweighs any number of highs, and so on.
    static func weight(_ row: OverviewRow) -> [Int] {
        guard let day = row.latest else { return [-1] }
        return [day.open[.critical] ?? 0, day.open[.high] ?? 0, day.open[.medium] ?? 0, day.open[.low] ?? 0]
    }

    static func escape(_ text: String) -> String { HTMLPage.escape(text) }
}
