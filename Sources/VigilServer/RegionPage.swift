import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `GET /regions/{code}`: the overview's sections for one region or integrated care board (the hierarchy is nation →
/// region → ICB → organisation, held in each organisation's path). The store selects the area's organisations by
/// path; the page is shown only when the viewer's scope holds every one of them — a national analyst any area, a
/// regional viewer their own area and the ICBs under it, an organisation member none — and otherwise answers exactly
/// as an unknown code (404), audited, so no one sees part of an area's sums or learns which codes exist.
struct RegionPage: Sendable {
    let sessions: WebSessions

    func register(on router: Router<VigilRequestContext>) {
        router.get("regions/:code") { request, context in
            // ODS codes are capitals: `/regions/qe1`, typed by hand, is the same page.
            try await show(
                request, code: (context.parameters.get("code") ?? "").uppercased(), address: context.clientAddress)
        }
    }

    func show(_ request: Request, code: String, address: String) async throws -> Response {
        guard let session = try await sessions.current(request) else { return WebSessions.redirect("/sign-in") }
        let now = sessions.configuration.now()
        let origin = Origin(address: address, at: now)
        let summaries =
            OrganisationPage.isCode(code) ? try await sessions.store.summaries(scope: .region(code), at: now) : []
        guard !summaries.isEmpty, summaries.allSatisfy({ session.user.scope.includes($0.organisation) }) else {
            try await sessions.store.audit(
                AuditEntry(
                    .viewOverview, user: session.user.id, organisation: nil, origin: origin,
                    detail: "refused: area not in scope"))
            return HTMLPage.problem(
                .notFound, title: "Not found",
                message: "No region or integrated care board with that code is visible to you.",
                session: session)
        }
        try await sessions.store.audit(
            AuditEntry(
                .viewOverview, user: session.user.id, organisation: nil, origin: origin,
                detail: "area \(code): \(summaries.count) organisations"))
        let level = Self.isRegion(code, summaries) ? "Region" : "Integrated care board"
        let sections = OverviewPage.sections(
            summaries, session: session, now: now, limit: OverviewPage.rowLimit(request), area: code)
        let main = """
            \(Self.trail(to: code, summaries, scope: session.user.scope))
            <h1>\(level) \(HTMLPage.escape(code))</h1>
            \(sections)
            """
        return HTMLPage.response(HTMLPage.render(title: "\(level.lowercased()) \(code)", session: session, main: main))
    }

    /// The links above the area `code`: the overview, then each area above it that the viewer can open (a region
    /// above an ICB), without counts, which are on the pages they link to.
    static func trail(to code: String, _ summaries: [OrganisationSummary], scope: Scope) -> String {
        let above = summaries.first.map { visibleAreas(of: $0.organisation, scope: scope) } ?? []
        let parents = above.firstIndex(of: code).map { Array(above[..<$0]) } ?? []
        let links = parents.map { "<a href=\"/regions/\(HTMLPage.escape($0))\">\(HTMLPage.escape($0))</a>" }
        return
            "<nav aria-label=\"Breadcrumbs\"><p><a href=\"/\">Overview</a>\(links.map { " › " + $0 }.joined())</p></nav>"
    }

    /// Whether `code` is the first level under the nation (a region) in the area's paths.
    static func isRegion(_ code: String, _ summaries: [OrganisationSummary]) -> Bool {
        summaries.contains { $0.organisation.path.split(separator: "/").first.map(String.init) == code }
    }

    /// The region and ICB codes above `organisation` whose whole area `scope` holds: all of them for the nation, a
    /// regional viewer's own code and those below it, none for an organisation member.
    static func visibleAreas(of organisation: OrganisationRecord, scope: Scope) -> [String] {
        let above = organisation.path.split(separator: "/").dropLast().map(String.init)
        switch scope {
        case .nation:
            return above
        case .region(let code):
            guard let index = above.firstIndex(of: code) else { return [] }
            return Array(above[index...])
        case .organisation:
            return []
        }
    }
}
