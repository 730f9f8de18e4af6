import Foundation
import HummingbirdTesting
import Testing
import VigilCore
import VigilServer
import VigilStore
import VigilSubmission

/// What the pages say, held to the same words and numbers everywhere: an area's count of organisations, a stale
/// organisation's earlier score, a deadline's day, the headline labels.
@Suite("page wording: counts, scores, deadlines and labels")
struct PageWordingTests {
    /// Seeds one updates submission for `organisation`, assessed and received at `at`, with one known-exploited host
    /// (none when `clean`).
    static func submit(
        _ organisation: OrganisationRecord, at: Date, clean: Bool = false, store: SQLNationalStore
    ) async throws {
        let host = ScopedAggregateTests.key.subjectKey(kind: .host, id: "\(organisation.code)-1")
        let submission = Submission(
            tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: organisation.code,
            assessedAt: at, areas: [.init(area: .updates, status: .assessed)],
            findings: clean
                ? []
                : [
                    .init(
                        rule: .updateMissingExploited, severity: .critical, area: .updates, kind: .host,
                        subject: host, facts: [:])
                ],
            coverage: [.init(area: .updates, kind: .host, complete: false, subjects: [host])], metrics: [])
        _ = try await store.ingest(submission, organisation: organisation.id, receivedAt: at)
    }

    @Test(
        "an area's page counts only the areas below it; the area above is a link without this page's share as its count"
    )
    func areaCounts() async throws {
        try await SignInTests.withService { service, client in
            // Y56 holds QE1 (RXX, RYY) and, now, QE3 (RAB): four organisations... three here, two of them in QE1.
            _ = try await service.store.createOrganisation(
                NewOrganisation(code: "RAB", name: "Trust <RAB>", kind: .acuteTrust, parents: ["Y56", "QE3"]))
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let region = String(buffer: try await PageClient.get(client, "/regions/Y56", session: session).body)
            #expect(region.contains(">QE1</a> (2 organisations)") && region.contains(">QE3</a> (1 organisation)"))
            #expect(!region.contains(">Y56</a> ("))
            let icb = String(buffer: try await PageClient.get(client, "/regions/QE1", session: session).body)
            // Y56 was listed as "Y56 (2 organisations)" here and "(3 organisations)" on its own page.
            #expect(!icb.contains(">Y56</a> ("), "\(icb)")
            #expect(icb.contains("<a href=\"/regions/Y56\">Y56</a>"))
            let overview = String(buffer: try await PageClient.get(client, "/", session: session).body)
            #expect(overview.contains(">Y56</a> (3 organisations)") && overview.contains(">QE1</a> (2 organisations)"))
        }
    }

    @Test("a stale organisation's page gives its score of 30 days ago when it had one")
    func staleScore() async throws {
        try await SignInTests.withService { service, client in
            let rxx = service.organisations[0]
            try await Self.submit(rxx, at: SignInTests.start.addingTimeInterval(-40 * 86_400), store: service.store)
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let page = String(buffer: try await PageClient.get(client, "/organisations/RXX", session: session).body)
            #expect(page.contains("Score stale (evidence of"), "\(page)")
            #expect(!page.contains("no score 30 days ago"))
            #expect(page.contains("(30 days ago "))
        }
    }

    /// The cells of `code`'s row in the overview's scores table: score, 30-day change, peer median, exposure, ….
    static func scoreCells(_ page: String, code: String) throws -> [String] {
        let section = try #require(page.components(separatedBy: "aria-labelledby=\"scores\"").last)
        let row = try #require(
            section.components(separatedBy: "<tr>").first { $0.contains("/organisations/\(code)\"") })
        return row.components(separatedBy: "<td>").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
    }

    @Test("a score's peer median is of the other organisations of its kind, never itself; none without any")
    func peerMedian() async throws {
        try await SignInTests.withService { service, client in
            // Two acute trusts scored apart (a known-exploited host against none); RZZ has no evidence.
            let day = SignInTests.start.addingTimeInterval(-86_400)
            try await Self.submit(service.organisations[0], at: day, store: service.store)
            try await Self.submit(service.organisations[1], at: day, clean: true, store: service.store)
            let analyst = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let overview = String(buffer: try await PageClient.get(client, "/", session: analyst).body)
            let rxx = try Self.scoreCells(overview, code: "RXX")
            let ryy = try Self.scoreCells(overview, code: "RYY")
            #expect(rxx[0] != ryy[0], "\(rxx) \(ryy)")
            #expect(rxx[2] == ryy[0] && ryy[2] == rxx[0], "\(rxx) \(ryy)")
            #expect(rxx[0].split(separator: ".").last?.count == 1, "one decimal place: \(rxx[0])")
            // Worst first: the lower score, then the higher, then RZZ without a score (so a cut table keeps the lows).
            let section = try #require(overview.components(separatedBy: "aria-labelledby=\"scores\"").last)
            let order = ["RXX", "RYY", "RZZ"].sorted {
                (section.range(of: "/organisations/\($0)\"")?.lowerBound ?? section.endIndex)
                    < (section.range(of: "/organisations/\($1)\"")?.lowerBound ?? section.endIndex)
            }
            #expect(try #require(Double(rxx[0])) < (try #require(Double(ryy[0]))))
            #expect(order == ["RXX", "RYY", "RZZ"])
            // A member sees one organisation: it has no peer in view.
            let member = try await PageClient.signIn(client, login: "rxx.member")
            let own = String(buffer: try await PageClient.get(client, "/", session: member).body)
            #expect(try Self.scoreCells(own, code: "RXX")[2] == "—")
        }
    }

    @Test("an organisation's score, its score 30 days ago and the change between them agree as shown")
    func scoreChange() async throws {
        try await SignInTests.withService { service, client in
            // The same finding 40 days and a day ago: a month of ageing lowers the score by a fraction of a point.
            let rxx = service.organisations[0]
            for days in [40.0, 1] {
                try await Self.submit(
                    rxx, at: SignInTests.start.addingTimeInterval(-days * 86_400), store: service.store)
            }
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let page = String(buffer: try await PageClient.get(client, "/organisations/RXX", session: session).body)
            let sentence = try #require(page.components(separatedBy: "<p>Score ").dropFirst().first)
            let figures = sentence.prefix { $0 != ")" }.split(whereSeparator: { " (,".contains($0) })
            // "13.3 (30 days ago 13.4, -0.1)" → ["13.3", "30", "days", "ago", "13.4", "-0.1"]
            let now = try #require(Double(figures[0]))
            let then = try #require(Double(figures[4]))
            let change = try #require(Double(String(figures[5]).replacingOccurrences(of: "±", with: "")))
            #expect(now != then, "\(sentence.prefix(80))")
            #expect(abs(change - (now - then)) < 0.000_1, "\(sentence.prefix(80))")
        }
    }

    @Test("the acknowledgement deadline is the same inclusive day on the organisation page as on the overview")
    func acknowledgementDay() async throws {
        try await SignInTests.withService { service, client in
            // Due at a midnight: the last day to acknowledge is the day before it.
            let due = CivilDate.day(of: SignInTests.start).addingTimeInterval(-86_400)
            _ = try await service.store.issueAlert(
                NewAlert(
                    title: "Patch it", severity: .critical, rules: [.updateMissingExploited],
                    issuedAt: due.addingTimeInterval(-2 * 86_400), acknowledgeBy: due,
                    remediateBy: due.addingTimeInterval(30 * 86_400)))
            let day = CivilDate.string(due.addingTimeInterval(-1))
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let page = String(buffer: try await PageClient.get(client, "/organisations/RXX", session: session).body)
            #expect(page.contains("<td>\(day) (end of day, UTC)</td>"), "\(page)")
            #expect(!page.contains(ISO8601DateFormatter().string(from: due)))
            let overview = String(buffer: try await PageClient.get(client, "/", session: session).body)
            #expect(overview.contains("<td>\(day)</td>"), "\(overview)")
        }
    }

    @Test("every headline that counts findings says so")
    func headlineLabels() async throws {
        try await SignInTests.withService { service, client in
            let session = try await PageClient.signIn(client, login: "analyst@example.nhs.uk")
            let overview = String(buffer: try await PageClient.get(client, "/", session: session).body)
            for label in ["Known-exploited", "Weak passwords", "Security updates missing", "Patient data"] {
                let row = overview.components(separatedBy: label).dropFirst().first?.prefix { $0 != "<" }
                #expect(row?.contains("(findings") == true, "\(label): \(row ?? "")")
            }
        }
    }
}
