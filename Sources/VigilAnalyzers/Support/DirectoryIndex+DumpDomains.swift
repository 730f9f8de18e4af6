import VigilCore

extension DirectoryIndex {
    /// Whether each hash-dump entry is of another domain than the directory export's (``foreignDumpDomains``): its own
    /// prefix says so, or it has none (secretsdump writes the built-in accounts of an NTDS without one) and every
    /// prefix its file gives is foreign — one NTDS is one domain.
    static func foreignDumpEntries(accounts: [Account], credentials: [CredentialRecord]) -> (CredentialRecord) -> Bool {
        let foreign = foreignDumpDomains(accounts: accounts, credentials: credentials)
        guard !foreign.isEmpty else { return { _ in false } }
        var prefixesByFile: [String: Set<String>] = [:]
        for record in credentials {
            if let prefix = record.domain?.lowercased() {
                prefixesByFile[record.source.file, default: []].insert(prefix)
            }
        }
        let foreignFiles = Set(prefixesByFile.filter { $0.value.isSubset(of: foreign) }.keys)
        return { record in
            if let prefix = record.domain?.lowercased() { return foreign.contains(prefix) }
            return foreignFiles.contains(record.source.file)
        }
    }

    /// The domain prefixes of hash-dump entries (`baby.vl\Administrator`, lower case) that name a domain other than the
    /// directory export's, so that their entries join none of its accounts: a dump of another domain would otherwise
    /// give its Administrator's password to this directory's Administrator (built-in accounts share names and RIDs in
    /// every domain) and leave the real one "with no entry in the hash dump".
    ///
    /// A prefix is the directory's when it is one of its accounts' domains (the NetBIOS name), starts with one as its
    /// first DNS label, is the DNS name of an account's DN or the suffix of an account's user principal name (a UPN
    /// suffix such as `nhs.net`), or when one of its entries of an ordinary account (RID 1000 or more) has the name and
    /// RID of an account of the directory (a NetBIOS name unlike the DNS one). A directory without SIDs gives nothing
    /// to tell domains apart by: no prefix is then foreign.
    ///
    /// Only accounts with a SID speak for the directory: the stand-ins a dump's strays become (named as the dump names
    /// them, with no SID) are assessed beside the directory's accounts in a second pass, and their prefixes must not
    /// make another domain the directory's there.
    static func foreignDumpDomains(accounts: [Account], credentials: [CredentialRecord]) -> Set<String> {
        var prefixes = Set(credentials.compactMap { $0.domain?.lowercased() })
        guard !prefixes.isEmpty, accounts.contains(where: { $0.sid != nil }) else { return [] }
        let netBIOS = netBIOSNames(accounts)
        prefixes = prefixes.filter { prefix in
            let label = prefix.split(separator: ".").first.map(String.init) ?? prefix
            return !netBIOS.contains(prefix) && !netBIOS.contains(label)
        }
        guard !prefixes.isEmpty else { return [] }
        prefixes.subtract(namesOfDomain(accounts))
        guard !prefixes.isEmpty else { return [] }
        prefixes.subtract(prefixesMatchingAccounts(prefixes, accounts: accounts, credentials: credentials))
        return prefixes
    }

    /// The accounts' domains as the export names them (the NetBIOS name), lower case.
    private static func netBIOSNames(_ accounts: [Account]) -> Set<String> {
        var names = Set<String>()
        var last: String?
        for account in accounts where account.sid != nil {
            guard let domain = account.domain, domain != last else { continue }
            last = domain
            names.insert(domain.lowercased())
        }
        return names
    }

    /// The DNS names of the accounts' DNs and the suffixes of their user principal names, lower case.
    private static func namesOfDomain(_ accounts: [Account]) -> Set<String> {
        var names = Set<String>()
        var lastSuffix: Substring?
        for account in accounts where account.sid != nil {
            if let principal = account.userPrincipalName, let at = principal.lastIndex(of: "@") {
                let suffix = principal[principal.index(after: at)...]
                if suffix != lastSuffix {
                    lastSuffix = suffix
                    names.insert(suffix.lowercased())
                }
            }
        }
        // One DN per distinct NetBIOS guess is enough: every account of a domain has the same DNS name.
        var seen = Set<String>()
        for account in accounts where account.sid != nil {
            guard let dn = account.distinguishedName, seen.insert(account.domain ?? "").inserted else { continue }
            names.insert(DistinguishedName.dnsName(dn).lowercased())
        }
        return names
    }

    /// The prefixes among `prefixes` one of whose entries of an ordinary account has the name and RID of an account
    /// of the directory. A sample of each prefix's entries is enough (a prefix of the directory's own domain matches
    /// nearly all of them), and the accounts are read until every prefix has matched: a national dump whose NetBIOS
    /// name is unlike its DNS name is 1.5 million entries.
    private static func prefixesMatchingAccounts(
        _ prefixes: Set<String>, accounts: [Account], credentials: [CredentialRecord]
    ) -> Set<String> {
        let sample = 1_000
        var sampled: [String: Int] = [:]
        var wanted: [String: [(prefix: String, rid: UInt32)]] = [:]
        for record in credentials where record.rid >= 1000 {
            guard let prefix = record.domain?.lowercased(), prefixes.contains(prefix),
                sampled[prefix, default: 0] < sample
            else { continue }
            sampled[prefix, default: 0] += 1
            wanted[record.accountName.lowercased(), default: []].append((prefix, record.rid))
        }
        var matching = Set<String>()
        for account in accounts where matching.count < prefixes.count {
            guard let rid = account.sid?.rid, rid >= 1000, let entries = wanted[account.name.lowercased()] else {
                continue
            }
            for entry in entries where entry.rid == rid { matching.insert(entry.prefix) }
        }
        return matching
    }
}
