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
        let accounts = [
            Account(
                name: "ann", distinguishedName: "CN=ann,DC=t", primaryGroupID: 513,
                source: .init(file: "d.ldif", line: 5))
        ]
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

@Suite("Primary groups an export leaves out")
struct PrimaryGroupDefaultTests {
    @Test(
        "an account without primaryGroupID is in Domain Users (a computer in Domain Computers), and a warning says so")
    func assumed() throws {
        let accounts = [
            Account(name: "ann", distinguishedName: "CN=ann,DC=t", source: .init(file: "d.ldif", line: 5)),
            Account(
                name: "PC1$", distinguishedName: "CN=PC1,DC=t", kind: .computer, source: .init(file: "d.ldif", line: 9)),
            Account(
                name: "bob", distinguishedName: "CN=bob,DC=t", primaryGroupID: 514,
                source: .init(file: "d.ldif", line: 12)),
        ]
        let access = DirectoryAccess(accounts: accounts, groups: [])
        #expect(access.assumedPrimaryGroups == 2)
        var work = AccessGraph.Workspace(for: access.graph)
        func members(_ principal: String) throws -> [Int] {
            guard case .principal(let resolved) = access.resolve(principal) else { throw CancellationError() }
            let set = access.graph.members(of: [resolved], using: &work)
            return accounts.indices.filter { set.contains($0) }
        }
        #expect(try members("RIVERSIDE\\Domain Users") == [0])
        #expect(try members("Domain Computers") == [1])
        let grants = [
            Grant(resourceID: "D:\\S", principal: "Domain Users", right: .read, source: .init(file: "a", line: 1))
        ]
        let diagnostics = CrossChecks.access(
            context(Estate(organisation: .unnamed, accounts: accounts, grants: grants)))
        let assumed = try #require(diagnostics.first { $0.code == "cross.primary-group-assumed" })
        #expect(assumed.location.line == 5 && assumed.message.hasPrefix("2 accounts"))
    }
}

/// A context for `estate` (the cross-checks read no date).
private func context(_ estate: Estate) -> AnalysisContext {
    AnalysisContext(estate: estate, asOf: Date(timeIntervalSince1970: 0))
}
