extension Machine {
    /// `hosts` with the role the directory gives each (``Account/isDomainController``): inventories without a role
    /// (wmic qfe, Get-HotFix, osquery, a host CSV) so learn it, and a domain controller the directory knows stays one
    /// whatever an inventory says.
    ///
    /// A host is matched to the computer accounts read from a directory (with a distinguished name) whose name without
    /// its `$` is the host's short name. A qualified host (`srv01.b.nhs.uk`) takes the role of the account of its own
    /// domain only (the `DC=` parts of the account's DN), when there is one. A short name (`SRV01`) could be either of
    /// two domains' computers: it is a domain controller when any account of that name is one's, and a member only when
    /// the export holds one domain, so that a member of an exported domain never hides a controller of another.
    public static func withDirectoryRoles(_ hosts: [Machine], accounts: [Account]) -> [Machine] {
        guard !hosts.isEmpty else { return hosts }
        var roles: [Substring: [(domain: String, controller: Bool)]] = [:]
        var domains: Set<String> = []
        for account in accounts where account.kind == .computer {
            guard let dn = account.distinguishedName, let controller = account.isDomainController else { continue }
            let name = account.name.lowercased()
            let domain = DistinguishedName.dnsName(dn).lowercased()
            roles[name.hasSuffix("$") ? name.dropLast() : Substring(name), default: []].append((domain, controller))
            domains.insert(domain)
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
                role = named.contains { $0.controller } ? true : !named.isEmpty && domains.count == 1 ? false : nil
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
