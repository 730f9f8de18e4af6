import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilSubmission

@testable import VigilStore

/// The submission API through a real HTTP server on a loopback port (HummingbirdTesting's live mode), over a SQLite
/// store: receipts, idempotency, authentication, and 4xx for malformed, oversized and misdirected bodies that change
/// nothing.
@Suite("submission API")
struct SubmissionAPITests {
    static let key = try! PseudonymKey(bytes: [UInt8](repeating: 5, count: 32))
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// A store with one organisation and its token, and the application over it.
    struct Service {
        let store: SQLNationalStore
        let organisation: OrganisationRecord
        let token: String
        let folder: URL
    }

    static func withService(
        bodyLimit: Int = ServerConfiguration.defaultBodyLimit,
        _ body: @Sendable (Service, any TestClientProtocol) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLNationalStore(
            address: folder.appending(path: "national.sqlite").path, policy: PageClient.policy)
        try await store.migrate()
        let organisation = try await store.createOrganisation(
            NewOrganisation(code: "RXX", name: "Riverside <Test> Trust", kind: .acuteTrust, parents: ["Y56", "QE1"]))
        let token = try await store.issueToken(organisation: "RXX", at: now)
        let service = Service(store: store, organisation: organisation, token: token, folder: folder)
        let application = buildApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, bodyLimit: bodyLimit, now: { now }),
            store: store)
        try await application.test(.live) { client in
            try await body(service, client)
        }
    }

    static func submission(
        missing: [String], week: Int = 0, organisation: String = "RXX", key: PseudonymKey = key
    ) throws -> ByteBuffer {
        var document = Submission(
            tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: organisation,
            // Week 0 a fortnight before the service's clock, so later weeks are not dated ahead of it.
            assessedAt: now.addingTimeInterval(TimeInterval((week - 2) * 7 * 86_400)),
            areas: [.init(area: .updates, status: .assessed)],
            findings: missing.map {
                .init(
                    rule: .updateMissing, severity: .high, area: .updates, kind: .host,
                    subject: key.subjectKey(kind: .host, id: $0), facts: ["daysExposed": "40"])
            },
            coverage: [
                .init(
                    area: .updates, kind: .host, complete: false,
                    subjects: ["a", "b"].map { key.subjectKey(kind: .host, id: $0) })
            ],
            metrics: [])
        document.keyFingerprint = key.fingerprint
        return ByteBuffer(data: try document.canonicalJSON())
    }

    static func headers(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    static func receipt(_ response: TestResponse) throws -> Receipt {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Receipt.self, from: Data(buffer: response.body))
    }

    static func errorCode(_ response: TestResponse) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    @Test("a submission gets 201 and a receipt; the same document again 200 and the same receipt")
    func receipts() async throws {
        try await Self.withService { service, client in
            let body = try Self.submission(missing: ["a", "b"])
            let first = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token), body: body)
            #expect(first.status == .created)
            let receipt = try Self.receipt(first)
            #expect(receipt.opened == 2 && !receipt.duplicate && receipt.receivedAt == Self.now)
            let again = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token), body: body)
            #expect(again.status == .ok)
            #expect(try Self.receipt(again).submission == receipt.submission)
            #expect(try await service.store.tickets(organisation: service.organisation.id).count == 2)
            // The next week's evidence covers both hosts and shows one fixed.
            let next = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: try Self.submission(missing: ["b"], week: 1))
            #expect(try Self.receipt(next).fixed == 1)
        }
    }

    @Test("a submission under another key than the organisation's gets 409 naming both fingerprints, stores nothing")
    func keyChanged() async throws {
        try await Self.withService { service, client in
            let first = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: try Self.submission(missing: ["a", "b"]))
            #expect(first.status == .created)
            let other = try PseudonymKey(bytes: [UInt8](repeating: 6, count: 32))
            let refused = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: try Self.submission(missing: [], week: 1, key: other))
            #expect(refused.status == .conflict)
            #expect(Self.errorCode(refused) == "submission.key-changed")
            let text = String(buffer: refused.body)
            #expect(text.contains(other.fingerprint) && text.contains(Self.key.fingerprint))
            let tickets = try await service.store.tickets(organisation: service.organisation.id)
            #expect(tickets.count == 2 && tickets.allSatisfy { $0.state == .open })
            // A 1.2 document without its fingerprint is not a submission (422); an older client's 1.1 one, which has
            // none, is refused once the organisation's key is recorded (409), both storing nothing.
            var unkeyed =
                try JSONSerialization.jsonObject(
                    with: Data(buffer: try Self.submission(missing: [], week: 1))) as? [String: Any] ?? [:]
            unkeyed["keyFingerprint"] = nil
            let invalid = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: unkeyed)))
            #expect(invalid.status == .unprocessableContent)
            unkeyed["schemaVersion"] = "1.1"
            let older = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: unkeyed)))
            #expect(older.status == .conflict && Self.errorCode(older) == "submission.key-changed")
            #expect(
                try await service.store.tickets(organisation: service.organisation.id).allSatisfy { $0.state == .open })
            let audit = try await service.store.auditLog(since: nil)
            #expect(audit.contains { $0.action == .submitRefused && $0.detail == "pseudonymisation key changed" })
            #expect(audit.contains { $0.action == .submitRefused && $0.detail == "pseudonymisation key not named" })
        }
    }

    @Test(
        "no token, a wrong token or another scheme gets 401 and stores nothing",
        arguments: [
            nil, "Bearer vgl_0000", "Basic dXNlcjpwYXNz", "Bearer ",
        ])
    func unauthorised(_ authorization: String?) async throws {
        try await Self.withService { service, client in
            var headers: HTTPFields = [.contentType: "application/json"]
            if let authorization { headers[.authorization] = authorization }
            let response = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: headers, body: try Self.submission(missing: ["a"]))
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await service.store.tickets(organisation: service.organisation.id).isEmpty)
        }
    }

    @Test(
        "malformed bodies get 422 with a code and position, echo nothing and change nothing",
        arguments: [
            "{", "[]", #"{"schemaVersion":"1.0"}"#, "not json at all: 9434765919",
        ])
    func malformed(_ text: String) async throws {
        try await Self.withService { service, client in
            let response = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: ByteBuffer(string: text))
            #expect(response.status == .unprocessableContent)
            #expect(Self.errorCode(response) == "submission.malformed")
            #expect(!String(buffer: response.body).contains("9434765919"))
            #expect(try await service.store.daily(organisation: service.organisation.id).isEmpty)
        }
    }

    @Test(
        "evidence dated beyond a day ahead, a rule the service does not know, a rule in another area or a version holding text gets 422, echoes nothing and changes nothing",
        arguments: ["future", "rule", "area", "version", "impossible"])
    func refusedContent(_ change: String) async throws {
        try await Self.withService { service, client in
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: try Self.submission(missing: ["a"])))
                    as? [String: Any])
            var finding = try #require((object["findings"] as? [[String: Any]])?.first)
            switch change {
            case "future": object["assessedAt"] = "2026-09-28T00:00:00Z"  // a week after `now`
            // A day the calendar does not have, which Foundation's parser rolled over to 2026-03-02 and stored.
            case "impossible": object["assessedAt"] = "2026-02-30T00:00:00Z"
            case "rule": finding["rule"] = "VGL-JOHN-SMITH"
            case "area": finding["area"] = "accounts"
            default: object["tool"] = ["name": "vigil", "version": "Jane Doe 9434765919"]
            }
            object["findings"] = [finding]
            let response = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: object)))
            #expect(response.status == .unprocessableContent, "\(change)")
            #expect(Self.errorCode(response) == "submission.invalid", "\(change)")
            // Refused by the check meant, at its position.
            let error =
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?[
                    "error"] as? [String: Any]
            let positions = [
                "future": "assessedAt", "rule": "findings[0].rule", "area": "findings[0].area",
                "version": "tool.version", "impossible": "assessedAt",
            ]
            #expect(error?["position"] as? String == positions[change], "\(change)")
            let text = String(buffer: response.body)
            for secret in ["JOHN", "Jane", "9434765919"] { #expect(!text.contains(secret)) }
            #expect(try await service.store.daily(organisation: service.organisation.id).isEmpty)
            #expect(try await service.store.tickets(organisation: service.organisation.id).isEmpty)
        }
    }

    @Test("evidence dated within the day's allowance ahead of the service's clock is accepted")
    func clockAllowance() async throws {
        try await Self.withService { service, client in
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: try Self.submission(missing: ["a"])))
                    as? [String: Any])
            object["assessedAt"] = ISO8601DateFormatter().string(from: Self.now.addingTimeInterval(23 * 3_600))
            #expect(object["assessedAt"] as? String == "2026-09-22T13:13:20Z")
            let response = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: object)))
            #expect(response.status == .created)
        }
    }

    @Test(
        "a database that fails the write gets 503 with a code, not an empty 500, and stores nothing; readiness is checked"
    )
    func databaseFails() async throws {
        try await Self.withService { service, client in
            let ready = try await client.execute(uri: "/api/v1/ready", method: .get)
            #expect(ready.status == .ok && String(buffer: ready.body).contains("ready"))
            // The database refuses every new submission, as a full disk or a failing server would.
            try await service.store.transaction { database in
                try await database.raw(
                    "CREATE TRIGGER refuse BEFORE INSERT ON submissions BEGIN SELECT RAISE(ABORT, 'refused'); END"
                ).run()
            }
            let response = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: try Self.submission(missing: ["a"]))
            #expect(response.status == .serviceUnavailable)
            #expect(Self.errorCode(response) == "submission.unavailable")
            #expect(!String(buffer: response.body).contains("refused"))
            #expect(try await service.store.tickets(organisation: service.organisation.id).isEmpty)
            #expect(try await client.execute(uri: "/api/v1/health", method: .get).status == .ok)
        }
    }

    @Test("a body over the limit gets 413 and changes nothing")
    func oversized() async throws {
        try await Self.withService(bodyLimit: 1_024) { service, client in
            let body = try Self.submission(missing: (0..<40).map { "host-\($0)" })
            #expect(body.readableBytes > 1_024)
            let response = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token), body: body)
            #expect(response.status == .contentTooLarge)
            #expect(try await service.store.tickets(organisation: service.organisation.id).isEmpty)
        }
    }

    @Test("a submission naming another organisation than the token's gets 403")
    func wrongOrganisation() async throws {
        try await Self.withService { service, client in
            let response = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: try Self.submission(missing: ["a"], organisation: "RYY"))
            #expect(response.status == .forbidden)
            #expect(Self.errorCode(response) == "auth.wrong-organisation")
            #expect(try await service.store.tickets(organisation: service.organisation.id).isEmpty)
            let refused = try await service.store.auditLog(since: nil).filter { $0.action == .submitRefused }
            #expect(refused.map(\.organisation) == ["RXX"] && refused.map(\.who) == ["token"])
        }
    }

    @Test("an accepted submission is audited once, as the organisation's token, never with the token itself")
    func auditedSubmission() async throws {
        try await Self.withService { service, client in
            for _ in 1...2 {
                _ = try await client.execute(
                    uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                    body: try Self.submission(missing: ["a"]))
            }
            let log = try await service.store.auditLog(since: nil).filter { $0.action == .submit }
            #expect(log.count == 1)
            #expect(log.first?.who == "token" && log.first?.organisation == "RXX" && log.first?.address == "127.0.0.1")
            #expect(!"\(log)".contains(service.token))
        }
    }

    @Test("the overview page needs a session, then lists organisations with escaped names, counts and strict headers")
    func overview() async throws {
        try await Self.withService { service, client in
            _ = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.token),
                body: try Self.submission(missing: ["a", "b"]))
            let anonymous = try await client.execute(uri: "/", method: .get)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/sign-in")
            #expect(!String(buffer: anonymous.body).contains("Riverside"))
            _ = try await service.store.createUser(
                NewUser(login: "analyst", displayName: "Analyst", role: .nationalAnalyst),
                password: PageClient.password, origin: Origin(address: "cli", at: Self.now))
            let session = try await PageClient.signIn(client, login: "analyst")
            let page = try await PageClient.get(client, "/", session: session)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Riverside &lt;Test&gt; Trust"))
            #expect(!html.contains("<Test>"))
            #expect(html.contains("<td>0</td><td>2</td>"))  // no critical, two high
            #expect(!html.contains("<script"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            let health = try await client.execute(uri: "/api/v1/health", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test(
        "an unknown route gets a 404 with a body and every security header: Problem JSON under /api/, a page elsewhere",
        arguments: ["/nope", "/api/v1/nope", "/regions/", "/api"])
    func unknownRoute(_ path: String) async throws {
        try await Self.withService { _, client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            let body = String(buffer: response.body)
            if path.hasPrefix("/api") {
                #expect(Self.errorCode(response) == "http.not-found", "\(body)")
                try OpenAPIContract.validate(Data(buffer: response.body), component: "Problem")
                #expect(response.headers[.contentType]?.hasPrefix("application/") == true)
            } else {
                #expect(body.contains("<h1>Not found</h1>") && !body.contains("<script"), "\(body)")
            }
        }
    }
}
