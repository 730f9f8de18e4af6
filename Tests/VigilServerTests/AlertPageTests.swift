import Foundation
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilSubmission

/// The alert pages through the real routes: who sees which organisations' statuses, and every count on them derived
/// from the rows they list. The three organisations of ``SignInTests`` are exposed on 1, 2 and 4 hosts
/// (``ScopedAggregateTests/seed(_:)``); then RXX acknowledges and RZZ's next evidence shows the fix, while RYY
/// neither answers nor fixes and passes the acknowledgement clock.
@Suite("alert pages: scope, counts from the rows, audit")
struct AlertPageTests {
    /// The alert, issued three days before the service's clock; its 48-hour acknowledgement clock has passed.
    static func issue(_ service: SignInTests.Service) async throws -> AlertRecord {
        try await service.store.issueAlert(
            NewAlert(
                title: "Patch <the> exploited", severity: .critical, rules: [.updateMissingExploited],
                issuedAt: SignInTests.start.addingTimeInterval(-3 * 86_400),
                knownExploited: true))
    }

    /// RXX acknowledges; RZZ submits its eight hosts again, none exposed, which closes the alert there.
    static func answer(_ service: SignInTests.Service, alert: AlertRecord) async throws {
        let rxx = try #require(service.organisations.first { $0.code == "RXX" })
        let rzz = try #require(service.organisations.first { $0.code == "RZZ" })
        _ = try await service.store.acknowledgeAlert(alert.id, organisation: rxx.id, at: SignInTests.start)
        let hosts = (1...8).map { ScopedAggregateTests.key.subjectKey(kind: .host, id: "RZZ-\($0)") }
        let fixed = Submission(
            tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: "RZZ",
            assessedAt: SignInTests.start.addingTimeInterval(-3_600),
            areas: [.init(area: .updates, status: .assessed)], findings: [],
            coverage: [.init(area: .updates, kind: .host, complete: false, subjects: hosts)], metrics: [])
        _ = try await service.store.ingest(fixed, organisation: rzz.id, receivedAt: SignInTests.start)
    }

    /// The cells of each row of the page's one organisation table, by organisation code.
    static func rows(_ html: String) -> [String: [String]] {
        var rows: [String: [String]] = [:]
        for part in html.components(separatedBy: "<tr><th scope=\"row\"><a href=\"/organisations/").dropFirst() {
            let code = String(part.prefix { $0 != "\"" })
            let row = part.components(separatedBy: "</tr>")[0]
            rows[code] = row.components(separatedBy: "<td>").dropFirst().map {
                String($0.components(separatedBy: "</td>")[0])
            }
        }
        return rows
    }

    /// The numbers of the sentence above the table, in order: organisations, affected, closed, answered, declared,
    /// overdue.
    static func sentence(_ html: String) -> [Int] {
        guard let start = html.range(of: "<p>Of "), let end = html[start.upperBound...].range(of: "</p>") else {
            return []
        }
        return html[start.upperBound..<end.lowerBound].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    }

    @Test("each role sees its scope's organisations on the alert page, and every count is the rows' own")
    func scopedCounts() async throws {
        try await SignInTests.withService { service, client in
            let alert = try await Self.issue(service)
            try await ScopedAggregateTests.seed(service)
            try await Self.answer(service, alert: alert)
            let visible = SignInTests.visible
            for user in service.users {
                let allowed = try #require(visible[user.login])
                let session = try await PageClient.signIn(client, login: user.login)
                let response = try await PageClient.get(client, "/alerts/\(alert.id)", session: session)
                #expect(response.status == .ok, "\(user.login)")
                let html = String(buffer: response.body)
                #expect(html.contains("Patch &lt;the&gt; exploited") && !html.contains("<the>"))
                let rows = Self.rows(html)
                #expect(Set(rows.keys) == allowed, "\(user.login)")
                let shown = Set(service.organisations.map(\.code).filter { html.contains("Trust &lt;\($0)&gt;") })
                #expect(shown == allowed, "\(user.login)")
                // Columns: state, evidence, open matches, acknowledge by, remediate by, closed, escalation.
                let states = rows.values.map { $0[0] }
                let expectedState = ["RXX": "acknowledged", "RYY": "open", "RZZ": "closed"]
                for (code, cells) in rows {
                    #expect(cells[0] == expectedState[code], "\(user.login) \(code)")
                    #expect(cells[1].hasPrefix("affected since"), "\(user.login) \(code)")
                    #expect(cells[2] == (code == "RZZ" ? "0" : String(ScopedAggregateTests.exposed[code] ?? -1)))
                }
                let counted = [
                    rows.count, rows.values.filter { $0[1].hasPrefix("affected") }.count,
                    states.filter { $0 == "closed" }.count, states.filter { $0 != "open" }.count,
                    states.filter { $0 == "not-applicable" }.count,
                    rows.values.filter { !$0[6].hasPrefix("0 ") }.count,
                ]
                #expect(Self.sentence(html) == counted, "\(user.login)")
                // And the numbers themselves: RYY alone is past its clock, RXX and RZZ answered.
                let expected = [
                    allowed.count, allowed.count, allowed.contains("RZZ") ? 1 : 0,
                    allowed.subtracting(["RYY"]).count, 0, allowed.contains("RYY") ? 1 : 0,
                ]
                #expect(counted == expected, "\(user.login)")

                let index = String(buffer: try await PageClient.get(client, "/alerts", session: session).body)
                #expect(index.contains("<a href=\"/alerts/\(alert.id)\">Patch &lt;the&gt; exploited</a>"))
                let cells = index.components(separatedBy: "</a></th>").dropFirst().first?
                    .components(separatedBy: "</tr>")[0].components(separatedBy: "<td>").dropFirst()
                    .map { String($0.components(separatedBy: "</td>")[0]) }
                // Severity, issued, acknowledge by, remediate by, then the counts the alert page gives.
                #expect(
                    cells.map { Array($0.suffix(5)) }
                        == [counted[0], counted[1], counted[3], counted[2], counted[5]].map(String.init))
            }
        }
    }

    @Test("the most escalated organisation comes first; an organisation's page links to the alert")
    func order() async throws {
        try await SignInTests.withService { service, client in
            let alert = try await Self.issue(service)
            try await ScopedAggregateTests.seed(service)
            try await Self.answer(service, alert: alert)
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let html = String(buffer: try await PageClient.get(client, "/alerts/\(alert.id)", session: session).body)
            let first = html.components(separatedBy: "<tr><th scope=\"row\"><a href=\"/organisations/").dropFirst()
                .map { String($0.prefix(3)) }
            #expect(first.first == "RYY", "\(first)")
            let organisation = String(
                buffer: try await PageClient.get(client, "/organisations/RYY", session: session).body)
            #expect(organisation.contains("<a href=\"/alerts/\(alert.id)\">"))
            let overview = String(buffer: try await PageClient.get(client, "/", session: session).body)
            #expect(overview.contains("<a href=\"/alerts\">") && overview.contains("<a href=\"/alerts/\(alert.id)\">"))
        }
    }

    @Test("without a session every alert page sends to sign-in; an unknown or malformed id is 404; views are audited")
    func refusalsAndAudit() async throws {
        try await SignInTests.withService { service, client in
            let alert = try await Self.issue(service)
            for uri in ["/alerts", "/alerts/\(alert.id)", "/alerts/999"] {
                let response = try await PageClient.get(client, uri, session: nil)
                #expect(response.status == .seeOther && response.headers[.location] == "/sign-in", "\(uri)")
            }
            let session = try await PageClient.signIn(client, login: "viewer")
            for id in ["999", "0", "-1", "abc", "1%27", "99999999999999999999999"] {
                let response = try await PageClient.get(client, "/alerts/\(id)", session: session)
                #expect(response.status == .notFound, "\(id)")
                #expect(String(buffer: response.body).contains("No alert has that id."), "\(id)")
            }
            // Before any evidence: the viewer's two organisations, neither shown affected.
            let page = String(buffer: try await PageClient.get(client, "/alerts/\(alert.id)", session: session).body)
            #expect(Self.sentence(page).prefix(2) == [2, 0], "\(Self.sentence(page))")
            #expect(Set(Self.rows(page).keys) == ["RXX", "RYY"])
            #expect(Self.rows(page).values.allSatisfy { $0[1] == "unaffected so far" })
            let log = try await service.store.auditLog(since: nil).filter { $0.action == .viewAlert }
            #expect(log.filter { $0.detail == "refused: no such alert" }.count == 6)
            #expect(log.contains { $0.who == "viewer" && $0.detail == "alert \(alert.id): 2 organisations" })
        }
    }
}
