import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilSubmission

/// Exceptions, tickets and escalations through a live loopback server (SignInTests' service: RXX and RYY in region
/// QE1, RZZ in QE2; an analyst, a viewer of QE1, members of RXX and RZZ), the clock in the test's hands. The matrix
/// rows for the new routes are here: every route × every role × every organisation, with and without a session.
@Suite("exception API, ticket API and escalations")
struct ExceptionAPITests {
    static let key = try! PseudonymKey(bytes: [UInt8](repeating: 9, count: 32))

    /// One open ticket for host `a` of `code`, assessed at `at`.
    static func seed(_ store: SQLNationalStore, _ organisation: OrganisationRecord, at: Date) async throws {
        let host = key.subjectKey(kind: .host, id: "a")
        let submission = Submission(
            tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: organisation.code, assessedAt: at,
            areas: [.init(area: .updates, status: .assessed)],
            findings: [
                .init(
                    rule: .updateMissing, severity: .high, area: .updates, kind: .host, subject: host,
                    facts: ["listed": "CVE-2017-0144", "install": "KB4012212"])
            ],
            coverage: [.init(area: .updates, kind: .host, complete: false, subjects: [host])], metrics: [])
        _ = try await store.ingest(submission, organisation: organisation.id, receivedAt: at)
    }

    /// The session's CSRF token, as the overview page's form carries it.
    static func csrf(_ client: some TestClientProtocol, session: String) async throws -> String {
        let page = try await PageClient.get(client, "/", session: session)
        return try #require(PageClient.formToken(String(buffer: page.body)))
    }

    static func post(
        _ client: some TestClientProtocol, _ uri: String, session: String?, csrf: String?, body: String
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let session { headers[.cookie] = "vigil_session=\(session)" }
        if let csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func requestBody(ticket: Int64, expires: Date) -> String {
        """
        {"ticket": \(ticket), "reason": "vendor has no patch for the scanner", \
        "controls": "isolated VLAN, SMB blocked", "expiresAt": "\(iso(expires))"}
        """
    }

    @Test(
        "a member asks, another person with the analyst role approves, the expiry reopens the ticket on the next request"
    )
    func requestApproveExpire() async throws {
        try await SignInTests.withService { service, client in
            let rxx = service.organisations[0]
            try await Self.seed(service.store, rxx, at: SignInTests.start.addingTimeInterval(-86_400))
            let ticket = try #require(try await service.store.tickets(organisation: rxx.id).first)
            let member = try await PageClient.signIn(client, login: "rxx.member")
            let memberToken = try await Self.csrf(client, session: member)
            // A day's end, as --expires gives.
            let expires = CivilDate.day(of: SignInTests.start.addingTimeInterval(10 * 86_400))
            let body = Self.requestBody(ticket: ticket.id, expires: expires)

            // No session: 401; no or a wrong CSRF token: 403; nothing stored.
            let anonymous = try await Self.post(client, "/api/v1/exceptions", session: nil, csrf: nil, body: body)
            #expect(anonymous.status == .unauthorized)
            for token in [nil, String(repeating: "0", count: 64), member] {
                let refused = try await Self.post(
                    client, "/api/v1/exceptions", session: member, csrf: token, body: body)
                #expect(refused.status == .forbidden)
            }
            #expect(try await service.store.exceptions(at: service.clock.now).isEmpty)
            // Malformed, and too large.
            let malformed = try await Self.post(
                client, "/api/v1/exceptions", session: member, csrf: memberToken, body: #"{"ticket": "x"}"#)
            #expect(malformed.status == .unprocessableContent)
            let large = try await Self.post(
                client, "/api/v1/exceptions", session: member, csrf: memberToken,
                body: String(repeating: " ", count: 17_000))
            #expect(large.status == .contentTooLarge)

            let created = try await Self.post(
                client, "/api/v1/exceptions", session: member, csrf: memberToken, body: body)
            #expect(created.status == .created)
            try OpenAPIContract.validate(Data(buffer: created.body), component: "Exception")
            let requested = try Self.decoder().decode(ExceptionRecord.self, from: Data(buffer: created.body))
            #expect(requested.state == .requested && requested.requestedBy == "rxx.member")

            // The member cannot decide; the analyst approves.
            let decision = #"{"decision": "approved"}"#
            let uri = "/api/v1/exceptions/\(requested.id)/decision"
            let byMember = try await Self.post(client, uri, session: member, csrf: memberToken, body: decision)
            #expect(byMember.status == .forbidden)
            let analyst = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let analystToken = try await Self.csrf(client, session: analyst)
            let unknown = try await Self.post(
                client, "/api/v1/exceptions/999999/decision", session: analyst, csrf: analystToken, body: decision)
            #expect(unknown.status == .notFound)
            let approved = try await Self.post(client, uri, session: analyst, csrf: analystToken, body: decision)
            #expect(approved.status == .ok)
            try OpenAPIContract.validate(Data(buffer: approved.body), component: "Exception")
            let record = try Self.decoder().decode(ExceptionRecord.self, from: Data(buffer: approved.body))
            #expect(record.state == .approved && record.valid && record.decidedBy == "analyst@example.nhs.uk")
            #expect(try await service.store.tickets(organisation: rxx.id).first?.state == .excepted)
            // The organisation's page says the finding is excepted, not fixed, for its member and the analyst.
            for session in [member, analyst] {
                let page = String(
                    buffer: try await PageClient.get(client, "/organisations/RXX", session: session).body)
                #expect(page.contains("<h2 id=\"exceptions\">Exceptions in force</h2>"), "\(page)")
                #expect(page.contains("1 finding excepted (1 high): a risk accepted, not a fix."))
                #expect(page.contains("<td>vendor has no patch for the scanner</td>"))
                // The approval's day has a row of its own but no evidence, and the chart says so.
                #expect(page.contains("over 2 days recorded, 1 of them with evidence"), "\(page)")
                // The last day it holds, as the alert clocks are shown: an expiry at a midnight is the day before's end.
                let lastDay = CivilDate.string(expires.addingTimeInterval(-1))
                #expect(
                    page.contains("<td>\(lastDay) (end of day, UTC)</td><td>analyst@example.nhs.uk</td>"), "\(page)")
            }
            // The overview's latest evidence is the assessment's day, not the day the approval rewrote the counts.
            let overview = String(buffer: try await PageClient.get(client, "/", session: analyst).body)
            let severity = try #require(overview.components(separatedBy: "aria-labelledby=\"severity\"").last)
            let row = try #require(
                severity.components(separatedBy: "<tr>").first { $0.contains(">RXX<") }?.components(
                    separatedBy: "</tr>"
                ).first)
            let evidenceDay = CivilDate.string(SignInTests.start.addingTimeInterval(-86_400))
            #expect(row.hasSuffix(">\(evidenceDay)</td>"), "\(row)")
            let again = try await Self.post(client, uri, session: analyst, csrf: analystToken, body: decision)
            #expect(again.status == .unprocessableContent)

            // Past the expiry, the next request sweeps: the ticket is open again, its clock restarted at the expiry.
            service.clock.advance(11 * 86_400)
            _ = try await client.execute(uri: "/api/v1/health", method: .get)
            let reopened = try #require(try await service.store.tickets(organisation: rxx.id).first)
            #expect(reopened.state == .open && reopened.clockStartedAt == expires)
            let afterExpiry = String(
                buffer: try await PageClient.get(client, "/organisations/RXX", session: analyst).body)
            #expect(!afterExpiry.contains("Exceptions in force"))
            let audit = try await service.store.auditLog(since: nil).map(\.action)
            #expect(audit.contains(.requestException) && audit.contains(.decideException))
        }
    }

    /// The routes the matrix checks, each with the organisation it concerns (nil: a list filtered by scope).
    static let routes: [(String, String?)] =
        [("/api/v1/exceptions", nil)]
        + ["RXX", "RYY", "RZZ", "NOSUCH"].map { (code: String) -> (String, String?) in
            ("/api/v1/organisations/\(code)/tickets", code)
        }

    @Test("authorisation matrix for the new routes: every route × role × organisation; lists and asks stay in scope")
    func authorisationMatrix() async throws {
        try await SignInTests.withService { service, client in
            for organisation in service.organisations {
                try await Self.seed(service.store, organisation, at: SignInTests.start.addingTimeInterval(-86_400))
            }
            // One exception per organisation, asked by an analyst (who may ask for any).
            let analyst = try service.user("analyst@example.nhs.uk")
            var exceptionOf: [Int64: String] = [:]
            for organisation in service.organisations {
                let ticket = try #require(try await service.store.tickets(organisation: organisation.id).first)
                let record = try await service.store.requestException(
                    NewException(
                        ticket: ticket.id, reason: "r", controls: "c",
                        expiresAt: SignInTests.start.addingTimeInterval(86_400)),
                    by: analyst.id, at: SignInTests.start)
                exceptionOf[record.id] = organisation.code
            }
            for (uri, _) in Self.routes {
                for session in [nil, String(repeating: "f", count: 64)] {
                    let response = try await PageClient.get(client, uri, session: session)
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(!String(buffer: response.body).contains("Trust"))
                }
            }
            let visible = SignInTests.visible
            for user in service.users {
                let allowed = try #require(visible[user.login])
                let session = try await PageClient.signIn(client, login: user.login)
                for (uri, code) in Self.routes {
                    let response = try await PageClient.get(client, uri, session: session)
                    if let code {
                        let expected = allowed.contains(code)
                        #expect(response.status == (expected ? .ok : .notFound), "\(user.login) \(uri)")
                        if expected {
                            try OpenAPIContract.validate(Data(buffer: response.body), component: "Ticket", array: true)
                            let tickets = try Self.decoder().decode([Ticket].self, from: Data(buffer: response.body))
                            #expect(tickets.count == 1)
                        }
                    } else {
                        #expect(response.status == .ok)
                        try OpenAPIContract.validate(Data(buffer: response.body), component: "Exception", array: true)
                        let records = try Self.decoder().decode(
                            [ExceptionRecord].self, from: Data(buffer: response.body))
                        #expect(Set(records.compactMap { exceptionOf[$0.id] }) == allowed, "\(user.login)")
                    }
                }
                // Asking: a member for another organisation's ticket sees it as unknown; a viewer may not ask.
                let csrf = try await Self.csrf(client, session: session)
                for organisation in service.organisations {
                    let ticket = try #require(try await service.store.tickets(organisation: organisation.id).first)
                    // Each ticket has an analyst's request pending, so even an allowed ask is refused as a duplicate
                    // (422): what the matrix checks is that out-of-scope asks never get that far.
                    let response = try await Self.post(
                        client, "/api/v1/exceptions", session: session, csrf: csrf,
                        body: Self.requestBody(ticket: ticket.id, expires: SignInTests.start.addingTimeInterval(86_400))
                    )
                    let expected: HTTPResponse.Status
                    switch user.role {
                    case .regionalViewer: expected = .forbidden
                    case .nationalAnalyst: expected = .unprocessableContent
                    case .organisationMember:
                        expected = allowed.contains(organisation.code) ? .unprocessableContent : .notFound
                    }
                    #expect(response.status == expected, "\(user.login) asks for \(organisation.code)")
                }
                // Deciding: only the analyst role, and never on their own request.
                for (id, code) in exceptionOf.sorted(by: { $0.key < $1.key }) {
                    let response = try await Self.post(
                        client, "/api/v1/exceptions/\(id)/decision", session: session, csrf: csrf,
                        body: #"{"decision": "rejected"}"#)
                    #expect(response.status == .forbidden, "\(user.login) decides for \(code)")
                }
            }
            #expect(try await service.store.exceptions(at: SignInTests.start).allSatisfy { $0.state == .requested })
        }
    }

    @Test("the overview shows missed clocks and not-applicable reasons within the viewer's scope; the feed has levels")
    func escalations() async throws {
        try await SignInTests.withService { service, client in
            let rxx = service.organisations[0]
            let rzz = service.organisations[2]
            let issued = SignInTests.start.addingTimeInterval(-40 * 86_400)
            try await Self.seed(service.store, rxx, at: issued.addingTimeInterval(-86_400))
            let alert = try await service.store.issueAlert(
                NewAlert(
                    title: "MS17-010 <WannaCry>", severity: .critical, rules: [.updateMissing],
                    cves: ["CVE-2017-0144"], issuedAt: issued))
            _ = try await service.store.declareAlertNotApplicable(
                alert.id, organisation: rzz.id, reason: "no <Windows> hosts", at: issued)

            let analyst = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let html = String(buffer: try await PageClient.get(client, "/", session: analyst).body)
            #expect(html.contains("Alert clocks") && html.contains("MS17-010 &lt;WannaCry&gt;"))
            // RXX: never acknowledged, 15 days for critical long gone: national (3). RYY: acknowledgement only (1).
            #expect(html.contains("3 (national)") && html.contains("1 (not acknowledged)"))
            #expect(html.contains("no &lt;Windows&gt; hosts") && !html.contains("<Windows>"))
            let member = try await PageClient.signIn(client, login: "rzz.member")
            let own = String(buffer: try await PageClient.get(client, "/", session: member).body)
            #expect(own.contains("no &lt;Windows&gt; hosts") && !own.contains("Trust &lt;RXX&gt;"))
            #expect(!own.contains("3 (national)"))

            // The organisation's feed carries the levels, in JSON (checked against the contract) and CSV.
            let token = try await service.store.issueToken(organisation: "RXX", at: SignInTests.start)
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            let json = try await client.execute(uri: "/api/v1/alerts/overdue", method: .get, headers: headers)
            try OpenAPIContract.validate(Data(buffer: json.body), component: "AlertStatus", array: true)
            let statuses = try Self.decoder().decode([AlertStatus].self, from: Data(buffer: json.body))
            #expect(statuses.map(\.escalation) == [.national] && statuses.first?.escalationLevel == 3)
            #expect(statuses.first?.remediateBy == issued.addingTimeInterval(15 * 86_400))
            let csv = try await client.execute(
                uri: "/api/v1/alerts/overdue?format=csv", method: .get, headers: headers)
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.first?.hasSuffix("escalation,escalation_level") == true)
            #expect(lines.count == 2 && lines[1].hasSuffix(",national,3"))
        }
    }
}
