import Foundation
import VigilCore
import VigilSynth

/// A generated estate where who can read what is known by construction, for the effective-access tests.
///
/// Groups form chains `C<c>-0 ⊃ C<c>-1 ⊃ … ⊃ C<c>-(d-1)` (depth up to 8); some chains close into a cycle (the last group
/// contains the first). Each user sits directly in at most one level of each chain, so the user is in level `j` of
/// chain `c` exactly when `j` ≤ their level, or always when the chain is a cycle: membership is a formula, not a graph
/// walk. Nesting is the parent's `member`; a user's own membership is written either as the group's `member` or as the
/// user's `memberOf`, at random; everyone's primary group is Domain Users, which the export holds in some seeds only.
///
/// Folders form a tree under `\\FS\Data`; each has explicit allow and deny entries with random inheritance flags, and
/// some break inheritance. The export lists every folder and file down to a random depth, with inherited entries marked
/// as icacls marks them; below it nothing is listed and nothing is set, so those paths receive what the last listed
/// folder passes down. The ACL of every path is simulated top-down from its own entries and its parent's, independent
/// of Vigil's bottom-up resolution.
struct AccessEstate {
    /// A principal by construction.
    enum Who: Hashable {
        case chain(Int, level: Int)
        case user(Int)
        case domainUsers
        case everyone
    }

    /// An access control entry by construction.
    struct Entry {
        var who: Who
        var deny: Bool
        var right: Grant.Right
        var scope: Grant.Scope
        var inherited: Bool
    }

    /// A folder or file.
    struct Node {
        var path: String
        var isFolder: Bool
        var parent: Int?
        var explicit: [Entry]
        var protected: Bool
        var listed: Bool
        /// The full ACL, computed top-down.
        var acl: [Entry] = []
    }

    let chainDepth: [Int]
    let chainCyclic: [Bool]
    /// Each user's level in each chain (`nil` when not in it).
    let level: [[Int?]]
    let enabled: [Bool]
    var nodes: [Node] = []
    let accounts: [Account]
    let groups: [DirectoryGroup]
    let domainUsersExported: Bool

    static let domain = "S-1-5-21-7-8-9"

    init(seed: UInt64, users: Int = 40, chains: Int = 5, folders: Int = 24) {
        var random = SeededRandom(seed: seed)
        chainDepth = (0..<chains).map { $0 == 0 ? 8 : Int.random(in: 1...8, using: &random) }
        chainCyclic = (0..<chains).map { $0 == 1 || Int.random(in: 0..<4, using: &random) == 0 }
        let depths = chainDepth
        level = (0..<users).map { _ in
            (0..<chains).map { chain in
                Bool.random(using: &random) ? nil : Int.random(in: 0..<depths[chain], using: &random)
            }
        }
        let enabled = (0..<users).map { _ in Int.random(in: 0..<6, using: &random) != 0 }
        self.enabled = enabled
        domainUsersExported = Bool.random(using: &random)

        func groupDN(_ chain: Int, _ level: Int) -> String { "CN=C\(chain)-\(level),OU=Groups,DC=t" }
        func userDN(_ user: Int) -> String { "CN=user\(user),OU=Staff,DC=t" }
        var members: [String: [String]] = [:]
        var memberOf: [[String]] = Array(repeating: [], count: users)
        for chain in 0..<chains {
            for depth in 0..<(chainDepth[chain] - 1) {
                members[groupDN(chain, depth), default: []].append(groupDN(chain, depth + 1))
            }
            if chainCyclic[chain] {
                members[groupDN(chain, chainDepth[chain] - 1), default: []].append(groupDN(chain, 0))
            }
        }
        for user in 0..<users {
            for chain in 0..<chains {
                guard let l = level[user][chain] else { continue }
                if Bool.random(using: &random) {
                    members[groupDN(chain, l), default: []].append(userDN(user))
                } else {
                    memberOf[user].append(groupDN(chain, l))
                }
            }
        }
        // A member that points nowhere (a deleted account), which must change nothing.
        members[groupDN(0, 0), default: []].append("CN=Gone,OU=Staff,DC=t")
        var rid: UInt32 = 2000
        var groups: [DirectoryGroup] = []
        for chain in 0..<chains {
            for depth in 0..<chainDepth[chain] {
                rid += 1
                groups.append(
                    DirectoryGroup(
                        distinguishedName: groupDN(chain, depth), name: "C\(chain)-\(depth)",
                        sid: SecurityIdentifier("\(Self.domain)-\(rid)"), members: members[groupDN(chain, depth)] ?? [],
                        source: .init(file: "d.ldif", line: Int(rid))))
            }
        }
        if domainUsersExported {
            groups.append(
                DirectoryGroup(
                    distinguishedName: "CN=Domain Users,CN=Users,DC=t", name: "Domain Users",
                    sid: SecurityIdentifier("\(Self.domain)-513"), source: .init(file: "d.ldif", line: 1)))
        }
        self.groups = groups
        accounts = (0..<users).map { user in
            Account(
                name: "user\(user)", domain: "T", distinguishedName: userDN(user),
                sid: SecurityIdentifier("\(Self.domain)-\(1000 + user)"),
                control: enabled[user] ? .normalAccount : [.normalAccount, .disabled], memberOf: memberOf[user],
                primaryGroupID: 513, source: .init(file: "d.ldif", line: user + 10))
        }

        // The folder tree: a root, then each folder under a random earlier folder; two files per folder.
        func entries(_ random: inout SeededRandom, count: Int) -> [Entry] {
            (0..<count).map { _ in
                let who: Who =
                    switch Int.random(in: 0..<10, using: &random) {
                    case 0: .everyone
                    case 1: .domainUsers
                    case 2, 3: .user(Int.random(in: 0..<users, using: &random))
                    default:
                        {
                            let chain = Int.random(in: 0..<chains, using: &random)
                            return .chain(chain, level: Int.random(in: 0..<depths[chain], using: &random))
                        }()
                    }
                let deny = Int.random(in: 0..<4, using: &random) == 0
                let right: Grant.Right = [.read, .read, .modify, .write, .fullControl].randomElement(using: &random)!
                let flags = Int.random(in: 0..<6, using: &random)
                let scope = Grant.Scope(
                    object: flags != 5, files: flags != 1, folders: flags != 2, childrenOnly: flags == 3)
                return Entry(who: who, deny: deny, right: right, scope: scope, inherited: false)
            }
        }
        var nodes: [Node] = [
            Node(
                path: "\\\\FS\\Data", isFolder: true, parent: nil, explicit: entries(&random, count: 3),
                protected: true, listed: true)
        ]
        for index in 1..<folders {
            let parent = Int.random(in: 0..<nodes.count, using: &random)
            guard nodes[parent].isFolder else { continue }
            let listed = nodes[parent].listed && Int.random(in: 0..<5, using: &random) != 0
            nodes.append(
                Node(
                    path: nodes[parent].path + "\\F\(index)", isFolder: true, parent: parent,
                    explicit: listed ? entries(&random, count: Int.random(in: 0...3, using: &random)) : [],
                    protected: listed && Int.random(in: 0..<5, using: &random) == 0, listed: listed))
        }
        for folder in nodes.indices where nodes[folder].isFolder {
            for file in 0..<2 {
                let listed = nodes[folder].listed && Bool.random(using: &random)
                nodes.append(
                    Node(
                        path: nodes[folder].path + "\\file\(file).csv", isFolder: false, parent: folder,
                        explicit: listed ? entries(&random, count: Int.random(in: 0...1, using: &random)) : [],
                        protected: false, listed: listed))
            }
        }
        // Top-down: a path's ACL is its own entries and, unless it is protected, what its parent passes down.
        for index in nodes.indices {
            var acl = nodes[index].explicit
            if let parent = nodes[index].parent, !nodes[index].protected {
                for entry in nodes[parent].acl {
                    if let copy = Self.passed(entry, toFolder: nodes[index].isFolder) { acl.append(copy) }
                }
            }
            nodes[index].acl = acl
        }
        self.nodes = nodes
    }

    /// The copy of a folder's entry a child receives (Windows' propagation rules), or `nil` when it receives none:
    /// a file takes object-inherit entries; a folder takes container-inherit entries as its own (keeping the flags
    /// unless no-propagate) and object-inherit-only entries as inherit-only, passing them on to its files.
    static func passed(_ entry: Entry, toFolder: Bool) -> Entry? {
        var copy = entry
        copy.inherited = true
        let scope = entry.scope
        if !toFolder {
            guard scope.files else { return nil }
            copy.scope = Grant.Scope(object: true)
            return copy
        }
        if scope.folders {
            copy.scope =
                scope.childrenOnly
                ? Grant.Scope(object: true) : Grant.Scope(object: true, files: scope.files, folders: true)
            return copy
        }
        guard scope.files, !scope.childrenOnly else { return nil }
        copy.scope = Grant.Scope(object: false, files: true, folders: false)
        return copy
    }

    /// The name an ACL writes for a principal.
    func principal(_ who: Who) -> String {
        switch who {
        case .chain(let chain, let level): "T\\C\(chain)-\(level)"
        case .user(let user): user % 2 == 0 ? "T\\user\(user)" : "\(Self.domain)-\(1000 + user)"
        case .domainUsers: "T\\Domain Users"
        case .everyone: "Everyone"
        }
    }

    /// The grants an export of the listed paths holds.
    var grants: [Grant] {
        nodes.filter(\.listed).flatMap { node in
            node.acl.map { entry in
                Grant(
                    resourceID: node.path, principal: principal(entry.who), right: entry.right,
                    access: entry.deny ? .deny : .allow, inherited: entry.inherited, appliesTo: entry.scope,
                    source: .init(file: "acl.txt", line: 1))
            }
        }
    }

    /// Whether `user` is in what `who` stands for, by construction.
    func isMember(_ user: Int, of who: Who) -> Bool {
        switch who {
        case .everyone, .domainUsers: true
        case .user(let other): other == user
        case .chain(let chain, let target):
            level[user][chain].map { chainCyclic[chain] || target <= $0 } ?? false
        }
    }

    /// The users who can read node `index`, by construction (enabled or not).
    func readers(of index: Int) -> Set<Int> {
        let acl = nodes[index].acl.filter { $0.scope.object && $0.right.includesRead }
        return Set(
            (0..<accounts.count).filter { user in
                let matches = acl.filter { isMember(user, of: $0.who) }
                if matches.contains(where: { $0.deny && !$0.inherited }) { return false }
                if matches.contains(where: { !$0.deny && !$0.inherited }) { return true }
                if matches.contains(where: { $0.deny }) { return false }
                return matches.contains { !$0.deny }
            })
    }
}
