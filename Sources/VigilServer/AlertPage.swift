import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// `GET /alerts` and `GET /alerts/{id}`: the alerts the national team issued, and for one alert where each
/// organisation in the viewer's scope stands — shown affected by evidence or not, acknowledged, declared not
/// applicable, closed by covering evidence, past a clock. An alert itself is no secret (every organisation reads it
/// with its token); its statuses are shown only for the organisations the viewer's scope holds, and every count on
/// the pages is ``AlertCompliance`` of exactly the statuses listed, so a sum never reaches outside the scope and the
/// alert pages count as the overview does. Every view is audited; an unknown id answers 404.
struct AlertPage: Sendable {
    let sessions: WebSessions

    func register(on router: Router<VigilRequestContext>) {
        router.get("alerts") { request, context in
            try await index(request, address: context.clientAddress)
        }
        router.get("alerts/:id") { request, context in
            try await show(request, id: context.parameters.get("id") ?? "", address: context.clientAddress)
        }
    }

    /// Every alert, newest first, with its counts over the viewer's scope (counted from the facts the overview reads).
    func index(_ request: Request, address: String) async throws -> Response {
        guard let session = try await sessions.current(request) else { return WebSessions.redirect("/sign-in") }
        let now = sessions.configuration.now()
        let rows = try await sessions.store.alertCounts(scope: session.user.scope, at: now)
        try await sessions.store.audit(
            AuditEntry(
                .viewAlert, user: session.user.id, organisation: session.user.organisation?.id,
                origin: Origin(address: address, at: now), detail: "\(rows.count) alerts"))
        return HTMLPage.response(
            HTMLPage.render(title: "alerts", session: session, main: Self.indexHTML(rows, session: session)))
    }

    /// One alert and the status of each organisation in the viewer's scope.
    func show(_ request: Request, id: String, address: String) async throws -> Response {
        guard let session = try await sessions.current(request) else { return WebSessions.redirect("/sign-in") }
        let now = sessions.configuration.now()
        let origin = Origin(address: address, at: now)
        // Looked up only for a well-formed id: nothing else the request says reaches the database.
        var found: AlertRecord?
        if let number = Self.alertID(id) { found = try await sessions.store.alert(id: number) }
        guard let alert = found else {
            try await sessions.store.audit(
                AuditEntry(.viewAlert, user: session.user.id, origin: origin, detail: "refused: no such alert"))
            return HTMLPage.problem(
                .notFound, title: "Not found", message: "No alert has that id.", session: session)
        }
        let statuses = try await scoped(alert: alert.id, session: session, at: now)
        try await sessions.store.audit(
            AuditEntry(
                .viewAlert, user: session.user.id, organisation: session.user.organisation?.id, origin: origin,
                detail: "alert \(alert.id): \(statuses.count) organisations"))
        let main = Self.html(alert, statuses: statuses, limit: OverviewPage.rowLimit(request))
        return HTMLPage.response(HTMLPage.render(title: "alert \(alert.id)", session: session, main: main))
    }

    /// The alert's statuses for the organisations `session`'s scope holds.
    func scoped(alert: Int64, session: Session, at now: Date) async throws -> [AlertStatus] {
        try await sessions.store.alertStatuses(alert: alert, at: now).filter {
            session.user.scope.includes($0.organisation)
        }
    }

    /// An alert id as a path gives it: digits only, at least 1.
    static func alertID(_ text: String) -> Int64? {
        guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let id = Int64(text), id > 0
        else { return nil }
        return id
    }
}
