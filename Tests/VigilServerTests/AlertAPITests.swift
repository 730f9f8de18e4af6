import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilSubmission
import VigilTestSupport

/// The alert routes through a real HTTP server on a loopback port over a SQLite store, with the clock fixed: an
/// organisation lists its alerts, acknowledges or declares one not applicable, reads its overdue feed as JSON or CSV,
/// and sees an alert close only when its own later submission covers the host without the finding. Two organisations
/// with tokens of their own show that one never reads or moves the other's status.
@Suite("alert API")
struct AlertAPITests {
    static let key = try! PseudonymKey(bytes: [UInt8](repeating: 6, count: 32))
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    /// Three days before `now`: the acknowledgement clock (48 hours) has run out at `now`.
    static let issued = now.addingTimeInterval(-3 * 86_400)

    struct Service {
        let store: SQLNationalStore
        let first: OrganisationRecord
        let second: OrganisationRecord
        let firstToken: String
        let secondToken: String
        let alert: AlertRecord
    }

    static func withService(_ body: @Sendable (Service, any TestClientProtocol) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "vigil-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLNationalStore(address: folder.appending(path: "national.sqlite").path)
        try await store.migrate()
        let first = try await store.createOrganisation(
            NewOrganisation(code: "RXX", name: "Riverside Trust", kind: .acuteTrust, parents: ["Y56"]))
        let second = try await store.createOrganisation(
            NewOrganisation(code: "RYY", name: "Hillside Trust", kind: .acuteTrust, parents: ["Y56"]))
        let alert = try await store.issueAlert(
            NewAlert(
                title: "MS17-010", severity: .critical, rules: [.updateMissing], cves: ["CVE-2017-0144"],
                advisories: ["MS17-010"], issuedAt: issued, remediateBy: now.addingTimeInterval(30 * 86_400)))
        let service = Service(
            store: store, first: first, second: second,
            firstToken: try await store.issueToken(organisation: "RXX", at: now),
            secondToken: try await store.issueToken(organisation: "RYY", at: now), alert: alert)
        let application = buildApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, now: { now }), store: store)
        try await application.test(.live) { client in
            try await body(service, client)
        }
    }

    static func headers(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    /// A submission after issue: host `a` inventoried, missing MS17-010's update when `missing`.
    static func submission(missing: Bool, day: Int, organisation: String = "RXX") throws -> ByteBuffer {
        let host = key.subjectKey(kind: .host, id: "a")
        var document = Submission(
            tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: organisation,
            assessedAt: issued.addingTimeInterval(TimeInterval(day) * 86_400),
            areas: [.init(area: .updates, status: .assessed)],
            findings: missing
                ? [
                    .init(
                        rule: .updateMissing, severity: .high, area: .updates, kind: .host, subject: host,
                        facts: ["listed": "CVE-2017-0144", "install": "KB4012212"])
                ] : [],
            coverage: [.init(area: .updates, kind: .host, complete: false, subjects: [host])], metrics: [])
        document.keyFingerprint = key.fingerprint
        return ByteBuffer(data: try document.canonicalJSON())
    }

    static func statuses(_ response: TestResponse) throws -> [AlertStatus] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([AlertStatus].self, from: Data(buffer: response.body))
    }

    static func status(_ response: TestResponse) throws -> AlertStatus {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AlertStatus.self, from: Data(buffer: response.body))
    }

    static func errorCode(_ response: TestResponse) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    static func acknowledgement(_ id: Int64) -> String { "/api/v1/alerts/\(id)/acknowledgement" }

    @Test("an organisation lists only its own status; acknowledging stops its clock and leaves the other's alone")
    func listAndAcknowledge() async throws {
        try await Self.withService { service, client in
            let listed = try await client.execute(
                uri: "/api/v1/alerts", method: .get, headers: Self.headers(service.firstToken))
            #expect(listed.status == .ok)
            let own = try Self.statuses(listed)
            #expect(own.map(\.organisation.code) == ["RXX"])
            #expect(own.first?.state == .open && own.first?.acknowledgementOverdue == true)

            let acknowledged = try await client.execute(
                uri: Self.acknowledgement(service.alert.id), method: .post, headers: Self.headers(service.firstToken),
                body: ByteBuffer(string: #"{"response":"acknowledged"}"#))
            #expect(acknowledged.status == .ok)
            let status = try Self.status(acknowledged)
            #expect(
                status.state == .acknowledged && status.acknowledgedAt == Self.now && !status.acknowledgementOverdue)
            let other = try await service.store.alertStatuses(organisation: service.second.id, at: Self.now)
            #expect(other.first?.state == .open && other.first?.acknowledgedAt == nil)
            #expect(
                try await service.store.alertEvents(alert: service.alert.id, organisation: service.second.id).isEmpty)
        }
    }

    @Test("the alert closes through the API only when a later submission covers the host without the finding")
    func closureThroughSubmissions() async throws {
        try await Self.withService { service, client in
            let shows = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.firstToken),
                body: try Self.submission(missing: true, day: 1))
            #expect(shows.status == .created)
            var own = try Self.statuses(
                try await client.execute(uri: "/api/v1/alerts", method: .get, headers: Self.headers(service.firstToken))
            )
            #expect(own.first?.applicability == .affected && own.first?.state == .open)
            _ = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.firstToken),
                body: try Self.submission(missing: false, day: 2))
            own = try Self.statuses(
                try await client.execute(uri: "/api/v1/alerts", method: .get, headers: Self.headers(service.firstToken))
            )
            #expect(own.first?.state == .closed && own.first?.timeToClosure == 2 * 86_400)
            // Closed by evidence: a declaration now is refused.
            let late = try await client.execute(
                uri: Self.acknowledgement(service.alert.id), method: .post, headers: Self.headers(service.firstToken),
                body: ByteBuffer(string: #"{"response":"not-applicable","reason":"done"}"#))
            #expect(late.status == .unprocessableContent && Self.errorCode(late) == "alert.closed")
        }
    }

    @Test("not applicable: 200 with a reason, 422 without one or against the organisation's own evidence")
    func notApplicable() async throws {
        try await Self.withService { service, client in
            let missing = try await client.execute(
                uri: Self.acknowledgement(service.alert.id), method: .post, headers: Self.headers(service.secondToken),
                body: ByteBuffer(string: #"{"response":"not-applicable"}"#))
            #expect(missing.status == .unprocessableContent && Self.errorCode(missing) == "alert.invalid-reason")
            let declared = try await client.execute(
                uri: Self.acknowledgement(service.alert.id), method: .post, headers: Self.headers(service.secondToken),
                body: ByteBuffer(string: #"{"response":"not-applicable","reason":"no Windows hosts"}"#))
            #expect(declared.status == .ok)
            #expect(try Self.status(declared).state == .notApplicable)
            // The first organisation's evidence shows the alert applies: its declaration is refused.
            _ = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.firstToken),
                body: try Self.submission(missing: true, day: 1))
            let refused = try await client.execute(
                uri: Self.acknowledgement(service.alert.id), method: .post, headers: Self.headers(service.firstToken),
                body: ByteBuffer(string: #"{"response":"not-applicable","reason":"we think not"}"#))
            #expect(refused.status == .unprocessableContent && Self.errorCode(refused) == "alert.applies")
            #expect(
                try await service.store.alertStatuses(organisation: service.first.id, at: Self.now).first?.state
                    == .open)
        }
    }

    @Test(
        "bad requests get 401, 404, 413 or 422 with a code, echo nothing and change nothing",
        arguments: [
            ("none", "/api/v1/alerts/1/acknowledgement", #"{"response":"acknowledged"}"#, 401, "auth.missing-token"),
            ("token", "/api/v1/alerts/999/acknowledgement", #"{"response":"acknowledged"}"#, 404, "alert.unknown"),
            (
                "token", "/api/v1/alerts/x9434765919/acknowledgement", #"{"response":"acknowledged"}"#, 404,
                "alert.unknown"
            ),
            ("token", "/api/v1/alerts/1/acknowledgement", "not json 9434765919", 422, "alert.malformed"),
            ("token", "/api/v1/alerts/1/acknowledgement", #"{"response":"9434765919"}"#, 422, "alert.malformed"),
            (
                "token", "/api/v1/alerts/1/acknowledgement",
                #"{"response":"not-applicable","reason":"9434765919\n"# + String(repeating: "x", count: 600) + #""}"#,
                422, "alert.invalid-reason"
            ),
            (
                "token", "/api/v1/alerts/1/acknowledgement",
                #"{"response":"acknowledged","pad":""# + String(repeating: "9434765919", count: 1_000) + #""}"#, 413,
                "alert.too-large"
            ),
        ] as [(String, String, String, Int, String)])
    func badRequests(_ auth: String, _ uri: String, _ body: String, _ status: Int, _ code: String) async throws {
        try await Self.withService { service, client in
            var headers: HTTPFields = [.contentType: "application/json"]
            if auth == "token" { headers[.authorization] = "Bearer \(service.firstToken)" }
            let response = try await client.execute(
                uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status.code == status)
            #expect(Self.errorCode(response) == code)
            #expect(!String(buffer: response.body).contains("9434765919"))
            #expect(
                try await service.store.alertEvents(alert: service.alert.id, organisation: service.first.id).isEmpty)
        }
    }

    @Test("the overdue feed holds the organisation's own missed clocks, as JSON and as CSV")
    func overdueFeed() async throws {
        try await Self.withService { service, client in
            let json = try await client.execute(
                uri: "/api/v1/alerts/overdue", method: .get, headers: Self.headers(service.firstToken))
            #expect(json.status == .ok)
            let overdue = try Self.statuses(json)
            #expect(overdue.count == 1 && overdue.first?.organisation.code == "RXX")
            #expect(overdue.first?.acknowledgementOverdue == true)

            let csv = try await client.execute(
                uri: "/api/v1/alerts/overdue?format=csv", method: .get, headers: Self.headers(service.firstToken))
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.count == 2 && lines.first?.hasPrefix("alert,title,severity,organisation") == true)
            #expect(lines.last?.contains(",RXX,") == true && lines.last?.contains(",RYY,") == false)
            var accept = Self.headers(service.firstToken)
            accept[.accept] = "text/csv"
            let negotiated = try await client.execute(uri: "/api/v1/alerts/overdue", method: .get, headers: accept)
            #expect(String(buffer: negotiated.body) == String(buffer: csv.body))

            // Acknowledged, nothing is overdue any more (remediation is due in 30 days).
            _ = try await client.execute(
                uri: Self.acknowledgement(service.alert.id), method: .post, headers: Self.headers(service.firstToken),
                body: ByteBuffer(string: #"{"response":"acknowledged"}"#))
            let after = try await client.execute(
                uri: "/api/v1/alerts/overdue", method: .get, headers: Self.headers(service.firstToken))
            #expect(try Self.statuses(after).isEmpty)
            let other = try await client.execute(
                uri: "/api/v1/alerts/overdue", method: .get, headers: Self.headers(service.secondToken))
            #expect(try Self.statuses(other).map(\.organisation.code) == ["RYY"])

            let badFormat = try await client.execute(
                uri: "/api/v1/alerts/overdue?format=xml", method: .get, headers: Self.headers(service.firstToken))
            #expect(badFormat.status == .unprocessableContent)
            let anonymous = try await client.execute(uri: "/api/v1/alerts/overdue", method: .get)
            #expect(anonymous.status == .unauthorized)
            let anonymousList = try await client.execute(uri: "/api/v1/alerts", method: .get)
            #expect(anonymousList.status == .unauthorized)
        }
    }

    @Test("every alert response body matches its schema in docs/api/openapi.yaml")
    func contract() async throws {
        try await Self.withService { service, client in
            _ = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.firstToken),
                body: try Self.submission(missing: true, day: 1))
            _ = try await client.execute(
                uri: "/api/v1/submissions", method: .post, headers: Self.headers(service.firstToken),
                body: try Self.submission(missing: false, day: 2))
            let declared = try await client.execute(
                uri: Self.acknowledgement(service.alert.id), method: .post, headers: Self.headers(service.secondToken),
                body: ByteBuffer(string: #"{"response":"not-applicable","reason":"no Windows hosts"}"#))
            try OpenAPIContract.validate(Data(buffer: declared.body), component: "AlertStatus")
            for token in [service.firstToken, service.secondToken] {
                for uri in ["/api/v1/alerts", "/api/v1/alerts/overdue"] {
                    let response = try await client.execute(uri: uri, method: .get, headers: Self.headers(token))
                    #expect(response.status == .ok)
                    try OpenAPIContract.validate(Data(buffer: response.body), component: "AlertStatus", array: true)
                }
            }
            // A closed status, with its closing submission and time to closure, and a declared one were both checked.
            let closed = try Self.statuses(
                try await client.execute(uri: "/api/v1/alerts", method: .get, headers: Self.headers(service.firstToken))
            )
            #expect(closed.first?.state == .closed && closed.first?.closedSubmission != nil)
            let unknown = try await client.execute(
                uri: Self.acknowledgement(999), method: .post, headers: Self.headers(service.firstToken),
                body: ByteBuffer(string: #"{"response":"acknowledged"}"#))
            try OpenAPIContract.validate(Data(buffer: unknown.body), component: "Problem")
        }
    }

    @Test("the contract check itself fails a body that breaks the schema")
    func contractRejects() throws {
        let broken = Data(#"[{"alert":{"id":1},"state":"sort-of"}]"#.utf8)
        #expect(throws: JSONSchemaValidator.ValidationFailure.self) {
            try OpenAPIContract.validate(broken, component: "AlertStatus", array: true)
        }
    }
}
