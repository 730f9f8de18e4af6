public import VigilCore

/// Matches the users access logs name to directory accounts: by SID (`S-1-5-21-…`), by user principal name (the
/// `userPrincipalName` the export holds, else the implicit `name@dns.domain` from the account's distinguished name), by
/// `DOMAIN\name`, or by sAMAccountName alone when only one account in the directory has it. Case is ignored, as Windows
/// ignores it.
public struct AccessLogMatcher: Sendable {
    private var bySID: [String: Int] = [:]
    private var byName: [String: Int] = [:]
    /// sAMAccountNames that several domains' accounts share: ambiguous alone, so never matched without a domain.
    private var ambiguous: Set<String> = []

    /// An index of `accounts` (estate order).
    public init(accounts: [Account]) {
        for (index, account) in accounts.enumerated() {
            if let sid = account.sid { bySID[sid.description.uppercased()] = index }
            let name = account.name.lowercased()
            if let upn = account.userPrincipalName?.lowercased(), !upn.isEmpty { byName[upn] = byName[upn] ?? index }
            if let dn = account.distinguishedName {
                let dns = DistinguishedName.dnsName(dn).lowercased()
                if !dns.isEmpty {
                    let implicit = "\(name)@\(dns)"
                    if byName[implicit] == nil { byName[implicit] = index }
                }
            }
            if let domain = account.domain?.lowercased() { byName["\(domain)\\\(name)"] = index }
            if let other = byName[name], other != index {
                ambiguous.insert(name)
            } else {
                byName[name] = index
            }
        }
        for name in ambiguous { byName[name] = nil }
    }

    /// The account `user` names (estate index), or `nil` when no account matches or a bare name is ambiguous.
    public func account(for user: String) -> Int? {
        let text = user.trimmingPrefixAndSuffix(" ")
        if text.count > 4, text.prefix(4).lowercased() == "s-1-" { return bySID[text.uppercased()] }
        let lower = text.lowercased()
        if let found = byName[lower] { return found }
        // `DOMAIN\name` whose domain the export spells differently (a DNS name, another case): the name alone.
        if let slash = lower.lastIndex(of: "\\") {
            let name = String(lower[lower.index(after: slash)...])
            if !ambiguous.contains(name) { return byName[name] }
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing `character`s.
    fileprivate func trimmingPrefixAndSuffix(_ character: Character) -> Substring {
        let start = firstIndex { $0 != character } ?? endIndex
        let end = lastIndex { $0 != character }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
