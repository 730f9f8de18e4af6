import Foundation
import Hummingbird
import VigilStore

/// `GET /api/v1/organisations/{code}/tickets`: one organisation's current tickets as JSON, for a signed-in person
/// whose scope includes it — what a member needs to name a ticket when asking for an exception. An organisation
/// outside the scope answers exactly as an unknown code (404). Subjects are the organisation's pseudonymous keys,
/// which only it can map back (`vigil submit --reveal`). Views are audited as views of the organisation.
struct TicketRoutes: Sendable {
    let sessions: WebSessions

    func register(on router: Router<VigilRequestContext>) {
        router.get("api/v1/organisations/:code/tickets") { request, context in
            try await list(request, code: context.parameters.get("code") ?? "", address: context.clientAddress)
        }
    }

    func list(_ request: Request, code: String, address: String) async throws -> Response {
        guard let session = try await sessions.current(request) else { return ExceptionRoutes.noSession }
        let store = sessions.store
        let origin = Origin(address: address, at: sessions.configuration.now())
        let organisation = OrganisationPage.isCode(code) ? try await store.organisation(code: code) : nil
        guard let organisation, session.user.scope.includes(organisation) else {
            try await store.audit(
                AuditEntry(
                    .viewOrganisation, user: session.user.id, organisation: organisation?.id, origin: origin,
                    detail: "refused: not in scope"))
            return JSONResponse.problem(
                .notFound, code: "organisation.unknown", message: "no organisation with that code is visible to you")
        }
        let tickets = try await store.tickets(organisation: organisation.id)
        try await store.audit(
            AuditEntry(
                .viewOrganisation, user: session.user.id, organisation: organisation.id, origin: origin,
                detail: "tickets"))
        return JSONResponse.ok(tickets)
    }
}
