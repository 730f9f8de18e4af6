public import VigilCore

/// Who can read a path: the enabled accounts an ACL's entries let in, with Windows' order of evaluation. Explicit
/// entries come before inherited ones and, at each level, deny before allow; so an explicit deny beats every allow, an
/// explicit allow beats an inherited deny, and an inherited deny beats an inherited allow:
///
///     readers = ((explicit allow) ∪ (inherited allow − inherited deny)) − explicit deny
///
/// Rights are judged for reading data only: a deny of write leaves reading alone.
public struct EffectiveAccess: Sendable {
    /// The readers of one path and how they were found.
    public struct Readers: Sendable {
        /// The accounts that can read it (every account, enabled or not: callers intersect with the ones they count).
        public var accounts: AccessBitset
        /// The allow entries that let someone read, with the principal each resolved to.
        public var openedBy: [(grant: Grant, principal: AccessGraph.Principal)]
        /// Entries whose principal the directory does not hold (unknown SIDs, names of other domains).
        public var unknownPrincipals: [Grant]
        /// Entries the export does not say enough about to follow (inheritance not stated).
        public var heldBack: Int
        /// The path whose ACL decided it.
        public var listedPath: String
        /// The entries that decided it, as text: two paths with the same signature have the same readers.
        public var signature: String
    }

    /// The directory as a graph.
    public let directory: DirectoryAccess
    /// The ACLs by path.
    public let acls: AccessControlIndex

    /// An engine over `directory` and `acls`.
    public init(directory: DirectoryAccess, acls: AccessControlIndex) {
        self.directory = directory
        self.acls = acls
    }

    /// The readers of `path`, or `nil` when no ACL covers it.
    public func readers(of path: String, isFolder: Bool = false, using work: inout AccessGraph.Workspace) -> Readers? {
        var cache: [String: AccessBitset] = [:]
        return readers(of: path, isFolder: isFolder, using: &work, cache: &cache)
    }

    /// The readers of `path`, with the reader sets of ACLs already seen kept in `cache` by the entries that decide
    /// them: the files of a folder share one ACL, so a share of thousands of files costs one walk and one set.
    public func readers(
        of path: String, isFolder: Bool = false, using work: inout AccessGraph.Workspace,
        cache: inout [String: AccessBitset]
    ) -> Readers? {
        guard let entries = acls.entries(for: path, isFolder: isFolder) else { return nil }
        var explicitAllow: [AccessGraph.Principal] = []
        var explicitDeny: [AccessGraph.Principal] = []
        var inheritedAllow: [AccessGraph.Principal] = []
        var inheritedDeny: [AccessGraph.Principal] = []
        var openedBy: [(grant: Grant, principal: AccessGraph.Principal)] = []
        var unknown: [Grant] = []
        for grant in entries.grants where grant.right.includesRead {
            switch directory.resolve(grant.principal) {
            case .noAccount: continue
            case .unknown: unknown.append(grant)
            case .principal(let principal):
                switch (grant.access, grant.inherited) {
                case (.allow, false):
                    explicitAllow.append(principal)
                    openedBy.append((grant, principal))
                case (.allow, true):
                    inheritedAllow.append(principal)
                    openedBy.append((grant, principal))
                case (.deny, false): explicitDeny.append(principal)
                case (.deny, true): inheritedDeny.append(principal)
                }
            }
        }
        let signature = entries.grants.filter(\.right.includesRead).map {
            "\($0.access.rawValue) \($0.inherited) \($0.principal.lowercased())"
        }.sorted().joined(separator: "\n")
        if let known = cache[signature] {
            return Readers(
                accounts: known, openedBy: openedBy, unknownPrincipals: unknown, heldBack: entries.heldBack,
                listedPath: entries.listedPath, signature: signature)
        }
        let graph = directory.graph
        var readers = graph.members(of: inheritedAllow, using: &work)
        if !inheritedDeny.isEmpty { readers.subtract(graph.members(of: inheritedDeny, using: &work)) }
        graph.addMembers(of: explicitAllow, to: &readers, using: &work)
        if !explicitDeny.isEmpty { readers.subtract(graph.members(of: explicitDeny, using: &work)) }
        cache[signature] = readers
        return Readers(
            accounts: readers, openedBy: openedBy, unknownPrincipals: unknown, heldBack: entries.heldBack,
            listedPath: entries.listedPath, signature: signature)
    }
}
