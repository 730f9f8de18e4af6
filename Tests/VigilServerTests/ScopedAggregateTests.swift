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
                tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: organisation.code,
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
            let visible = SignInTests.visible
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

    /// Organisation rows in the section labelled `id`.
    static func rows(in html: String, section id: String) -> Int {
        guard let start = html.range(of: "<section aria-labelledby=\"\(id)\">"),
            let end = html[start.upperBound...].range(of: "</section>")
        else { return -1 }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<th scope=\"row\"><a href=").count - 1
    }

    /// The organisation rows of the section labelled `id`, in order.
    static func rowList(in html: String, section id: String) -> [String] {
        guard let start = html.range(of: "<section aria-labelledby=\"\(id)\">"),
            let end = html[start.upperBound...].range(of: "</section>")
        else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<tr>").filter {
            $0.hasPrefix("<th scope=\"row\"><a href=")
        }.map { $0.components(separatedBy: "</tr>")[0] }
    }

    @Test("tables list their first 25 organisations and link to all; every sum still counts every organisation")
    func firstRows() async throws {
        try await SignInTests.withService { service, client in
            try await Self.seed(service)
            // Thirty more organisations in region Y56, each with one known-exploited finding.
            for index in 1...30 {
                let code = "RA\(index)"
                let organisation = try await service.store.createOrganisation(
                    NewOrganisation(code: code, name: "Trust <\(code)>", kind: .gpPractice, parents: ["Y56", "QE1"]))
                let host = Self.key.subjectKey(kind: .host, id: code)
                let submission = Submission(
                    tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: code,
                    assessedAt: SignInTests.start.addingTimeInterval(-86_400),
                    areas: [.init(area: .updates, status: .assessed)],
                    findings: [
                        .init(
                            rule: .updateMissingExploited, severity: .critical, area: .updates, kind: .host,
                            subject: host, facts: [:])
                    ],
                    coverage: [.init(area: .updates, kind: .host, complete: false, subjects: [host])], metrics: [])
                _ = try await service.store.ingest(
                    submission, organisation: organisation.id, receivedAt: SignInTests.start)
            }
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let overview = String(buffer: try await PageClient.get(client, "/", session: session).body)
            #expect(Self.kevHeadline(overview) == "37; 33")
            for section in ["severity", "kev", "scores"] {
                #expect(Self.rows(in: overview, section: section) == 25, "\(section)")
            }
            #expect(overview.contains("The first 25 of 33 organisations."))
            #expect(overview.contains("<a href=\"?show=all#severity\">Show all 33</a>"))
            let all = String(buffer: try await PageClient.get(client, "/?show=all", session: session).body)
            #expect(Self.kevHeadline(all) == "37; 33")
            for section in ["severity", "kev", "scores"] {
                #expect(Self.rows(in: all, section: section) == 33, "\(section)")
            }
            #expect(!all.contains("Show all"))
            // The first rows are the whole table's first rows, in its order (ties broken by path).
            for section in ["severity", "kev", "scores"] {
                let first = Self.rowList(in: overview, section: section)
                #expect(
                    first.count == 25 && first == Array(Self.rowList(in: all, section: section).prefix(25)),
                    "\(section)")
            }
            // A region page cuts its tables the same way: Y56 holds RXX, RYY and the thirty.
            let region = String(buffer: try await PageClient.get(client, "/regions/Y56", session: session).body)
            #expect(Self.kevHeadline(region) == "33; 32")
            #expect(Self.rows(in: region, section: "severity") == 25)
            let wholeRegion = String(
                buffer: try await PageClient.get(client, "/regions/Y56?show=all", session: session).body)
            #expect(Self.rows(in: wholeRegion, section: "severity") == 32)
        }
    }
}
