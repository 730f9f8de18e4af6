import Hummingbird
import VigilStore

/// The organisation a request's `Authorization: Bearer` submission token belongs to, or the 401 to send: every API
/// route an organisation calls authenticates the same way and answers the same problems.
enum BearerAuthentication {
    /// The token's organisation, or the 401 response (missing or not a live token), never echoing the token; a 503 when
    /// the database cannot say.
    static func organisation(_ request: Request, store: SQLNationalStore) async throws
        -> Result<OrganisationRecord, Unauthorised>
    {
        guard let token = SubmissionRoutes.bearerToken(request) else {
            var response = JSONResponse.problem(
                .unauthorized, code: "auth.missing-token",
                message: "send the organisation's token as Authorization: Bearer")
            response.headers[.wwwAuthenticate] = "Bearer"
            return .failure(Unauthorised(response: response))
        }
        let found: OrganisationRecord?
        do {
            found = try await store.organisation(token: token)
        } catch {
            // The database failed, not the token: said so, so a client sends again later rather than give up.
            return .failure(
                Unauthorised(
                    response: JSONResponse.problem(
                        .serviceUnavailable, code: "service.database",
                        message: "the service's database does not answer; nothing was done: try again later")))
        }
        guard let organisation = found else {
            var response = JSONResponse.problem(
                .unauthorized, code: "auth.invalid-token", message: "the token is not a live submission token")
            response.headers[.wwwAuthenticate] = "Bearer error=\"invalid_token\""
            return .failure(Unauthorised(response: response))
        }
        return .success(organisation)
    }

    /// A 401 (or, the database failing, a 503) to send as it is.
    struct Unauthorised: Error {
        var response: Response
    }
}
