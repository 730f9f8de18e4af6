import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore
import VigilStore

/// Sessions for the pages: the cookie that carries a session, the check that a request has a live one, the CSRF
/// comparison, and the small form reader. The session itself lives in the database (``SQLNationalStore``), so any
/// server on the database honours it.
struct WebSessions: Sendable {
    let store: SQLNationalStore
    let configuration: ServerConfiguration

    /// The session cookie's name.
    static let cookie = "vigil_session"
    /// The sign-in form's own token cookie (double-submit: no session exists yet to bind a token to).
    static let signInCookie = "vigil_signin"
    /// A page form is a few hundred bytes.
    static let formLimit = 8 * 1_024

    /// The live session the request's cookie names, marked used now; `nil` without one.
    func current(_ request: Request) async throws -> Session? {
        guard let token = request.cookies[Self.cookie]?.value, !token.isEmpty else { return nil }
        return try await store.session(token: token, at: configuration.now())
    }

    /// Whether the request came over TLS as far as the server can tell: `--secure-cookies`, or a proxy that says so.
    func isSecure(_ request: Request) -> Bool {
        configuration.secureCookies || request.headers[.xForwardedProto]?.lowercased() == "https"
    }

    /// A cookie the pages set: HttpOnly, SameSite=Strict, Secure over TLS.
    func cookie(_ name: String, value: String, path: String, maxAge: Int, request: Request) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: path, secure: isSecure(request), httpOnly: true,
            sameSite: .strict)
    }

    /// 303 to `location` (a path of this server).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Compares a posted token with the expected one in time independent of where they differ.
    static func tokensMatch(_ posted: String?, _ expected: String) -> Bool {
        guard let posted, posted.utf8.count == expected.utf8.count, !expected.isEmpty else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(posted.utf8, expected.utf8) { difference |= a ^ b }
        return difference == 0
    }

    /// The fields of an `application/x-www-form-urlencoded` body of at most ``formLimit`` bytes; `nil` when larger
    /// or not a form. A field given twice keeps its first value.
    static func form(_ request: Request) async throws -> [String: String]? {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: formLimit)
        } catch is NIOTooManyBytesError {
            return nil
        }
        var fields: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { return nil }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            guard let value else { return nil }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// 256 random bits as hex: the sign-in form's token.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return HexDigit.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

extension HTTPField.Name {
    /// Set by a proxy that terminated TLS.
    static var xForwardedProto: Self { Self("X-Forwarded-Proto")! }
}
