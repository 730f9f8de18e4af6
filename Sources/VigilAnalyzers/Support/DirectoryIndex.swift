public import Foundation
public import VigilCore

/// Accounts, groups, privilege and password hashes joined up, computed once per assessment.
public struct DirectoryIndex: Sendable {
    /// Why an account counts as privileged.
    public enum Privilege: Sendable, Hashable {
        /// A member, directly or through nested groups, of a privileged group.
        case member(of: String)
        /// Its primary group is a privileged group.
        case primaryGroup(String)
        /// `adminCount = 1`: protected by AdminSDHolder now or in the past.
        case adminCount
        /// The built-in Administrator (RID 500), known by its RID when no group says so: a hash dump read alone names
        /// no groups, and a computer's local Administrator belongs to none of the domain's.
        case builtInAdministrator

        /// The reason in plain words.
        public var explanation: String {
            switch self {
            case .member(let group): "member of \(group)"
            case .primaryGroup(let group): "primary group is \(group)"
            case .adminCount: "marked adminCount=1 (protected as an administrator now or in the past)"
            case .builtInAdministrator: "the built-in Administrator account (RID 500)"
            }
        }
    }

    /// Well-known relative identifiers of privileged domain groups.
    static let privilegedDomainRIDs: Set<UInt32> = [512, 518, 519, 520, 526, 527]
    /// Well-known relative identifiers of privileged built-in groups (`S-1-5-32-…`).
    static let privilegedBuiltinRIDs: Set<UInt32> = [544, 548, 549, 550, 551]

    /// The accounts, in estate order.
    public let accounts: [Account]
    /// The credential record of each account (by account index), when the hash dump has one.
    public let credentialOfAccount: [Int: CredentialRecord]
    /// Credential records that match no account.
    public let unmatchedCredentials: [CredentialRecord]
    /// Those of them that are of another domain than the directory export's (``foreignDumpEntries``), in order.
    public let otherDomainCredentials: [CredentialRecord]
    /// Why each privileged account (by index) is privileged.
    public let privilege: [Int: Privilege]

    public init(_ estate: Estate) {
        let accounts = estate.accounts
        self.accounts = accounts
        // Independent of each other: side by side (a national directory's credentials take seconds to join).
        let (join, resolved) = parallelPair(
            { Self.joinCredentials(accounts: accounts, credentials: estate.credentials) },
            { Self.resolvePrivilege(accounts: accounts, groups: estate.groups) })
        let credentialOfAccount = join.joined
        (self.credentialOfAccount, unmatchedCredentials, otherDomainCredentials) =
            (join.joined, join.unmatched, join.otherDomain)
        var privilege = resolved
        // The built-in Administrator says more than adminCount, which any account once in a protected group keeps.
        for index in accounts.indices where privilege[index] == nil || privilege[index] == .adminCount {
            if (accounts[index].sid?.rid ?? credentialOfAccount[index]?.rid) == Self.builtInAdministratorRID {
                privilege[index] = .builtInAdministrator
            }
        }
        self.privilege = privilege
    }

    /// The relative identifier Windows gives the built-in Administrator, of a domain and of each computer.
    static let builtInAdministratorRID: UInt32 = 500

    /// Whether the account at `index` is privileged.
    public func isPrivileged(_ index: Int) -> Bool { privilege[index] != nil }

    /// Indexes of enabled accounts that are not computers: the people, services and built-in accounts rules apply to.
    public func enabledPeople(at date: Date) -> [Int] {
        accounts.indices.filter { accounts[$0].kind != .computer && accounts[$0].isEnabled(at: date) }
    }

    // MARK: Privilege

    private static func isPrivileged(_ group: DirectoryGroup) -> Bool {
        if let sid = group.sid, let rid = sid.rid {
            if sid.authority == 5, sid.subAuthorities.count == 2, sid.subAuthorities[0] == 32 {
                return privilegedBuiltinRIDs.contains(rid)
            }
            if sid.domain != nil {
                if privilegedDomainRIDs.contains(rid) { return true }
                // DnsAdmins has no fixed RID (it is made when DNS is installed): by its name in CN=Users, as without a SID.
                guard group.name.lowercased() == "dnsadmins" else { return false }
            }
        }
        // Without a SID, by name in its default container: an application's own "Administrators" is not the domain's.
        // Moved to another OU (a tier-0 OU), it is still the domain's when AdminSDHolder protects it (adminCount).
        if namedPrivilegedGroup(
            group.distinguishedName, normalised: DistinguishedName.normalised(group.distinguishedName)) != nil
        {
            return true
        }
        return group.adminCount && privilegedGroupsByRank.contains(group.name.lowercased())
    }

    /// Walks outwards from the privileged groups only, so that an estate of millions of accounts costs one pass over
    /// accounts (exact DN and `memberOf` look-ups) rather than normalising every DN.
    private static func resolvePrivilege(accounts: [Account], groups: [DirectoryGroup]) -> [Int: Privilege] {
        var groupByDN: [String: Int] = [:]
        for (index, group) in groups.enumerated() {
            groupByDN[DistinguishedName.normalised(group.distinguishedName)] = index
        }
        // Breadth-first from every privileged group at once: a group's position in `queue` orders reasons, so each
        // account gets its shortest path.
        var root = [Int?](repeating: nil, count: groups.count)
        var queue: [Int] = []
        var primaryPrivileged: [UInt32: String] = [:]
        for (index, group) in groups.enumerated() where isPrivileged(group) {
            if let rid = group.sid?.rid, group.sid?.domain != nil { primaryPrivileged[rid] = group.name }
            root[index] = index
            queue.append(index)
        }
        var accountMembers: [String: Int] = [:]
        var accountMembersByKey: [String: Int] = [:]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for member in groups[current].members {
                let key = DistinguishedName.normalised(member)
                if let child = groupByDN[key] {
                    if root[child] == nil {
                        root[child] = root[current]
                        queue.append(child)
                    }
                } else if accountMembersByKey[key] == nil {
                    accountMembersByKey[key] = current
                    accountMembers[member] = current
                }
            }
        }
        guard !queue.isEmpty else { return Self.adminCountOnly(accounts, groupByDN: groupByDN) }
        var order = [Int](repeating: .max, count: groups.count)
        for (position, group) in queue.enumerated() { order[group] = position }

        // Each account's nearest privileged group, from the groups' `member` values and the account's `memberOf`.
        var nearest: [Int: Int] = [:]
        func consider(_ account: Int, _ group: Int) {
            if let known = nearest[account], order[known] <= order[group] { return }
            nearest[account] = group
        }
        var matchedKeys = 0
        // Per `memberOf` value: the privileged group it is (exported), or the well-known group it names (not exported).
        var memo: [String: (group: Int?, named: NamedGroup?)] = [:]
        var namedOnly: [Int: NamedGroup] = [:]
        for (index, account) in accounts.enumerated() {
            if let dn = account.distinguishedName, let group = accountMembers[dn] {
                consider(index, group)
                matchedKeys += 1
            }
            for parent in account.memberOf {
                let found: (group: Int?, named: NamedGroup?)
                if let known = memo[parent] {
                    found = known
                } else {
                    let key = DistinguishedName.normalised(parent)
                    if let exported = groupByDN[key] {
                        found = (root[exported] == nil ? nil : exported, nil)
                    } else {
                        found = (nil, namedPrivilegedGroup(parent, normalised: key))
                    }
                    memo[parent] = found
                }
                if let group = found.group { consider(index, group) }
                if let named = found.named, namedOnly[index].map({ named.rank < $0.rank }) ?? true {
                    namedOnly[index] = named
                }
            }
        }
        if matchedKeys < accountMembersByKey.count {
            // Some member values differ from the accounts' DNs in case or spacing: compare normalised forms.
            for (index, account) in accounts.enumerated() {
                if let dn = account.distinguishedName, let group = accountMembersByKey[DistinguishedName.normalised(dn)]
                {
                    consider(index, group)
                }
            }
        }

        var result: [Int: Privilege] = [:]
        for (account, group) in nearest {
            let origin = groups[root[group]!].name
            // A more powerful group the export left out, named in the account's memberOf, is the better reason.
            if let named = namedOnly[account],
                named.rank < privilegedGroupsByRank.firstIndex(of: origin.lowercased()) ?? .max
            {
                result[account] = .member(of: named.description)
                continue
            }
            result[account] = .member(of: root[group] == group ? origin : "\(origin) (through \(groups[group].name))")
        }
        for (index, account) in accounts.enumerated() where result[index] == nil {
            if let primary = account.primaryGroupID,
                let name = primaryPrivileged[primary] ?? defaultPrimaryName(primary)
            {
                result[index] = .primaryGroup(name)
            } else if let named = namedOnly[index] {
                result[index] = .member(of: named.description)
            } else if account.adminCount {
                result[index] = .adminCount
            }
        }
        return result
    }

    private static func adminCountOnly(_ accounts: [Account], groupByDN: [String: Int]) -> [Int: Privilege] {
        var result: [Int: Privilege] = [:]
        var memo: [String: NamedGroup?] = [:]
        for (index, account) in accounts.enumerated() {
            var named: NamedGroup?
            for parent in account.memberOf {
                let found: NamedGroup?
                if let known = memo[parent] {
                    found = known
                } else {
                    let key = DistinguishedName.normalised(parent)
                    found = groupByDN[key] == nil ? namedPrivilegedGroup(parent, normalised: key) : nil
                    memo[parent] = .some(found)
                }
                if let found, named.map({ found.rank < $0.rank }) ?? true { named = found }
            }
            if let primary = account.primaryGroupID, let name = defaultPrimaryName(primary) {
                result[index] = .primaryGroup(name)
            } else if let named {
                result[index] = .member(of: named.description)
            } else if account.adminCount {
                result[index] = .adminCount
            }
        }
        return result
    }

    /// The built-in ones among them (`CN=Builtin`, SIDs `S-1-5-32-…`).
    static let builtinGroupNames: Set<String> = [
        "administrators", "account operators", "server operators", "backup operators", "print operators",
    ]

    /// The well-known privileged groups by their English names, most powerful first.
    static let privilegedGroupsByRank = [
        "domain admins", "enterprise admins", "schema admins", "administrators", "key admins", "enterprise key admins",
        "account operators", "server operators", "backup operators", "print operators", "group policy creator owners",
        "dnsadmins",
    ]

    /// A well-known privileged group an account's `memberOf` names whose entry the export does not hold (a search for
    /// users alone, `(objectClass=user)`, has their `memberOf` and no groups), with its rank in
    /// ``privilegedGroupsByRank``.
    struct NamedGroup {
        var rank: Int
        var name: String

        /// "Domain Admins (named in its memberOf; the group is not in the export)".
        var description: String { "\(name) (named in its memberOf; the group is not in the export)" }
    }

    /// The well-known group `dn` names in its default container (`CN=Builtin` for the built-in groups, `CN=Users` for
    /// the domain's), so that an application's own `CN=Administrators,OU=PACS,…` is not taken for the domain's.
    static func namedPrivilegedGroup(_ dn: String, normalised: String) -> NamedGroup? {
        let name = DistinguishedName.firstValue(dn)
        guard let rank = privilegedGroupsByRank.firstIndex(of: name.lowercased()),
            let comma = normalised.firstIndex(of: ",")
        else { return nil }
        let container = builtinGroupNames.contains(name.lowercased()) ? "cn=builtin," : "cn=users,"
        return normalised[normalised.index(after: comma)...].hasPrefix(container)
            ? NamedGroup(rank: rank, name: name) : nil
    }

    private static func defaultPrimaryName(_ rid: UInt32) -> String? {
        rid == 512 ? "Domain Admins" : rid == 519 ? "Enterprise Admins" : nil
    }

    // MARK: Credentials

    private static func joinCredentials(
        accounts: [Account],
        credentials: [CredentialRecord]
    ) -> (joined: [Int: CredentialRecord], unmatched: [CredentialRecord], otherDomain: [CredentialRecord]) {
        // The first account of each name, and the rest only for names held twice: a national directory's 1.5 million
        // names are almost all distinct, and an array per name would be 1.5 million allocations.
        var firstByName: [String: Int] = [:]
        var moreByName: [String: [Int]] = [:]
        firstByName.reserveCapacity(accounts.count)
        for index in accounts.indices {
            let name = accounts[index].name.lowercased()
            if firstByName[name] == nil {
                firstByName[name] = index
            } else {
                moreByName[name, default: []].append(index)
            }
        }
        var joined: [Int: CredentialRecord] = [:]
        joined.reserveCapacity(min(accounts.count, credentials.count))
        var unmatched: [CredentialRecord] = []
        var otherDomain: [CredentialRecord] = []
        let isForeign = foreignDumpEntries(accounts: accounts, credentials: credentials)
        for record in credentials {
            let name = record.accountName.lowercased()
            let candidates = firstByName[name].map { [$0] + (moreByName[name] ?? []) } ?? []
            // The account a dump-only assessment made from this very entry, first. A computer's local account (a SAM
            // dump) joins nothing else: it is not the directory's account of the same name and RID.
            let own = candidates.first { accounts[$0].source == record.source }
            // Another domain's entry is none of this directory's accounts, whatever its name and RID (its own
            // stand-in, made from it, excepted).
            if own == nil, isForeign(record) {
                unmatched.append(record)
                otherDomain.append(record)
                continue
            }
            let match =
                own
                ?? (record.isLocalAccount
                    ? nil
                    : candidates.first { accounts[$0].sid?.rid == record.rid }
                        ?? candidates.first { accounts[$0].sid == nil })
            if let match, joined[match] == nil {
                joined[match] = record
            } else {
                unmatched.append(record)
            }
        }
        return (joined, unmatched, otherDomain)
    }
}
