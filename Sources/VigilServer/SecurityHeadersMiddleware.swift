import HTTPTypes
import Hummingbird

/// Headers every response carries: no inline script or outside resource may run (the pages have no JavaScript),
/// nothing is sniffed, framed or cached; over TLS (`--secure-cookies`, or a proxy's `X-Forwarded-Proto: https`) browsers
/// are told to use nothing else for a year.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The server is reached over TLS.
    let secureCookies: Bool

    /// Headers HTTPTypes has no name constant for.
    static var more: [(String, String)] { [("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        if secureCookies || request.headers[.xForwardedProto]?.lowercased() == "https" {
            response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
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
