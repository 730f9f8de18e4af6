import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `GET /`: the overview of the viewer's scope — every organisation to a national analyst, a region's or ICB's to a
/// regional viewer, their own to an organisation member — server-rendered with no JavaScript. Every number on it is
/// summed from ``OrganisationSummary`` rows the store selected by the viewer's scope (`overview(scope:at:)`), so no
/// count, chart or score includes an organisation outside it. Each view is audited. Names are escaped; nothing in it
/// comes from a submission but counts and dates.
struct OverviewPage: Sendable {
    let sessions: WebSessions

    func register(on router: Router<VigilRequestContext>) {
        router.get("/") { request, context in
            guard let session = try await sessions.current(request) else { return WebSessions.redirect("/sign-in") }
            let now = sessions.configuration.now()
            let overview = try await sessions.store.overview(
                scope: session.user.scope, at: now, listing: Self.escalationRows)
            let summaries = overview.summaries
            let limit = Self.rowLimit(request)
            try await sessions.store.audit(
                AuditEntry(
                    .viewOverview, user: session.user.id, organisation: session.user.organisation?.id,
                    origin: Origin(address: context.clientAddress, at: now),
                    detail: "\(summaries.count) organisations"))
            let escalations = Self.escalationsHTML(overview)
            let title = session.user.scope == .nation ? "National overview" : "Overview"
            return HTMLPage.response(
                HTMLPage.render(
                    title: title.lowercased(), session: session,
                    main: "<h1>\(title)</h1>\n" + Self.sections(summaries, session: session, now: now, limit: limit)
                        + "\n"
                        + escalations))
        }
    }

    /// The overview's sections for `summaries`, in order; the region page shows the same ones. One line each, so a
    /// section is added (or moved) by one line here and its own method in a file of its own. Every number is summed
    /// over all of `summaries`; the tables listing organisations show their first `limit` rows (every row when `nil`).
    /// `area` is the region or ICB whose page this is (`nil` for the overview).
    static func sections(
        _ summaries: [OrganisationSummary], session: Session, now: Date, limit: Int?, area: String? = nil
    ) -> String {
        [
            headlines(summaries),
            areas(summaries, session: session, within: area),
            severities(summaries, limit: limit),
            knownExploited(summaries, limit: limit),
            alertCompliance(summaries, limit: limit),
            scores(summaries, limit: limit),
            notAssessed(summaries),
        ].joined(separator: "\n")
    }

    /// Rows a table listing organisations shows unless every row is asked for: a national page of 7,000 organisations
    /// in four tables was megabytes, read by no one, and rendering it was most of the page's time.
    static let shownRows = 25
    /// The query that asks for every row.
    static let allRowsQuery = "show=all"

    /// ``shownRows``, or `nil` (every row) for `?show=all`.
    static func rowLimit(_ request: Request) -> Int? {
        request.uri.queryParameters.get("show") == "all" ? nil : shownRows
    }

    static func escape(_ text: String) -> String { HTMLPage.escape(text) }
}
