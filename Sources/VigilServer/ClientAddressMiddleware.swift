import HTTPTypes
import Hummingbird

/// Behind a TLS proxy every request comes from the proxy, so the per-address sign-in limit would hold back everyone at
/// once and the audit log would name the proxy. When the connected peer is one of the `trustedProxies` (given with
/// `vigil serve --trusted-proxy`), the client is the rightmost `X-Forwarded-For` entry — the one that proxy appended;
/// entries to its left were written by the client and prove nothing. A value that is not an IP address is ignored.
/// From any other peer the header is ignored, so no client can choose the address it is counted under.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext

    /// The proxies' own addresses, as the server sees them connect.
    let trustedProxies: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard trustedProxies.contains(context.clientAddress), let forwarded = Self.forwardedClient(request.headers)
        else {
            return try await next(request, context)
        }
        var context = context
        context.clientAddress = forwarded
        return try await next(request, context)
    }

    /// The rightmost `X-Forwarded-For` entry, when it looks like an IP address.
    static func forwardedClient(_ headers: HTTPFields) -> String? {
        guard let name = HTTPField.Name("X-Forwarded-For"),
            let last = headers[values: name].last?.split(separator: ",").last
        else { return nil }
        let address = last.trimmingCharacters(in: .whitespaces)
        return isIPAddress(address) ? address : nil
    }

    /// An IPv4 or IPv6 address in text: 2 to 45 of hex digits, `.` and `:`, with at least one separator.
    static func isIPAddress(_ text: String) -> Bool {
        (2...45).contains(text.utf8.count) && text.contains(where: { $0 == "." || $0 == ":" })
            && text.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
    }
}
