import HTTPTypes
import Hummingbird

/// Headers every response carries: no inline script or outside resource may run (the pages have no JavaScript),
/// nothing is sniffed, framed or cached.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Headers HTTPTypes has no name constant for.
    static var more: [(String, String)] { [("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.cacheControl] = "no-store"
        for (name, value) in Self.more {
            if let name = HTTPField.Name(name) { response.headers[name] = value }
        }
        return response
    }
}
