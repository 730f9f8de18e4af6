import HTTPTypes
import Hummingbird

/// Turns an error thrown below it into a response of its own, so that it passes back through
/// ``SecurityHeadersMiddleware`` like every other: a path no route has (`/nope`, `/api/v1/nope`, `/regions/`) was a
/// bare 404 with an empty body and none of the headers the threat model promises on every response. Paths under
/// `/api/` get the API's Problem JSON; every other path a short HTML page.
struct ErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            var response = Self.response(status: error.status, api: Self.isAPI(request.uri.path))
            // Headers the error carries (Allow on a 405, say) are kept.
            for field in error.headers { response.headers.append(field) }
            return response
        } catch let error as any HTTPResponseError {
            // Another error that says its status (a body too large: 413) keeps it.
            return Self.response(status: error.status, api: Self.isAPI(request.uri.path))
        } catch {
            // Logged by kind only: an error's text may hold what a request sent.
            context.logger.error("a request failed", metadata: ["error": "\(type(of: error))"])
            return Self.response(status: .internalServerError, api: Self.isAPI(request.uri.path))
        }
    }

    /// Whether `path` is the JSON API's.
    static func isAPI(_ path: String) -> Bool {
        path == "/api" || path.hasPrefix("/api/")
    }

    /// The response for `status`: a Problem for the API, else a page. Neither repeats the path, which the client chose.
    static func response(status: HTTPResponse.Status, api: Bool) -> Response {
        let (code, message) =
            switch status {
            case .notFound:
                ("http.not-found", "nothing is at this address: the API is described in docs/api/openapi.yaml")
            case .methodNotAllowed: ("http.method-not-allowed", "this address does not take that method")
            case .internalServerError: ("server.internal", "the service failed on this request: tell the national team")
            default:
                ("http.\(status.code)", status.reasonPhrase.isEmpty ? "the request was refused" : status.reasonPhrase)
            }
        guard !api else { return JSONResponse.problem(status, code: code, message: message) }
        let title = status == .notFound ? "Not found" : status.reasonPhrase.isEmpty ? "Error" : status.reasonPhrase
        let text = status == .notFound ? "Nothing is at this address. The overview is at /." : message
        return HTMLPage.problem(status, title: title, message: text, session: nil)
    }
}
