import Foundation
import Hummingbird
import VigilStore

/// `GET /sign-in`, `POST /sign-in` and `POST /sign-out`: server-rendered forms, no JavaScript. The sign-in form carries
/// a token that must match its cookie (there is no session yet to bind one to); sign-out carries the session's own
/// synchroniser token. Failed sign-ins count against the address and the account in the database, so a lockout holds
/// on every server; every outcome is audited by the store. The answers never say whether a name exists.
struct SignInRoutes: Sendable {
    let sessions: WebSessions

    var store: SQLNationalStore { sessions.store }

    func register(on router: Router<VigilRequestContext>) {
        router.get("sign-in") { request, _ in
            try await form(request)
        }
        router.post("sign-in") { request, context in
            try await signIn(request, address: context.clientAddress)
        }
        router.post("sign-out") { request, context in
            try await signOut(request, address: context.clientAddress)
        }
    }

    /// The form, with a fresh token in it and in its cookie; a signed-in visitor goes to the overview.
    func form(_ request: Request) async throws -> Response {
        if try await sessions.current(request) != nil { return WebSessions.redirect("/") }
        return page(request, status: .ok, message: nil)
    }

    func signIn(_ request: Request, address: String) async throws -> Response {
        guard let fields = try await WebSessions.form(request) else {
            return HTMLPage.problem(
                .contentTooLarge, title: "Sign-in refused", message: "The form was not one this server sends.",
                session: nil)
        }
        guard let expected = request.cookies[WebSessions.signInCookie]?.value,
            WebSessions.tokensMatch(fields["csrf"], expected)
        else {
            return HTMLPage.problem(
                .forbidden, title: "Sign-in refused",
                message: "The form had expired or did not come from this site. Open the sign-in page again.",
                session: nil)
        }
        let origin = Origin(address: address, at: sessions.configuration.now())
        switch try await store.signIn(
            login: fields["login"] ?? "", password: fields["password"] ?? "", origin: origin)
        {
        case .signedIn(let session):
            var response = WebSessions.redirect("/")
            response.setCookie(
                sessions.cookie(
                    WebSessions.cookie, value: session.token, path: "/",
                    maxAge: Int(store.policy.sessionLifetime), request: request))
            response.setCookie(
                sessions.cookie(WebSessions.signInCookie, value: "", path: "/sign-in", maxAge: 0, request: request))
            return response
        case .rejected:
            return page(request, status: .unauthorized, message: "The name or the password is wrong.")
        case .locked, .rateLimited:
            return page(
                request, status: .tooManyRequests,
                message: "Too many failed sign-ins for this account or from this address. Try again in 15 minutes.")
        }
    }

    func signOut(_ request: Request, address: String) async throws -> Response {
        guard let session = try await sessions.current(request) else { return WebSessions.redirect("/sign-in") }
        guard let fields = try await WebSessions.form(request), WebSessions.tokensMatch(fields["csrf"], session.csrf)
        else {
            return HTMLPage.problem(
                .forbidden, title: "Refused", message: "The form did not come from this site's page.",
                session: session)
        }
        try await store.signOut(
            token: session.token, origin: Origin(address: address, at: sessions.configuration.now()))
        var response = WebSessions.redirect("/sign-in")
        response.setCookie(sessions.cookie(WebSessions.cookie, value: "", path: "/", maxAge: 0, request: request))
        return response
    }

    /// The sign-in page with a new form token (also set as its cookie), and `message` when the last try failed.
    func page(_ request: Request, status: HTTPResponse.Status, message: String?) -> Response {
        let token = WebSessions.randomToken()
        let error = message.map { "<p class=\"error\" role=\"alert\">\(HTMLPage.escape($0))</p>\n" } ?? ""
        let main = """
            <h1>Sign in to Vigil</h1>
            \(error)<form method="post" action="/sign-in">
            <input type="hidden" name="csrf" value="\(token)">
            <label for="login">Email or user name</label>
            <input id="login" name="login" autocomplete="username" required maxlength="254">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="72">
            <div><button type="submit">Sign in</button></div>
            </form>
            """
        var response = HTMLPage.response(HTMLPage.render(title: "sign in", session: nil, main: main), status: status)
        response.setCookie(
            sessions.cookie(WebSessions.signInCookie, value: token, path: "/sign-in", maxAge: 3_600, request: request))
        return response
    }
}
