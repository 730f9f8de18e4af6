import Foundation
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilSubmission

/// Every aggregate respects the viewer's scope, tested as the routes are: the region and ICB pages × every role ×
/// every area, and the overview's sums per role. The three organisations of ``SignInTests`` hold 1, 2 and 4
/// known-exploited findings, so any sum that strays outside a scope comes out as a different number.
@Suite("scoped aggregates: region pages and the overview's sums")
struct ScopedAggregateTests {
    static let key = try! PseudonymKey(bytes: [UInt8](repeating: 8, count: 32))

    /// Known-exploited findings per organisation: powers of two, so every subset has its own sum.
    static let exposed = ["RXX": 1, "RYY": 2, "RZZ": 4]

    /// One submission per organisation with `exposed` known-exploited hosts out of eight inventoried.
    static func seed(_ service: SignInTests.Service) async throws {
        for organisation in service.organisations {
            let hosts = (1...8).map { key.subjectKey(kind: .host, id: "\(organisation.code)-\($0)") }
            let findings = hosts.prefix(exposed[organisation.code] ?? 0).map {
                Submission.SubmittedFinding(
                    rule: .updateMissingExploited, severity: .critical, area: .updates, kind: .host, subject: $0,
                    facts: [:])
            }
            let submission = Submission(
                tool: ToolIdentity(name: "vigil", version: "test"), organisation: organisation.code,
                assessedAt: SignInTests.start.addingTimeInterval(-86_400),
                areas: [.init(area: .updates, status: .assessed)], findings: findings,
                coverage: [.init(area: .updates, kind: .host, complete: false, subjects: hosts)], metrics: [])
            _ = try await service.store.ingest(submission, organisation: organisation.id, receivedAt: SignInTests.start)
        }
    }

    /// The known-exploited headline: "findings; organisations exposed".
    static func kevHeadline(_ html: String) -> String? {
        guard let range = html.range(of: "Known-exploited vulnerabilities unpatched") else { return nil }
        let rest = html[range.upperBound...]
        guard let cell = rest.range(of: "<td>") else { return nil }
        return String(rest[cell.upperBound...].prefix { $0 != "<" })
    }

    @Test("the overview's sums: each role sees the sum over its scope only")
    func overviewSums() async throws {
        try await SignInTests.withService { service, client in
            try await Self.seed(service)
            let expected = [
                "analyst@example.nhs.uk": "7; 3", "viewer": "3; 2", "rxx.member": "1; 1", "rzz.member": "4; 1",
            ]
            for user in service.users {
                let session = try await PageClient.signIn(client, login: user.login)
                let html = String(buffer: try await PageClient.get(client, "/", session: session).body)
                #expect(Self.kevHeadline(html) == expected[user.login], "\(user.login)")
            }
        }
    }

    @Test("region and ICB pages × every role × every area: whole areas in scope only, else 404 as unknown")
    func regionMatrix() async throws {
        try await SignInTests.withService { service, client in
            try await Self.seed(service)
            let areas: [String: Set<String>] = [
                "Y56": ["RXX", "RYY"], "QE1": ["RXX", "RYY"], "Y57": ["RZZ"], "QE2": ["RZZ"], "RXX": [], "NOSUCH": [],
                "q%27e1": [],
            ]
            let visible: [String: Set<String>] = [
                "analyst@example.nhs.uk": ["RXX", "RYY", "RZZ"], "viewer": ["RXX", "RYY"], "rxx.member": ["RXX"],
                "rzz.member": ["RZZ"],
            ]
            for (area, _) in areas {
                let response = try await PageClient.get(client, "/regions/\(area)", session: nil)
                #expect(response.status == .seeOther, "\(area) without a session")
            }
            for user in service.users {
                let allowed = try #require(visible[user.login])
                let session = try await PageClient.signIn(client, login: user.login)
                // An area opens when the scope holds all of it: the viewer of QE1 sees its ICB page, and the page of
                // region Y56 only because Y56 holds nothing outside QE1 here.
                for (area, members) in areas {
                    let response = try await PageClient.get(client, "/regions/\(area)", session: session)
                    let html = String(buffer: response.body)
                    let shown = Set(
                        service.organisations.map(\.code).filter { html.contains("Trust &lt;\($0)&gt;") })
                    let open = !members.isEmpty && members.isSubset(of: allowed)
                    #expect(response.status == (open ? .ok : .notFound), "\(user.login) \(area)")
                    #expect(shown == (open ? members : []), "\(user.login) \(area)")
                    if open {
                        let sum = members.reduce(0) { $0 + (Self.exposed[$1] ?? 0) }
                        #expect(Self.kevHeadline(html) == "\(sum); \(members.count)", "\(user.login) \(area)")
                    }
                }
            }
            let refused = try await service.store.auditLog(since: nil).filter {
                $0.action == .viewOverview && $0.detail == "refused: area not in scope"
            }
            #expect(!refused.isEmpty)
        }
    }
}
