import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilTestSupport

/// A directory export that says of itself that it is incomplete lowers the coverage of the areas resting on it.
@Suite("Incomplete directory exports and coverage")
struct IncompleteEvidenceTests {
    let asOf = CivilDate.date(year: 2026, month: 11, day: 1)

    /// Two accounts created a fortnight before the assessment that never logged on (`lastLogon: 0`, as AD exports it).
    static let accounts = [
        "dn: CN=Amy Hall,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: amy.hall",
        "userAccountControl: 512", "lastLogon: 0", "whenCreated: 20261015090000.0Z", "",
        "dn: CN=Bob Ward,CN=Users,DC=trust,DC=nhs", "objectClass: user", "sAMAccountName: bob.ward",
        "userAccountControl: 512", "lastLogon: 0", "whenCreated: 20261015090000.0Z", "",
    ]

    func assess(_ lines: [String]) async throws -> Assessment {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try scratch.write("directory.ldif", lines.joined(separator: "\n"))
        return try await AssessmentEngine().assess(directory: scratch.url, options: .init(asOf: asOf))
    }

    @Test("an export the server cut short (result: 4) leaves account hygiene partly assessed, naming file and line")
    func truncated() async throws {
        let assessment = try await assess(
            Self.accounts + ["# search result", "search: 2", "result: 4 Size limit exceeded", ""])
        let coverage = try #require(assessment.coverage.first { $0.area == .accounts })
        #expect(coverage.status == .partial)
        #expect(coverage.basis.contains("directory.ldif line 17: the export stopped before its end"))
        #expect(assessment.evidence.files.first?.diagnostics.map(\.code) == ["ldif.truncated"])
    }

    @Test("a complete export is assessed in full")
    func complete() async throws {
        let assessment = try await assess(Self.accounts + ["# search result", "search: 2", "result: 0 Success", ""])
        #expect(assessment.coverage.first { $0.area == .accounts }?.status == .assessed)
    }

    @Test("an export whose entries nothing classifies is not assessed, and says why instead of 'no evidence'")
    func unclassified() async throws {
        let assessment = try await assess([
            "dn: CN=Amy Hall,CN=Users,DC=trust,DC=nhs", "sAMAccountName: amy.hall", "",
        ])
        let coverage = try #require(assessment.coverage.first { $0.area == .accounts })
        #expect(coverage.status == .notAssessed)
        #expect(coverage.basis.contains("entries could not be classified"))
        #expect(coverage.basis.contains("directory.ldif line 1"))
    }
}
