import Foundation
import Testing
import VigilAnalyzers
import VigilCore

@testable import VigilEngine

@Suite("Cross checks: what the access analysis could not match is listed, never quoted")
struct AccessCrossCheckTests {
    @Test("a group cycle, a member naming nothing and an unknown principal each give one positioned diagnostic")
    func unmatched() {
        let groups = [
            DirectoryGroup(
                distinguishedName: "CN=A,DC=t", name: "A", members: ["CN=B,DC=t", "CN=Gone,DC=t"],
                source: .init(file: "d.ldif", line: 10)),
            DirectoryGroup(
                distinguishedName: "CN=B,DC=t", name: "B", members: ["CN=A,DC=t"],
                source: .init(file: "d.ldif", line: 20)),
        ]
        let accounts = [Account(name: "ann", distinguishedName: "CN=ann,DC=t", source: .init(file: "d.ldif", line: 5))]
        let grants = [
            Grant(resourceID: "D:\\S", principal: "T\\A", right: .read, source: .init(file: "acl.txt", line: 1)),
            Grant(
                resourceID: "D:\\S", principal: "S-1-5-21-9-9-9-4242", right: .read,
                source: .init(file: "acl.txt", line: 2)),
            Grant(
                resourceID: "D:\\S", principal: "OTHER\\Secret Team", right: .read,
                source: .init(file: "acl.txt", line: 3)),
        ]
        let estate = Estate(organisation: .unnamed, accounts: accounts, groups: groups, grants: grants)
        let diagnostics = CrossChecks.access(context(estate))
        #expect(
            diagnostics.map(\.code).sorted() == [
                "cross.group-cycle", "cross.member-unresolved", "cross.principal-unknown",
            ])
        let unknown = diagnostics.first { $0.code == "cross.principal-unknown" }
        #expect(unknown?.location == EvidenceReference(file: "acl.txt", line: 2))
        #expect(unknown?.message.hasPrefix("2 permission entries") == true)
        #expect(diagnostics.allSatisfy { !$0.message.contains("Secret") && !$0.message.contains("4242") })
        #expect(diagnostics.first { $0.code == "cross.group-cycle" }?.location.line == 10)
        #expect(CrossChecks.access(context(Estate(organisation: .unnamed, accounts: accounts, groups: groups))).isEmpty)
    }
}

/// A context for `estate` (the cross-checks read no date).
private func context(_ estate: Estate) -> AnalysisContext {
    AnalysisContext(estate: estate, asOf: Date(timeIntervalSince1970: 0))
}
