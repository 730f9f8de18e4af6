import Foundation
import Testing
import VigilAnalyzers
import VigilCore

@Suite("Effective access: who can read what, through nesting, primary groups, deny and inheritance")
struct EffectiveAccessTests {
    @Test("generated estates: every path's readers match the construction exactly", arguments: Array(UInt64(1)...12))
    func generated(seed: UInt64) {
        let estate = AccessEstate(seed: seed)
        let directory = DirectoryAccess(accounts: estate.accounts, groups: estate.groups)
        let engine = EffectiveAccess(
            directory: directory,
            acls: AccessControlIndex(estate.grants, listed: estate.nodes.filter(\.listed).map(\.path)))
        var work = AccessGraph.Workspace(for: directory.graph)
        #expect(directory.graph.cycles.count == estate.chainCyclic.filter { $0 }.count)
        #expect(directory.unresolvedMembers == 1)
        var compared = 0
        for (index, node) in estate.nodes.enumerated() {
            guard let found = engine.readers(of: node.path, isFolder: node.isFolder, using: &work) else {
                Issue.record("no ACL for \(node.path)")
                continue
            }
            #expect(Set(found.accounts.members) == estate.readers(of: index), "seed \(seed) \(node.path)")
            #expect(found.unknownPrincipals.isEmpty)
            compared += 1
        }
        #expect(compared == estate.nodes.count)
    }

    @Test("the generated estates exercise what they claim: depth 8, cycles, deny, unlisted paths, protected folders")
    func coverage() {
        let estates = (UInt64(1)...12).map { AccessEstate(seed: $0) }
        let graphs = estates.map { DirectoryAccess(accounts: $0.accounts, groups: $0.groups).graph }
        #expect(graphs.contains { $0.depth >= 8 })
        #expect(graphs.allSatisfy { !$0.cycles.isEmpty })
        let nodes = estates.flatMap(\.nodes)
        #expect(nodes.contains { $0.explicit.contains(where: \.deny) })
        #expect(nodes.contains { !$0.listed && !$0.isFolder })
        #expect(nodes.contains { !$0.listed && $0.isFolder })
        #expect(nodes.contains { $0.protected && $0.parent != nil })
        #expect(nodes.contains { $0.acl.contains { $0.inherited && $0.deny } })
        #expect(estates.contains { $0.domainUsersExported } && estates.contains { !$0.domainUsersExported })
    }

    @Test(
        "explicit deny beats explicit allow; explicit allow beats inherited deny; inherited deny beats inherited allow")
    func order() {
        let accounts = ["ann", "bob"].enumerated().map { index, name in
            Account(
                name: name, domain: "T", distinguishedName: "CN=\(name),DC=t",
                sid: SecurityIdentifier("S-1-5-21-1-2-3-\(1100 + index)"), primaryGroupID: 513,
                source: .init(file: "d", line: index))
        }
        func grant(_ principal: String, _ access: Grant.Access, inherited: Bool) -> Grant {
            Grant(
                resourceID: "D:\\S", principal: principal, right: .read, access: access, inherited: inherited,
                appliesTo: .objectOnly, source: .init(file: "a", line: 1))
        }
        let cases: [([Grant], Set<Int>)] = [
            ([grant("Everyone", .allow, inherited: false), grant("T\\ann", .deny, inherited: false)], [1]),
            ([grant("Everyone", .deny, inherited: true), grant("T\\ann", .allow, inherited: false)], [0]),
            ([grant("Domain Users", .allow, inherited: true), grant("T\\bob", .deny, inherited: true)], [0]),
            ([grant("NT AUTHORITY\\SYSTEM", .allow, inherited: false)], []),
        ]
        let directory = DirectoryAccess(accounts: accounts, groups: [])
        var work = AccessGraph.Workspace(for: directory.graph)
        for (grants, expected) in cases {
            let engine = EffectiveAccess(directory: directory, acls: AccessControlIndex(grants))
            #expect(Set(engine.readers(of: "D:\\S", using: &work)?.accounts.members ?? [-1]) == expected)
        }
    }

    @Test("principals: well-known groups by name in several languages and by SID; unknown SIDs reported")
    func principals() {
        let account = Account(
            name: "ann", domain: "T", distinguishedName: "CN=ann,DC=t", sid: SecurityIdentifier("S-1-5-21-1-2-3-1100"),
            primaryGroupID: 513, source: .init(file: "d", line: 1))
        let computer = Account(
            name: "PC1$", domain: "T", distinguishedName: "CN=PC1,DC=t", sid: SecurityIdentifier("S-1-5-21-1-2-3-1101"),
            kind: .computer, primaryGroupID: 515, source: .init(file: "d", line: 2))
        let directory = DirectoryAccess(accounts: [account, computer], groups: [])
        var work = AccessGraph.Workspace(for: directory.graph)
        func readers(_ principal: String) -> [Int]? {
            guard case .principal(let resolved) = directory.resolve(principal) else { return nil }
            return directory.graph.members(of: [resolved], using: &work).members
        }
        for everyone in [
            "Everyone", "Jeder", "Tout le monde", "S-1-1-0", "NT AUTHORITY\\Authenticated Users",
            "NT-AUTORITÄT\\Authentifizierte Benutzer", "S-1-5-11", "BUILTIN\\Users", "S-1-5-32-545",
        ] {
            #expect(readers(everyone) == [0, 1], "\(everyone)")
        }
        for domainUsers in [
            "T\\Domain Users", "T\\Domänen-Benutzer", "T\\Utilisateurs du domaine", "S-1-5-21-1-2-3-513",
        ] {
            #expect(readers(domainUsers) == [0], "\(domainUsers)")
        }
        #expect(readers("T\\Domain Computers") == [1])
        #expect(readers("S-1-5-21-1-2-3-515") == [1])
        #expect(readers("S-1-5-21-1-2-3-1100") == [0])
        #expect(directory.resolve("S-1-5-21-9-9-9-4242") == .unknown)
        // Another domain's Domain Users and Domain Computers (a trusted domain's, by SID) hold none of these accounts.
        #expect(directory.domainSIDs == ["S-1-5-21-1-2-3"])
        #expect(directory.resolve("S-1-5-21-9-9-9-513") == .unknown)
        #expect(directory.resolve("S-1-5-21-9-9-9-515") == .unknown)
        // Against a directory without SIDs a Domain Users SID cannot be told foreign: its RID decides.
        let unnumbered = Account(name: "bob", domain: "T", primaryGroupID: 513, source: .init(file: "d", line: 3))
        let withoutSIDs = DirectoryAccess(accounts: [unnumbered], groups: [])
        var plain = AccessGraph.Workspace(for: withoutSIDs.graph)
        guard case .principal(let all) = withoutSIDs.resolve("S-1-5-21-9-9-9-513") else {
            Issue.record("a Domain Users SID against a directory without SIDs was not resolved")
            return
        }
        #expect(withoutSIDs.graph.members(of: [all], using: &plain).members == [0])
        #expect(directory.resolve("OTHER\\nobody") == .unknown)
        #expect(directory.resolve("NT AUTHORITY\\SYSTEM") == .noAccount)
        #expect(directory.resolve("CREATOR OWNER") == .noAccount)
    }

    @Test("a cycle of groups is one component, however it is entered")
    func cycles() {
        let graph = AccessGraph(
            accountCount: 3, groupCount: 4, nesting: [(0, 1), (1, 2), (2, 0), (3, 3)],
            membership: [(0, 0), (2, 1), (3, 2)])
        #expect(graph.cycles == [[0, 1, 2], [3]])
        var work = AccessGraph.Workspace(for: graph)
        for group in 0..<3 { #expect(graph.members(of: [.group(group)], using: &work).members == [0, 1]) }
        #expect(graph.members(of: [.group(3)], using: &work).members == [2])
    }
}
