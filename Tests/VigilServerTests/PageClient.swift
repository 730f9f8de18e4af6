import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import VigilServer
import VigilStore

/// Signing in through the real forms, as a browser would: fetch the form (its token and cookie), post it back, keep
/// the session cookie. The test client follows no redirect, so every 303 is seen.
enum PageClient {
    static let password = "correct horse battery"
    /// bcrypt at its minimum cost: the suite checks the flow, not the work factor.
    static let policy = SignInPolicy(passwordCost: 4)

    /// A clock tests move by hand.
    final class Clock: Sendable {
        private let time: Mutex<Date>
        init(_ start: Date) { time = Mutex(start) }
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// The cookie `name`'s `Set-Cookie` line in `response`, if set.
    static func setCookie(_ name: String, in response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(name + "=") }
    }

    /// The value of cookie `name` set by `response`.
    static func cookieValue(_ name: String, in response: TestResponse) -> String? {
        guard let line = setCookie(name, in: response) else { return nil }
        return String(line.dropFirst(name.count + 1).prefix { $0 != ";" })
    }

    /// The hidden `csrf` field of a page's first form.
    static func formToken(_ html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Fetches the sign-in form and posts `login` and `password` with its token; the response to the post.
    static func postSignIn(
        _ client: some TestClientProtocol, login: String, password: String = password, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        let form = try await client.execute(uri: "/sign-in", method: .get, headers: headers)
        let token = try #require(formToken(String(buffer: form.body)))
        #expect(cookieValue("vigil_signin", in: form) == token)
        var post = headers
        post[.cookie] = "vigil_signin=\(token)"
        post[.contentType] = "application/x-www-form-urlencoded"
        let body = "csrf=\(token)&login=\(escape(login))&password=\(escape(password))"
        return try await client.execute(
            uri: "/sign-in", method: .post, headers: post, body: ByteBuffer(string: body))
    }

    /// Signs in and returns the session cookie's value.
    static func signIn(_ client: some TestClientProtocol, login: String) async throws -> String {
        let response = try await postSignIn(client, login: login)
        #expect(response.status == .seeOther)
        return try #require(cookieValue("vigil_session", in: response))
    }

    /// GET `uri` with the session cookie.
    static func get(_ client: some TestClientProtocol, _ uri: String, session: String?) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: .get, headers: session.map { [.cookie: "vigil_session=\($0)"] } ?? [:])
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
