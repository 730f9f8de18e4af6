import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore
import VigilStore

/// The exception routes, for signed-in people (a session cookie, not an organisation's token: every step names a
/// person): `GET /api/v1/exceptions` lists the exceptions within the person's scope (every one to a national
/// analyst); `POST /api/v1/exceptions` asks for one on a ticket of the person's organisation (a national analyst may
/// ask for any); `POST /api/v1/exceptions/{id}/decision` approves or rejects one (a national analyst other than the
/// requester). A POST carries the session's CSRF token in `X-CSRF-Token` (the value every page's forms carry), so a
/// page of another site cannot post with the person's cookie. Errors never echo the request; a ticket or exception
/// outside the scope answers as an unknown one.
struct ExceptionRoutes: Sendable {
    let sessions: WebSessions

    /// A request body is a few kilobytes at most (a reason of 500 characters, controls of 1,000).
    static let bodyLimit = 16 * 1_024

    var store: SQLNationalStore { sessions.store }

    func register(on router: Router<VigilRequestContext>) {
        router.get("api/v1/exceptions") { request, context in
            try await list(request, address: context.clientAddress)
        }
        router.post("api/v1/exceptions") { request, context in
            try await requestException(request, address: context.clientAddress)
        }
        router.post("api/v1/exceptions/:id/decision") { request, context in
            try await decide(request, id: context.parameters.get("id"), address: context.clientAddress)
        }
    }

    /// The person's exceptions, newest first, with their history and validity now.
    func list(_ request: Request, address: String) async throws -> Response {
        guard let session = try await sessions.current(request) else { return Self.noSession }
        let now = sessions.configuration.now()
        let visible = try await store.exceptions(at: now).filter { session.user.scope.includes($0.organisation) }
        try await store.audit(
            AuditEntry(
                .viewExceptions, user: session.user.id, organisation: session.user.organisation?.id,
                origin: Origin(address: address, at: now), detail: "\(visible.count) exceptions"))
        return JSONResponse.ok(visible)
    }

    /// The body of a request for an exception.
    struct RequestBody: Decodable {
        var ticket: Int64
        var alert: Int64?
        var reason: String
        var controls: String
        var expiresAt: Date
    }

    func requestException(_ request: Request, address: String) async throws -> Response {
        let session: Session
        let body: RequestBody
        switch try await authorisedBody(request, as: RequestBody.self) {
        case .failure(let refusal): return refusal.response
        case .success(let (found, decoded)): (session, body) = (found, decoded)
        }
        let now = sessions.configuration.now()
        do {
            let record = try await store.requestException(
                NewException(
                    ticket: body.ticket, alert: body.alert, reason: body.reason, controls: body.controls,
                    expiresAt: body.expiresAt), by: session.user.id, at: now)
            try await store.audit(
                AuditEntry(
                    .requestException, user: session.user.id, organisation: record.organisation.id,
                    origin: Origin(address: address, at: now),
                    detail: "exception \(record.id) on ticket \(record.ticket.id)"))
            return JSONResponse.make(record, status: .created)
        } catch let error as StoreError {
            return Self.problem(error)
        }
    }

    /// The body of a decision.
    struct DecisionBody: Decodable {
        var decision: ExceptionDecision
        var expiresAt: Date?
    }

    func decide(_ request: Request, id: String?, address: String) async throws -> Response {
        let session: Session
        let body: DecisionBody
        switch try await authorisedBody(request, as: DecisionBody.self) {
        case .failure(let refusal): return refusal.response
        case .success(let (found, decoded)): (session, body) = (found, decoded)
        }
        guard let id, let exception = Int64(id), exception > 0 else {
            return JSONResponse.problem(.notFound, code: "exception.unknown", message: "no exception has that id")
        }
        let now = sessions.configuration.now()
        do {
            let record = try await store.decideException(
                exception, decision: body.decision, by: session.user.id, expiresAt: body.expiresAt, at: now)
            try await store.audit(
                AuditEntry(
                    .decideException, user: session.user.id, organisation: record.organisation.id,
                    origin: Origin(address: address, at: now),
                    detail: "exception \(record.id): \(body.decision.rawValue)"))
            return JSONResponse.ok(record)
        } catch let error as StoreError {
            return Self.problem(error)
        }
    }

    // MARK: - Checks

    /// A refusal to send as it is.
    struct Refusal: Error {
        var response: Response
    }

    /// The session, checked CSRF token and decoded body of a POST, or the answer refusing it.
    func authorisedBody<Body: Decodable>(_ request: Request, as type: Body.Type) async throws
        -> Result<(Session, Body), Refusal>
    {
        guard let session = try await sessions.current(request) else {
            return .failure(Refusal(response: Self.noSession))
        }
        guard WebSessions.tokensMatch(request.headers[.xCSRFToken], session.csrf) else {
            return .failure(
                Refusal(
                    response: JSONResponse.problem(
                        .forbidden, code: "auth.csrf",
                        message: "send the session's CSRF token (every page's forms carry it) as X-CSRF-Token")))
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.bodyLimit)
        } catch is NIOTooManyBytesError {
            return .failure(
                Refusal(
                    response: JSONResponse.problem(
                        .contentTooLarge, code: "exception.too-large",
                        message: "an exception request is at most \(Self.bodyLimit) bytes")))
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .calendarISO8601
        guard let body = try? decoder.decode(Body.self, from: Data(buffer: buffer)) else {
            return .failure(
                Refusal(
                    response: JSONResponse.problem(
                        .unprocessableContent, code: "exception.malformed",
                        message: "the body is the JSON object docs/api/openapi.yaml describes, dates ISO 8601")))
        }
        return .success((session, body))
    }

    /// 401 for a request without a live session: the API answers, it does not redirect to the sign-in page.
    static var noSession: Response {
        JSONResponse.problem(
            .unauthorized, code: "auth.no-session", message: "sign in (POST /sign-in) and send the session cookie")
    }

    /// The API's answer to a store refusal: the store's own message, which never quotes the request.
    static func problem(_ error: StoreError) -> Response {
        switch error.code {
        case .unknownException:
            JSONResponse.problem(.notFound, code: "exception.unknown", message: error.message)
        case .invalidException:
            JSONResponse.problem(.unprocessableContent, code: "exception.invalid", message: error.message)
        case .forbidden:
            JSONResponse.problem(.forbidden, code: "exception.forbidden", message: error.message)
        default:
            JSONResponse.problem(.internalServerError, code: "server.store", message: "the store failed")
        }
    }
}

extension HTTPField.Name {
    /// The session's synchroniser token on an API call made with the session cookie.
    static var xCSRFToken: Self { Self("X-CSRF-Token")! }
}
