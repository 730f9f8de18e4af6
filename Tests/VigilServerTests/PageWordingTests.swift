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
    /// Seeds one updates submission for `organisation`, assessed and received at `at`, with one known-exploited host.
    static func submit(_ organisation: OrganisationRecord, at: Date, store: SQLNationalStore) async throws {
        let host = ScopedAggregateTests.key.subjectKey(kind: .host, id: "\(organisation.code)-1")
        let submission = Submission(
            tool: ToolIdentity(name: "vigil", version: "0.1.0-test"), organisation: organisation.code,
            assessedAt: at, areas: [.init(area: .updates, status: .assessed)],
            findings: [
                .init(
                    rule: .updateMissingExploited, severity: .critical, area: .updates, kind: .host, subject: host,
                    facts: [:])
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
            for label in ["Known-exploited", "Weak passwords", "Hosts behind", "Patient data"] {
                let row = overview.components(separatedBy: label).dropFirst().first?.prefix { $0 != "<" }
                #expect(row?.contains("(findings") == true, "\(label): \(row ?? "")")
            }
        }
    }
}
