extension Machine {
    /// `hosts` with the role the directory gives each: a computer account whose `userAccountControl` has
    /// SERVER_TRUST_ACCOUNT, or whose primary group is Domain Controllers (516) or Read-only Domain Controllers (521), is
    /// a domain controller's; another computer account (WORKSTATION_TRUST_ACCOUNT) is a member's. Inventories without
    /// a role (wmic qfe, Get-HotFix, osquery, a host CSV) so learn it, and a domain controller the directory knows stays
    /// one whatever an inventory says.
    ///
    /// A host is matched by its short name to a computer account's name without its `$`, among the accounts read from a
    /// directory (with a distinguished name); a name two computer accounts share with different roles (two domains)
    /// decides nothing.
    public static func withDirectoryRoles(_ hosts: [Machine], accounts: [Account]) -> [Machine] {
        guard !hosts.isEmpty else { return hosts }
        var roles: [Substring: Bool] = [:]
        var conflicting: Set<Substring> = []
        for account in accounts where account.kind == .computer && account.distinguishedName != nil {
            guard let role = account.isDomainController else { continue }
            let name = account.name.lowercased()
            let short = name.hasSuffix("$") ? name.dropLast() : Substring(name)
            if let known = roles.updateValue(role, forKey: short), known != role { conflicting.insert(short) }
        }
        guard !roles.isEmpty else { return hosts }
        return hosts.map { host in
            let short = shortName(ofQualified: host.id) ?? Substring(host.id)
            guard let role = roles[short], !conflicting.contains(short) else { return host }
            var host = host
            host.domainController = worse(host.domainController, role, bad: true)
            return host
        }
    }
}

extension Account {
    /// Whether this computer account is a domain controller's (``Machine/withDirectoryRoles(_:accounts:)``); `nil` for
    /// an account whose control flags and primary group say neither.
    public var isDomainController: Bool? {
        if control.contains(.serverTrust) || primaryGroupID == 516 || primaryGroupID == 521 { return true }
        if control.contains(.workstationTrust) { return false }
        return nil
    }
}
