import Foundation
import Hummingbird
import NIOCore
import VigilStore

/// The alert routes an organisation calls with its submission token: `GET /api/v1/alerts` (its status for every
/// alert), `POST /api/v1/alerts/{id}/acknowledgement` (acknowledge, or declare not applicable with a reason) and
/// `GET /api/v1/alerts/overdue` (its overdue alerts, JSON or CSV: the reminders feed). A token reads and answers only
/// for its own organisation — the routes take no organisation from the request — so there is nothing another
/// organisation's token could reach. Clocks are read at the configuration's `now`. Errors never echo the request.
struct AlertRoutes: Sendable {
    let store: SQLNationalStore
    let configuration: ServerConfiguration

    /// An acknowledgement body is a few hundred bytes; anything much larger is not one.
    static let bodyLimit = 8 * 1_024

    func register(on router: Router<VigilRequestContext>) {
        router.get("api/v1/alerts") { request, _ in
            try await list(request)
        }
        router.get("api/v1/alerts/overdue") { request, _ in
            try await overdue(request)
        }
        router.post("api/v1/alerts/:id/acknowledgement") { request, context in
            try await acknowledge(request, id: context.parameters.get("id"), address: context.clientAddress)
        }
    }

    func list(_ request: Request) async throws -> Response {
        switch try await BearerAuthentication.organisation(request, store: store) {
        case .failure(let unauthorised):
            return unauthorised.response
        case .success(let organisation):
            return JSONResponse.ok(
                try await store.alertStatuses(organisation: organisation.id, at: configuration.now()))
        }
    }

    /// The organisation's alerts with a missed clock, as JSON or (with `?format=csv` or `Accept: text/csv`) CSV.
    func overdue(_ request: Request) async throws -> Response {
        let organisation: OrganisationRecord
        switch try await BearerAuthentication.organisation(request, store: store) {
        case .success(let found): organisation = found
        case .failure(let unauthorised): return unauthorised.response
        }
        let format = request.uri.queryParameters.get("format")
        guard format == nil || format == "csv" || format == "json" else {
            return JSONResponse.problem(
                .unprocessableContent, code: "alert.format", message: "format is csv or json", position: "format")
        }
        let statuses = try await store.alertStatuses(organisation: organisation.id, at: configuration.now())
            .filter(\.overdue)
        let wantsCSV = format == "csv" || (format == nil && request.headers[.accept]?.contains("text/csv") == true)
        guard wantsCSV else { return JSONResponse.ok(statuses) }
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: AlertStatusExport.csv(statuses))))
    }

    /// The body of an acknowledgement.
    struct Answer: Decodable {
        /// `acknowledged` or `not-applicable`.
        var response: String
        /// Why it does not apply (required for `not-applicable`).
        var reason: String?
    }

    func acknowledge(_ request: Request, id: String?, address: String) async throws -> Response {
        let organisation: OrganisationRecord
        switch try await BearerAuthentication.organisation(request, store: store) {
        case .success(let found): organisation = found
        case .failure(let unauthorised): return unauthorised.response
        }
        guard let id, let alert = Int64(id), alert > 0 else {
            return JSONResponse.problem(.notFound, code: "alert.unknown", message: "no alert has that id")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.bodyLimit)
        } catch is NIOTooManyBytesError {
            return JSONResponse.problem(
                .contentTooLarge, code: "alert.too-large",
                message: "an acknowledgement is at most \(Self.bodyLimit) bytes")
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(buffer: body)) else {
            return JSONResponse.problem(
                .unprocessableContent, code: "alert.malformed",
                message: #"the body is {"response": "acknowledged"} or {"response": "not-applicable", "reason": "…"}"#)
        }
        let now = configuration.now()
        let audit = AuditEntry(
            .answerAlert, actor: "token", organisation: organisation.id, origin: Origin(address: address, at: now),
            detail: "alert \(alert): \(answer.response == "acknowledged" ? "acknowledged" : "not-applicable")")
        do {
            switch answer.response {
            case "acknowledged":
                let status = try await store.acknowledgeAlert(alert, organisation: organisation.id, at: now)
                try await store.audit(audit)
                return JSONResponse.ok(status)
            case "not-applicable":
                guard let reason = answer.reason else {
                    return JSONResponse.problem(
                        .unprocessableContent, code: "alert.invalid-reason", message: "not-applicable needs a reason",
                        position: "reason")
                }
                let status = try await store.declareAlertNotApplicable(
                    alert, organisation: organisation.id, reason: reason, at: now)
                try await store.audit(audit)
                return JSONResponse.ok(status)
            default:
                return JSONResponse.problem(
                    .unprocessableContent, code: "alert.malformed",
                    message: "response is acknowledged or not-applicable", position: "response")
            }
        } catch let error as StoreError {
            return Self.problem(error)
        }
    }

    /// The API's answer to a store refusal: the store's own message, which never quotes the request.
    static func problem(_ error: StoreError) -> Response {
        switch error.code {
        case .unknownAlert:
            JSONResponse.problem(.notFound, code: "alert.unknown", message: error.message)
        case .invalidAlert:
            JSONResponse.problem(
                .unprocessableContent, code: "alert.invalid-reason", message: error.message, position: "reason")
        case .alertApplies:
            JSONResponse.problem(.unprocessableContent, code: "alert.applies", message: error.message)
        case .alertClosed:
            JSONResponse.problem(.unprocessableContent, code: "alert.closed", message: error.message)
        default:
            JSONResponse.problem(.internalServerError, code: "server.store", message: "the store failed")
        }
    }
}
