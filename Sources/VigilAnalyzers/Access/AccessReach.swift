public import Foundation
public import VigilCore

/// The effective readers of every confidential file (a file the scan found patient identifiers in, test-range numbers
/// aside), computed once per assessment, and what follows from them: the staff who can read patient data, the
/// permissions that open most of it, and the shares it sits on.
public struct AccessReach: Sendable {
    /// One confidential file.
    public struct File: Sendable {
        /// The path the scan reported.
        public var path: String
        /// The share or scan root it is rolled up to.
        public var share: String
        /// Its readers (every account, enabled or not); `nil` when no permission export covers it.
        public var readers: AccessBitset?
    }

    /// A permission that lets staff read confidential files, with the staff and files it opens.
    public struct OpeningGrant: Sendable {
        /// The principal as the ACL wrote it.
        public var principal: String
        /// The path the entry is set on (for inherited entries, the folder it most likely came from).
        public var path: String
        /// The right it grants.
        public var right: Grant.Right
        /// Where it was read.
        public var source: EvidenceReference
        /// Enabled staff who can read at least one confidential file through it.
        public var staff: Int
        /// Confidential files it opens to someone.
        public var files: Int
        /// The enabled staff themselves (``staff`` is their number), for usage and the least-privilege proposal.
        public var staffSet: AccessBitset
    }

    /// A share (or scan root) with confidential files.
    public struct Share: Sendable {
        /// The share's path.
        public var path: String
        /// Confidential files in it.
        public var files: Int
        /// Enabled staff who can read at least one of them.
        public var staff: Int
    }

    /// The confidential files, in path order.
    public let files: [File]
    /// Enabled user accounts (staff logins).
    public let staff: AccessBitset
    /// Enabled staff who can read at least one confidential file.
    public let reaching: AccessBitset
    /// Every account, of any kind and enabled or not, that a permission lets read at least one confidential file:
    /// service and built-in accounts too, which ``reaching`` leaves out as not staff (the weak-password join asks it of
    /// the accounts the credential findings name, which are enabled ones).
    public let readers: AccessBitset
    /// Accounts in the directory.
    public let accountCount: Int
    /// Confidential files no permission export covers.
    public let uncovered: Int
    /// Entries on confidential files whose principal the directory does not hold.
    public let unknownPrincipals: Int
    /// Entries not followed down because their inheritance is not stated.
    public let heldBack: Int
    /// Cycles of nested groups.
    public let cycles: Int
    /// Group members naming nothing in the export.
    public let unresolvedMembers: Int
    /// Applications and databases vigil.yaml names, whose access needs role exports.
    public let applicationsNamed: Int
    /// The directory as a graph, for proposals that choose among its groups.
    public let directory: DirectoryAccess
    /// Who can read patient data through clinical roles (counted in ``reaching`` too).
    public let roles: ClinicalRoleReach
    private let opened: [OpeningGrant]

    /// The number of enabled staff logins.
    public var staffCount: Int { staff.count }
    /// The number of enabled staff logins that can read patient data.
    public var reachingStaff: Int { reaching.count }

    /// Computes every confidential file's readers.
    public init(estate: Estate, asOf: Date) {
        self.init(
            estate: estate, asOf: asOf, directory: DirectoryAccess(accounts: estate.accounts, groups: estate.groups),
            roleUsers: ClinicalRoleUsers(estate.accounts, users: estate.roleAssignments))
    }

    /// Computes every confidential file's readers with indexes built already (``SharedAnalyses`` shares them).
    init(estate: Estate, asOf: Date, directory: DirectoryAccess, roleUsers: ClinicalRoleUsers) {
        // The ACL exports' resources are unclassified; those vigil.yaml names carry a classification and are no listing.
        let acls = AccessControlIndex(
            estate.grants, listed: estate.resources.filter { $0.classification == .unclassified }.map(\.id))
        let engine = EffectiveAccess(directory: directory, acls: acls)
        var staff = AccessBitset(capacity: estate.accounts.count)
        for (index, account) in estate.accounts.enumerated() where account.kind == .user && account.isEnabled(at: asOf)
        {
            staff.insert(index)
        }
        var work = AccessGraph.Workspace(for: directory.graph)
        var reaching = AccessBitset(capacity: estate.accounts.count)
        var readers = AccessBitset(capacity: estate.accounts.count)
        // Paths with the same signature have the same readers: each distinct set is added once.
        var readerSignatures: Set<String> = []
        var files: [File] = []
        var uncovered = 0
        // Distinct entries: a folder's entry applies to every file beneath it, and is one line of its export.
        var unknown: Set<Grant> = []
        var heldBack = 0
        var memberCache: [AccessGraph.Principal: AccessBitset] = [:]
        var byGrant: [String: (grant: Grant, staff: AccessBitset, files: Int)] = [:]
        // Files with the same ACL share one reader set (copy on write), and each permission adds a given ACL's readers
        // once: memory follows the distinct ACLs, not the files.
        var cache: [String: AccessBitset] = [:]
        var added: Set<String> = []
        let roots = estate.fileScans.compactMap(\.aclRoot).map { AccessControlIndex.key($0) }.sorted {
            $0.count > $1.count
        }
        for exposure in estate.patientData.sorted() where exposure.classification != .testData {
            let aclPath = exposure.aclPath ?? exposure.path
            let share = Self.share(of: aclPath, roots: roots)
            guard exposure.aclPath != nil, let found = engine.readers(of: aclPath, using: &work, cache: &cache)
            else {
                uncovered += 1
                files.append(File(path: exposure.path, share: share, readers: nil))
                continue
            }
            unknown.formUnion(found.unknownPrincipals)
            heldBack += found.heldBack
            var readable = found.accounts
            readable.formIntersection(staff)
            reaching.formUnion(readable)
            if readerSignatures.insert(found.signature).inserted { readers.formUnion(found.accounts) }
            for (grant, principal) in found.openedBy {
                let origin = acls.origin(of: grant)
                let key = "\(AccessControlIndex.key(origin.resourceID))|\(origin.principal.lowercased())"
                let first = added.insert("\(key)\n\(found.signature)").inserted
                if !first, var entry = byGrant[key] {
                    entry.files += 1
                    byGrant[key] = entry
                    continue
                }
                let members: AccessBitset
                if let cached = memberCache[principal] {
                    members = cached
                } else {
                    members = directory.graph.members(of: [principal], using: &work)
                    memberCache[principal] = members
                }
                var opens = readable
                opens.formIntersection(members)
                guard !opens.isEmpty else { continue }
                if var entry = byGrant[key] {
                    entry.staff.formUnion(opens)
                    entry.files += 1
                    byGrant[key] = entry
                } else {
                    byGrant[key] = (origin, opens, 1)
                }
            }
            files.append(File(path: exposure.path, share: share, readers: found.accounts))
        }
        // Folders and shares vigil.yaml names as holding patient data count as confidential resources of their own.
        for resource in estate.resources
        where resource.classification == .patientConfidential && resource.kind != .application
            && resource.kind != .database
        {
            let share = Self.share(of: resource.id, roots: roots)
            guard let found = engine.readers(of: resource.id, isFolder: true, using: &work, cache: &cache) else {
                uncovered += 1
                files.append(File(path: resource.id, share: share, readers: nil))
                continue
            }
            unknown.formUnion(found.unknownPrincipals)
            heldBack += found.heldBack
            var readable = found.accounts
            readable.formIntersection(staff)
            reaching.formUnion(readable)
            if readerSignatures.insert(found.signature).inserted { readers.formUnion(found.accounts) }
            files.append(File(path: resource.id, share: share, readers: found.accounts))
        }
        applicationsNamed =
            estate.resources.filter {
                $0.classification > .unclassified && ($0.kind == .application || $0.kind == .database)
            }.count
        // Clinical applications: staff whose active roles open patient data reach it as surely as through a share.
        roles = ClinicalRoleReach(estate: estate, staff: staff, asOf: asOf, users: roleUsers)
        reaching.formUnion(roles.reaching)
        opened = byGrant.values.map {
            OpeningGrant(
                principal: $0.grant.principal, path: $0.grant.resourceID, right: $0.grant.right,
                source: $0.grant.source, staff: $0.staff.count, files: $0.files, staffSet: $0.staff)
        }.sorted { ($1.staff, $0.path, $0.principal) < ($0.staff, $1.path, $1.principal) }
        self.files = files
        self.staff = staff
        self.reaching = reaching
        self.readers = readers
        accountCount = estate.accounts.count
        self.uncovered = uncovered
        unknownPrincipals = unknown.count
        self.heldBack = heldBack
        cycles = directory.graph.cycles.count
        unresolvedMembers = directory.unresolvedMembers
        self.directory = directory
    }

    /// The permissions that open confidential files to staff, most staff first.
    public func openingGrants() -> [OpeningGrant] { opened }

    /// Shares with confidential files, most staff first.
    public func shares() -> [Share] {
        var byShare: [String: (files: Int, staff: AccessBitset)] = [:]
        for file in files {
            var entry = byShare[file.share] ?? (0, AccessBitset(capacity: accountCount))
            entry.files += 1
            if var readers = file.readers {
                readers.formIntersection(staff)
                entry.staff.formUnion(readers)
            }
            byShare[file.share] = entry
        }
        return byShare.map { Share(path: $0.key, files: $0.value.files, staff: $0.value.staff.count) }
            .sorted { ($1.staff, $0.path) < ($0.staff, $1.path) }
    }

    /// Whether the account at `index` (estate order) is enabled staff that can read patient data.
    public func reaches(_ index: Int) -> Bool { reaching.contains(index) }

    /// Whether the account at `index`, of any kind, can read patient data: staff as ``reaches(_:)`` says, any other
    /// account through a permission.
    public func canRead(_ index: Int) -> Bool { reaching.contains(index) || readers.contains(index) }

    /// The share a path is rolled up to: the longest scan root holding it, else `\\server\share`, else the first two
    /// folders below the drive.
    static func share(of path: String, roots: [String]) -> String {
        let key = AccessControlIndex.key(path)
        if let root = roots.first(where: { key == $0 || key.hasPrefix($0 + "\\") }) {
            return String(path.prefix(root.count))
        }
        let parts = path.split(separator: "\\", omittingEmptySubsequences: true)
        if path.hasPrefix("\\\\") { return "\\\\" + parts.prefix(2).joined(separator: "\\") }
        return parts.prefix(3).joined(separator: "\\")
    }
}
