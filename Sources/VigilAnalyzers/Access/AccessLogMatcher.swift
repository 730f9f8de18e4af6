public import VigilCore

/// Matches the users access logs name to directory accounts: by SID (`S-1-5-21-…`), by user principal name (the
/// `userPrincipalName` the export holds, else the implicit `name@dns.domain` from the account's distinguished name), by
/// `DOMAIN\name`, or by sAMAccountName alone when only one account in the directory has it. Case is ignored, as Windows
/// ignores it.
///
/// A domain is one of the account's own: its NetBIOS name, its DNS name, or one of the DNS name's labels but the last two (`TRUST.EXAMPLE\u4`
/// and `u4@trust.nhs.uk` are `trust`'s `u4`). A name under another domain (`OTHERTRUST\u4`, `u4@nhs.net`) is another
/// organisation's user, never credited to the local account of the same name.
public struct AccessLogMatcher: Sendable {
    private var bySID: [String: Int] = [:]
    private var byName: [String: Int] = [:]
    /// `domain\name` under each of an account's domain names.
    private var byDomainName: [String: Int] = [:]
    /// sAMAccountNames that several domains' accounts share: ambiguous alone, so never matched without a domain.
    private var ambiguous: Set<String> = []

    /// An index of `accounts` (estate order).
    public init(accounts: [Account]) {
        for (index, account) in accounts.enumerated() {
            if let sid = account.sid { bySID[sid.description.uppercased()] = index }
            let name = account.name.lowercased()
            if let upn = account.userPrincipalName?.lowercased(), !upn.isEmpty { byName[upn] = byName[upn] ?? index }
            var domains: Set<String> = []
            if let dn = account.distinguishedName {
                let dns = DistinguishedName.dnsName(dn).lowercased()
                if !dns.isEmpty {
                    let implicit = "\(name)@\(dns)"
                    if byName[implicit] == nil { byName[implicit] = index }
                    // Every label but the last two (`ad.riverside.nhs.uk`: `ad`, `riverside`): a NetBIOS name is often
                    // the organisation's label rather than the first (the export's domain is only the first label).
                    let labels = dns.split(separator: ".").map(String.init)
                    domains.formUnion([dns, Self.firstLabel(dns)] + labels.dropLast(2))
                }
            }
            if let domain = account.domain?.lowercased(), !domain.isEmpty {
                byName["\(domain)\\\(name)"] = index
                domains.formUnion([domain, Self.firstLabel(domain)])
            }
            for domain in domains where !domain.isEmpty {
                let key = "\(domain)\\\(name)"
                if byDomainName[key] == nil { byDomainName[key] = index }
            }
            if let other = byName[name], other != index {
                ambiguous.insert(name)
            } else {
                byName[name] = index
            }
        }
        for name in ambiguous { byName[name] = nil }
    }

    /// The account `user` names (estate index), or `nil` when no account matches, a bare name is ambiguous, or the
    /// name is under a domain that is none of the account's.
    public func account(for user: String) -> Int? {
        let text = user.trimmingPrefixAndSuffix(" ")
        if text.count > 4, text.prefix(4).lowercased() == "s-1-" { return bySID[text.uppercased()] }
        let lower = text.lowercased()
        if let found = byName[lower] { return found }
        // `DOMAIN\name` or `name@domain` whose domain the export spells another way (a DNS name, a UPN suffix of the
        // same organisation): under one of the account's domain names, never the name alone.
        if let slash = lower.lastIndex(of: "\\") {
            let domain = String(lower[..<slash])
            let name = String(lower[lower.index(after: slash)...])
            return byDomainName["\(domain)\\\(name)"] ?? byDomainName["\(Self.firstLabel(domain))\\\(name)"]
        }
        if let at = lower.lastIndex(of: "@") {
            let name = String(lower[..<at])
            let domain = String(lower[lower.index(after: at)...])
            return byDomainName["\(domain)\\\(name)"] ?? byDomainName["\(Self.firstLabel(domain))\\\(name)"]
        }
        return nil
    }

    /// The first label of a DNS name (`trust.nhs.uk` → `trust`); a name without dots is its own.
    private static func firstLabel(_ domain: String) -> String {
        String(domain.prefix { $0 != "." })
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
