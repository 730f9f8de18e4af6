import Synchronization
public import VigilCore

/// The directory as an `AccessGraph`: accounts and groups numbered in estate order, nesting from each group's `member`
/// values and each account's `memberOf`, primary groups from `primaryGroupID`, and the principals ACLs name (a SID,
/// `DOMAIN\name`, a well-known group in the languages Vigil recognises) resolved to graph principals.
///
/// Domain Users and Domain Computers hold most accounts through their primary group, which `member` never lists; when
/// the export has no entry for them they become groups of their own here (after the directory's groups), so that a
/// grant to them reaches everyone whose primary group they are.
public struct DirectoryAccess: Sendable {
    /// What a principal written in an ACL is.
    public enum Match: Sendable, Hashable {
        /// An account or group of the directory, or every account.
        case principal(AccessGraph.Principal)
        /// An identity no member of staff logs on as (SYSTEM, CREATOR OWNER, services, anonymous logons).
        case noAccount
        /// A name or SID the directory does not hold.
        case unknown
    }

    /// The membership graph (accounts in estate order; groups in estate order, then the added primary groups).
    public let graph: AccessGraph
    /// Each group's display name, including the added primary groups.
    public let groupNames: [String]
    /// `member` values that name neither an account nor a group of the export.
    public let unresolvedMembers: Int
    /// Accounts whose `primaryGroupID` names no group the export or the well-known list knows.
    public let unresolvedPrimaryGroups: Int
    /// Accounts the export gives no `primaryGroupID`, taken to be in Active Directory's default primary group.
    public let assumedPrimaryGroups: Int

    /// The domains the directory's accounts and groups belong to, by SID (upper case, `S-1-5-21-a-b-c`).
    public let domainSIDs: Set<String>

    private let accountLookups: AccountLookups
    private let groupBySID: [String: Int]
    private let groupByName: [String: Int]
    private let groupByRID: [UInt32: Int]

    /// Joins `accounts` and `groups` into a graph.
    public init(accounts: [Account], groups: [DirectoryGroup]) {
        var accountByDN: [String: Int] = [:]
        accountByDN.reserveCapacity(accounts.count)
        for (index, account) in accounts.enumerated() {
            if let dn = account.distinguishedName { accountByDN[DistinguishedName.normalised(dn)] = index }
        }
        var groupByDN: [String: Int] = [:]
        var groupBySID: [String: Int] = [:]
        var groupByName: [String: Int] = [:]
        var groupByRID: [UInt32: Int] = [:]
        var names = groups.map(\.name)
        var domains = Set<String>()
        for (index, group) in groups.enumerated() {
            groupByDN[DistinguishedName.normalised(group.distinguishedName)] = index
            if let sid = group.sid {
                groupBySID[sid.description.uppercased()] = index
                if let domain = sid.domain { domains.insert(domain.description.uppercased()) }
                if sid.domain != nil, let rid = sid.rid, groupByRID[rid] == nil { groupByRID[rid] = index }
            }
            let name = group.name.lowercased()
            if groupByName[name] == nil { groupByName[name] = index }
        }
        for (rid, name) in [(UInt32(513), "Domain Users"), (515, "Domain Computers"), (514, "Domain Guests")]
        where groupByRID[rid] == nil {
            if let named = groupByName[name.lowercased()] {
                groupByRID[rid] = named
            } else {
                groupByRID[rid] = names.count
                groupByName[name.lowercased()] = names.count
                names.append(name)
            }
        }
        var nesting: [(Int32, Int32)] = []
        var membership: [(Int32, Int32)] = []
        var unresolved = 0
        for (index, group) in groups.enumerated() {
            for member in group.members {
                let key = DistinguishedName.normalised(member)
                if let child = groupByDN[key] {
                    nesting.append((Int32(index), Int32(child)))
                } else if let account = accountByDN[key] {
                    membership.append((Int32(index), Int32(account)))
                } else {
                    unresolved += 1
                }
            }
        }
        var memo: [String: Int?] = [:]
        var unresolvedPrimary = 0
        var assumed = 0
        var lastDomain: String?
        for (index, account) in accounts.enumerated() {
            for parent in account.memberOf {
                let group: Int?
                if let known = memo[parent] {
                    group = known
                } else {
                    group = groupByDN[DistinguishedName.normalised(parent)]
                    memo[parent] = group
                }
                if let group { membership.append((Int32(group), Int32(index))) }
            }
            // An export without primaryGroupID (ldifde -l naming other attributes) still has every account in a
            // primary group: Active Directory's default, Domain Users (Domain Computers for computers), is taken.
            if account.primaryGroupID == nil { assumed += 1 }
            let rid = account.primaryGroupID ?? (account.kind == .computer ? 515 : 513)
            let domain = account.sid?.domain?.description.uppercased()
            // An export holds one domain or a few, in runs: inserted when it changes, not hashed per account.
            if let domain, domain != lastDomain {
                domains.insert(domain)
                lastDomain = domain
            }
            let own = domain.flatMap { groupBySID["\($0)-\(rid)"] }
            if let group = own ?? groupByRID[rid] {
                membership.append((Int32(group), Int32(index)))
            } else {
                unresolvedPrimary += 1
            }
        }
        graph = AccessGraph(
            accountCount: accounts.count, groupCount: names.count, nesting: nesting, membership: membership)
        groupNames = names
        unresolvedMembers = unresolved
        unresolvedPrimaryGroups = unresolvedPrimary
        assumedPrimaryGroups = assumed
        accountLookups = AccountLookups(accounts)
        domainSIDs = domains
        self.groupBySID = groupBySID
        self.groupByName = groupByName
        self.groupByRID = groupByRID
    }

    /// What `principal`, as an ACL writes it, stands for.
    public func resolve(_ principal: String) -> Match {
        let lower = principal.lowercased()
        if let wellKnown = Self.wellKnown(lower) {
            switch wellKnown {
            case .everyone: return .principal(.everyone)
            case .noAccount: return .noAccount
            case .domainGroup(let rid):
                if lower.hasPrefix("s-1-5-21-") {
                    if let group = groupBySID[principal.uppercased()] { return .principal(.group(group)) }
                    // Another domain's Domain Users (a trusted domain, a merged organisation's old one) holds none
                    // of this directory's accounts.
                    if Self.isForeign(principal, domains: domainSIDs) { return .unknown }
                }
                return groupByRID[rid].map { .principal(.group($0)) } ?? .unknown
            }
        }
        let accounts = accountLookups.tables()
        if lower.hasPrefix("s-1-") {
            let key = principal.uppercased()
            if let account = accounts.bySID[key] { return .principal(.account(account)) }
            if let group = groupBySID[key] { return .principal(.group(group)) }
            return .unknown
        }
        if let account = accounts.byName[lower] { return .principal(.account(account)) }
        let name = lower.split(separator: "\\").last.map(String.init) ?? lower
        if let group = groupByName[name] { return .principal(.group(group)) }
        if let account = accounts.byName[name] { return .principal(.account(account)) }
        return .unknown
    }

    /// A principal's display name for reports: the group's name, or the text the ACL wrote.
    public func name(of principal: AccessGraph.Principal, accounts: [Account]) -> String {
        switch principal {
        case .everyone: "Everyone"
        case .group(let index): index < groupNames.count ? groupNames[index] : "group \(index)"
        case .account(let index): index < accounts.count ? accounts[index].qualifiedName : "account \(index)"
        }
    }

    /// Whether `principal` is a SID of a domain other than `domains` (the directory's, upper case), when the directory
    /// gives any: a name, or a SID against a directory without SIDs, is never known to be foreign.
    public static func isForeign(_ principal: String, domains: Set<String>) -> Bool {
        guard !domains.isEmpty, let domain = SecurityIdentifier(principal)?.domain else { return false }
        return !domains.contains(domain.description.uppercased())
    }

    /// The well-known principals, by what they mean for access.
    enum WellKnown {
        case everyone
        case noAccount
        case domainGroup(UInt32)
    }

    /// Recognises well-known principals by SID and by name, in English and the localisations the ACL readers meet
    /// (German, French, Spanish).
    static func wellKnown(_ lower: String) -> WellKnown? {
        let name = lower.split(separator: "\\").last.map(String.init) ?? lower
        if everyoneSIDs.contains(lower) || everyoneNames.contains(lower)
            || everyoneNames.contains(name)
                && (lower == name || lower.hasPrefix("nt authority\\") || lower.hasPrefix("nt-autorität\\")
                    || lower.hasPrefix("autorite nt\\") || lower.hasPrefix("builtin\\")
                    || lower.hasPrefix("vordefiniert\\"))
        {
            return .everyone
        }
        if noAccountSIDs.contains(lower) || lower.hasPrefix("s-1-5-80-") || lower.hasPrefix("s-1-15-")
            || lower.hasPrefix("nt service\\") || lower.hasPrefix("application package authority\\")
            || noAccountNames.contains(name) && !lower.hasPrefix("s-1-")
        {
            return .noAccount
        }
        if lower.hasPrefix("s-1-5-21-"), let rid = SecurityIdentifier(lower)?.rid, [513, 514, 515].contains(rid) {
            return .domainGroup(rid)
        }
        if ["domain users", "domänen-benutzer", "utilisateurs du domaine", "usuarios del dominio"].contains(name) {
            return .domainGroup(513)
        }
        if ["domain computers", "domänencomputer", "ordinateurs du domaine", "equipos del dominio"].contains(name) {
            return .domainGroup(515)
        }
        return nil
    }

    /// Everyone, Authenticated Users, the local Users group, Interactive: every account that can log on.
    static let everyoneSIDs: Set<String> = ["s-1-1-0", "s-1-5-11", "s-1-5-32-545", "s-1-5-4"]
    static let everyoneNames: Set<String> = [
        "everyone", "jeder", "tout le monde", "todos", "authenticated users", "authentifizierte benutzer",
        "utilisateurs authentifiés", "usuarios autentificados", "users", "benutzer", "utilisateurs", "usuarios",
        "interactive", "interaktiv",
    ]
    /// SYSTEM, LOCAL SERVICE, NETWORK SERVICE, CREATOR OWNER/GROUP, OWNER RIGHTS, SELF, anonymous logons.
    static let noAccountSIDs: Set<String> = [
        "s-1-5-18", "s-1-5-19", "s-1-5-20", "s-1-3-0", "s-1-3-1", "s-1-3-4", "s-1-5-10", "s-1-5-7", "s-1-5-2",
        "s-1-5-3", "s-1-5-6",
    ]
    static let noAccountNames: Set<String> = [
        "system", "local service", "network service", "creator owner", "creator group", "owner rights", "self",
        "anonymous logon", "network", "batch", "service", "ersteller-besitzer", "créateur propriétaire",
    ]
}

/// The accounts by SID and by name (`name`, `domain\name`, lower case), built on the first ``DirectoryAccess/resolve(_:)``:
/// only ACL principals need them, and a directory of 1.5 million accounts assessed without ACL exports (clinical roles
/// only) would otherwise build two maps of every account for nothing.
final class AccountLookups: Sendable {
    /// The two maps.
    struct Tables: Sendable {
        var bySID: [String: Int] = [:]
        var byName: [String: Int] = [:]
    }

    private let accounts: [Account]
    private let built = Mutex<Tables?>(nil)

    init(_ accounts: [Account]) { self.accounts = accounts }

    /// The maps, built on first use.
    func tables() -> Tables {
        built.withLock { cached in
            if let cached { return cached }
            var tables = Tables()
            tables.bySID.reserveCapacity(accounts.count)
            tables.byName.reserveCapacity(accounts.count * 2)
            for (index, account) in accounts.enumerated() {
                if let sid = account.sid { tables.bySID[sid.description.uppercased()] = index }
                let name = account.name.lowercased()
                if tables.byName[name] == nil { tables.byName[name] = index }
                if let domain = account.domain { tables.byName["\(domain.lowercased())\\\(name)"] = index }
            }
            cached = tables
            return tables
        }
    }
}
