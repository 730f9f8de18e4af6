import Foundation
import Testing
import VigilCore
import VigilTestSupport

@testable import VigilEngine

@Suite("Cross checks: access-log users the directory does not hold are counted, never quoted")
struct AccessLogCrossCheckTests {
    static let accounts = [
        Account(
            name: "ann", domain: "T", distinguishedName: "CN=ann,DC=t,DC=example",
            sid: SecurityIdentifier("S-1-5-21-1-2-3-1001"), source: .init(file: "d.ldif", line: 5))
    ]

    static func event(_ user: String, line: Int) -> AccessEvent {
        AccessEvent(
            time: Date(timeIntervalSince1970: 1_790_000_000), principal: user, resourceID: "D:\\S\\a.txt",
            action: "read", succeeded: true, source: .init(file: "log.csv", line: line))
    }

    @Test("unknown users give one diagnostic at the first, with counts of users and events")
    func unknownUsers() {
        let events = [
            Self.event("T\\ann", line: 2), Self.event("secret.locum", line: 3), Self.event("ann@t.example", line: 4),
            Self.event("S-1-5-21-1-2-3-1001", line: 5), Self.event("secret.locum", line: 6),
            Self.event("another.Secret", line: 7),
        ]
        let estate = Estate(organisation: .unnamed, accounts: Self.accounts, accessEvents: events)
        let diagnostics = CrossChecks.accessLog(estate: estate)
        #expect(diagnostics.map(\.code) == ["cross.log-user-unknown"])
        #expect(diagnostics.first?.location == EvidenceReference(file: "log.csv", line: 3))
        #expect(diagnostics.first?.message.hasPrefix("2 users in the access logs (3 events)") == true)
        #expect(diagnostics.allSatisfy { !$0.message.lowercased().contains("secret") })
        let matched = Estate(organisation: .unnamed, accounts: Self.accounts, accessEvents: Array(events.prefix(1)))
        #expect(CrossChecks.accessLog(estate: matched).isEmpty)
        #expect(CrossChecks.accessLog(estate: Estate(organisation: .unnamed, accounts: Self.accounts)).isEmpty)
        let noDirectory = Estate(organisation: .unnamed, accessEvents: events)
        #expect(CrossChecks.accessLog(estate: noDirectory).map(\.code) == ["cross.log-without-directory"])
    }

    @Test("vigil assess reads both log formats from a bundle, with vigil.yaml's access window")
    func assessBundle() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for fixture in ["access-log/file-audit.csv", "fhir/auditevent-bundle.json"] {
            _ = try scratch.write(
                fixture.replacingOccurrences(of: "/", with: "-"), try Data(contentsOf: Fixtures.url(fixture)))
        }
        _ = try scratch.write("vigil.yaml", Data("settings:\n  access-window: 30\n".utf8))
        let engine = AssessmentEngine()
        let bundle = try EvidenceBundle(directory: scratch.url)
        #expect(bundle.manifest.accessWindowDays == 30)
        let evidence = try await engine.collect(bundle)
        let formats = evidence.inventory.files.map(\.format).sorted()
        #expect(formats == ["access-log", "fhir-auditevent"])
        // The CSV's rows fold to 6 events (per user, file, action, outcome and day), the bundle's to 5.
        #expect(evidence.estate.accessEvents.count == 11)
    }
}
