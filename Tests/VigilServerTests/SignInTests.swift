import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilServer
import VigilStore

/// Signing in and out through the real forms over a loopback server and a SQLite store, the clock in the test's
/// hands: cookie attributes, failures, lockout and its end, CSRF refusals, and the audit trail they leave. Then the
/// authorisation matrix: every page × every role × every organisation.
@Suite("sign-in, sessions and page authorisation")
struct SignInTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// Three organisations in two regions, and one person of each kind: an analyst, a viewer of region QE1, and a
    /// member of RXX and of RZZ.
    struct Service {
        let store: SQLNationalStore
        let clock: PageClient.Clock
        let organisations: [OrganisationRecord]
        let users: [UserRecord]

        func user(_ login: String) throws -> UserRecord { try #require(users.first { $0.login == login }) }
    }

    /// The organisations each person of ``Service`` may see, by login.
    static let visible: [String: Set<String>] = [
        "analyst@example.nhs.uk": ["RXX", "RYY", "RZZ"], "viewer": ["RXX", "RYY"], "rxx.member": ["RXX"],
        "rzz.member": ["RZZ"],
    ]

    static func withService<T: Sendable>(
        secureCookies: Bool = false, trustedProxies: Set<String> = [],
        _ body: @Sendable (Service, any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLNationalStore(
            address: folder.appending(path: "national.sqlite").path, policy: PageClient.policy)
        try await store.migrate()
        var organisations: [OrganisationRecord] = []
        for (code, parents) in [("RXX", ["Y56", "QE1"]), ("RYY", ["Y56", "QE1"]), ("RZZ", ["Y57", "QE2"])] {
            organisations.append(
                try await store.createOrganisation(
                    NewOrganisation(code: code, name: "Trust <\(code)>", kind: .acuteTrust, parents: parents)))
        }
        let origin = Origin(address: "cli", at: start)
        var users: [UserRecord] = []
        for user in [
            NewUser(login: "analyst@example.nhs.uk", displayName: "Nat Analyst", role: .nationalAnalyst),
            NewUser(login: "viewer", displayName: "Reg Viewer", role: .regionalViewer, region: "QE1"),
            NewUser(login: "rxx.member", displayName: "Rex Member", role: .organisationMember, organisation: "RXX"),
            NewUser(login: "rzz.member", displayName: "Zed Member", role: .organisationMember, organisation: "RZZ"),
        ] {
            users.append(try await store.createUser(user, password: PageClient.password, origin: origin))
        }
        let clock = PageClient.Clock(start)
        let service = Service(store: store, clock: clock, organisations: organisations, users: users)
        let application = buildApplication(
            configuration: ServerConfiguration(
                host: "127.0.0.1", port: 0, secureCookies: secureCookies, trustedProxies: trustedProxies,
                now: { clock.now }),
            store: store)
        return try await application.test(.live) { client in
            try await body(service, client)
        }
    }

    @Test(
        "signing in sets an HttpOnly, SameSite=Strict session cookie (not Secure over plain HTTP) and opens the pages")
    func signInCookie() async throws {
        try await Self.withService { service, client in
            let response = try await PageClient.postSignIn(client, login: "analyst@example.nhs.uk")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let cookie = try #require(PageClient.setCookie("vigil_session", in: response))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(cookie.contains("Max-Age=43200"))
            #expect(!cookie.contains("Secure"))
            #expect(response.headers[.strictTransportSecurity] == nil)
            let session = try #require(PageClient.cookieValue("vigil_session", in: response))
            #expect(session.count == 64)

            let page = try await PageClient.get(client, "/", session: session)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("National overview") && html.contains("Nat Analyst"))
            #expect(html.contains("Trust &lt;RXX&gt;") && !html.contains("<RXX>"))
            #expect(!html.contains("<script"))
            // The sign-out form carries the session's token, which is not the session id.
            let token = try #require(PageClient.formToken(html))
            #expect(token.count == 64 && token != session)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src") == false)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-store")
        }
    }

    @Test("with --secure-cookies, or behind a proxy that says https, cookies are Secure and HSTS is sent")
    func secureCookies() async throws {
        try await Self.withService(secureCookies: true) { _, client in
            let response = try await PageClient.postSignIn(client, login: "viewer")
            #expect(PageClient.setCookie("vigil_session", in: response)?.contains("; Secure") == true)
            #expect(response.headers[.strictTransportSecurity]?.hasPrefix("max-age=31536000") == true)
        }
        try await Self.withService { _, client in
            let proxied: HTTPFields = [HTTPField.Name("X-Forwarded-Proto")!: "https"]
            let response = try await PageClient.postSignIn(client, login: "viewer", headers: proxied)
            #expect(PageClient.setCookie("vigil_session", in: response)?.contains("; Secure") == true)
            #expect(response.headers[.strictTransportSecurity] != nil)
        }
    }

    @Test("X-Forwarded-For names the client only from a trusted proxy, and only its rightmost entry, if an address")
    func forwardedAddress() async throws {
        func signInAddress(trusted: Set<String>, forwarded: String) async throws -> String? {
            try await Self.withService(trustedProxies: trusted) { service, client in
                let headers: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: forwarded]
                let response = try await PageClient.postSignIn(client, login: "viewer", headers: headers)
                #expect(response.status == .seeOther)
                let log = try await service.store.auditLog(since: nil).filter { $0.action == .signIn }
                #expect(log.count == 1)
                return log.first?.address
            }
        }
        #expect(
            try await signInAddress(trusted: ["127.0.0.1"], forwarded: "198.51.100.7, 203.0.113.9") == "203.0.113.9")
        #expect(try await signInAddress(trusted: ["127.0.0.1"], forwarded: "2001:db8::1") == "2001:db8::1")
        #expect(try await signInAddress(trusted: ["127.0.0.1"], forwarded: "203.0.113.9, <script>") == "127.0.0.1")
        #expect(try await signInAddress(trusted: [], forwarded: "203.0.113.9") == "127.0.0.1")
        #expect(try await signInAddress(trusted: ["192.0.2.1"], forwarded: "203.0.113.9") == "127.0.0.1")
    }

    @Test("a wrong password and an unknown name get the same 401 form and no session")
    func failedSignIn() async throws {
        try await Self.withService { service, client in
            let wrong = try await PageClient.postSignIn(client, login: "viewer", password: "not the password")
            let unknown = try await PageClient.postSignIn(client, login: "nobody@example.nhs.uk")
            for response in [wrong, unknown] {
                #expect(response.status == .unauthorized)
                #expect(PageClient.cookieValue("vigil_session", in: response) == nil)
                #expect(String(buffer: response.body).contains("The name or the password is wrong."))
            }
            let log = try await service.store.auditLog(since: nil).filter { $0.address == "127.0.0.1" }
            #expect(log.map(\.action) == [.signInFailed, .signInFailed])
            #expect(log.map(\.who) == ["viewer", "unknown"])
        }
    }

    @Test("five failures lock the account against the right password until fifteen minutes pass")
    func lockout() async throws {
        try await Self.withService { service, client in
            for _ in 1...5 {
                let response = try await PageClient.postSignIn(client, login: "rxx.member", password: "a wrong guess")
                #expect(response.status == .unauthorized)
            }
            let locked = try await PageClient.postSignIn(client, login: "rxx.member")
            #expect(locked.status == .tooManyRequests)
            #expect(PageClient.cookieValue("vigil_session", in: locked) == nil)
            service.clock.advance(15 * 60 - 1)
            #expect(try await PageClient.postSignIn(client, login: "rxx.member").status == .tooManyRequests)
            service.clock.advance(1)
            #expect(try await PageClient.postSignIn(client, login: "rxx.member").status == .seeOther)
            let actions = try await service.store.auditLog(since: nil).map(\.action)
            #expect(actions.contains(.accountLocked))
            #expect(actions.filter { $0 == .signInLocked }.count == 2)
        }
    }

    @Test("a sign-in without its form token, or with another one, is refused with 403 and signs no one in")
    func signInCSRF() async throws {
        try await Self.withService { service, client in
            let form = try await client.execute(uri: "/sign-in", method: .get)
            let token = try #require(PageClient.formToken(String(buffer: form.body)))
            let body = "csrf=\(token)&login=viewer&password=\(PageClient.escape(PageClient.password))"
            let cases: [HTTPFields] = [
                [.contentType: "application/x-www-form-urlencoded"],
                [
                    .contentType: "application/x-www-form-urlencoded",
                    .cookie: "vigil_signin=\(String(repeating: "a", count: 64))",
                ],
            ]
            for headers in cases {
                let response = try await client.execute(
                    uri: "/sign-in", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .forbidden)
                #expect(PageClient.cookieValue("vigil_session", in: response) == nil)
            }
            #expect(try await service.store.auditLog(since: nil).filter { $0.action == .signIn }.isEmpty)
        }
    }

    @Test("sign-out needs the session's CSRF token (403 without it, the session kept); with it the session ends")
    func signOut() async throws {
        try await Self.withService { service, client in
            let session = try await PageClient.signIn(client, login: "viewer")
            let page = try await PageClient.get(client, "/", session: session)
            let token = try #require(PageClient.formToken(String(buffer: page.body)))
            let headers: HTTPFields = [
                .cookie: "vigil_session=\(session)", .contentType: "application/x-www-form-urlencoded",
            ]
            for body in ["", "csrf=\(String(repeating: "0", count: 64))", "csrf=\(session)"] {
                let refused = try await client.execute(
                    uri: "/sign-out", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(refused.status == .forbidden)
            }
            #expect(try await PageClient.get(client, "/", session: session).status == .ok)
            let out = try await client.execute(
                uri: "/sign-out", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(token)"))
            #expect(out.status == .seeOther && out.headers[.location] == "/sign-in")
            #expect(PageClient.setCookie("vigil_session", in: out)?.contains("Max-Age=0") == true)
            let after = try await PageClient.get(client, "/", session: session)
            #expect(after.status == .seeOther && after.headers[.location] == "/sign-in")
            #expect(try await service.store.auditLog(since: nil).map(\.action).contains(.signOut))
        }
    }

    @Test("a session idle for thirty minutes no longer opens a page")
    func idleSession() async throws {
        try await Self.withService { service, client in
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            service.clock.advance(29 * 60)
            #expect(try await PageClient.get(client, "/", session: session).status == .ok)
            service.clock.advance(30 * 60)
            #expect(try await PageClient.get(client, "/", session: session).status == .seeOther)
        }
    }

    /// The pages, each with the organisation it shows (nil: the overview).
    static let pages: [(String, String?)] =
        [("/", nil)]
        + ["RXX", "RYY", "RZZ", "NOSUCH"].map { (code: String) -> (String, String?) in
            ("/organisations/\(code)", code)
        }

    @Test("authorisation matrix: every page × every role × every organisation; no one sees outside their scope")
    func authorisationMatrix() async throws {
        try await Self.withService { service, client in
            // Without a session, or with a forged one, every page sends the visitor to sign in.
            for (uri, _) in Self.pages {
                for session in [nil, String(repeating: "f", count: 64), "garbage"] {
                    let response = try await PageClient.get(client, uri, session: session)
                    #expect(response.status == .seeOther, "\(uri)")
                    #expect(response.headers[.location] == "/sign-in")
                    #expect(!String(buffer: response.body).contains("Trust"))
                }
            }
            let visible = SignInTests.visible
            for user in service.users {
                let allowed = try #require(visible[user.login])
                let session = try await PageClient.signIn(client, login: user.login)
                for (uri, code) in Self.pages {
                    let response = try await PageClient.get(client, uri, session: session)
                    let html = String(buffer: response.body)
                    let shown = Set(
                        service.organisations.map(\.code).filter { html.contains("Trust &lt;\($0)&gt;") })
                    if let code {
                        let expected = allowed.contains(code)
                        #expect(response.status == (expected ? .ok : .notFound), "\(user.login) \(uri)")
                        #expect(shown == (expected ? [code] : []), "\(user.login) \(uri)")
                    } else {
                        #expect(response.status == .ok)
                        #expect(shown == allowed, "\(user.login) \(uri)")
                    }
                }
            }
            // Every view and refusal was audited with the person and the organisation.
            let log = try await service.store.auditLog(since: nil)
            let member = try service.user("rxx.member")
            let refused = log.filter {
                $0.who == member.login && $0.action == .viewOrganisation && $0.detail?.hasPrefix("refused") == true
            }
            #expect(refused.compactMap(\.organisation).sorted() == ["RYY", "RZZ"])
            #expect(log.filter { $0.action == .viewOverview }.count == service.users.count)
            #expect(log.allSatisfy { $0.address == "127.0.0.1" || $0.address == "cli" })
        }
    }
}
