extension Machine {
    /// `hosts` with the role the directory gives each (``Account/isDomainController``): inventories without a role
    /// (wmic qfe, Get-HotFix, osquery, a host CSV) so learn it, and a domain controller the directory knows stays one
    /// whatever an inventory says.
    ///
    /// A host is matched to the computer accounts read from a directory (with a distinguished name) whose name without
    /// its `$` is the host's short name. A qualified host (`srv01.b.nhs.uk`) takes the role of the account of its own
    /// domain only (the `DC=` parts of the account's DN), and none when its domain was not exported. A short name
    /// (`SRV01`) could be any exported domain's computer of that name: a domain controller when any of them is one's,
    /// a member when all are members'.
    public static func withDirectoryRoles(_ hosts: [Machine], accounts: [Account]) -> [Machine] {
        guard !hosts.isEmpty else { return hosts }
        // Only the accounts of inventoried hosts' names: a directory holds a million computers, an inventory a few.
        let wanted = Set(hosts.map { shortName(ofQualified: $0.id) ?? Substring($0.id) })
        var roles: [Substring: [(domain: String, controller: Bool)]] = [:]
        for account in accounts where account.kind == .computer {
            let name = account.name.lowercased()
            let short = name.hasSuffix("$") ? name.dropLast() : Substring(name)
            guard wanted.contains(short), let dn = account.distinguishedName,
                let controller = account.isDomainController
            else { continue }
            roles[short, default: []].append((DistinguishedName.dnsName(dn).lowercased(), controller))
        }
        guard !roles.isEmpty else { return hosts }
        return hosts.map { host in
            let role: Bool?
            if let short = shortName(ofQualified: host.id) {
                let suffix = host.id[host.id.index(after: short.endIndex)...]
                let own = (roles[short] ?? []).filter { $0.domain == suffix }
                role = own.contains { $0.controller } ? true : own.isEmpty ? nil : false
            } else {
                let named = roles[Substring(host.id)] ?? []
                role = named.contains { $0.controller } ? true : named.isEmpty ? nil : false
            }
            guard let role else { return host }
            var host = host
            host.domainController = worse(host.domainController, role, bad: true)
            return host
        }
    }
}

extension Account {
    /// Whether this computer account is a domain controller's (``Machine/withDirectoryRoles(_:accounts:)``):
    /// SERVER_TRUST_ACCOUNT, PARTIAL_SECRETS_ACCOUNT (a read-only domain controller), a primary group of Domain
    /// Controllers (516) or Read-only Domain Controllers (521), or an entry under `OU=Domain Controllers`; a member's
    /// for another WORKSTATION_TRUST_ACCOUNT; `nil` when its flags say neither.
    public var isDomainController: Bool? {
        if control.contains(.serverTrust) || control.contains(.partialSecrets) || primaryGroupID == 516
            || primaryGroupID == 521
        {
            return true
        }
        if let dn = distinguishedName,
            DistinguishedName.normalised(dn).contains(",ou=domain controllers,")
        {
            return true
        }
        if control.contains(.workstationTrust) { return false }
        return nil
    }
}
