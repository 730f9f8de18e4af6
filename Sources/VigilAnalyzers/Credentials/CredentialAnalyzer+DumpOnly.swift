import VigilCore

/// A hash dump read without a directory export. The hashes alone show empty, LM-stored, user-name, guessable, shared
/// and reused passwords and computers on their default password; they cannot show whether an account is enabled,
/// privileged or a service, nor the domain's policy. Rather than nothing (and a coverage note asking for the dump just
/// read), the dump's own entries stand in for accounts: named as the dump names them (`DOMAIN\name`, no SID), people
/// unless the name ends in `$`.
extension CredentialAnalyzer {
    /// Built-in accounts Windows creates disabled (Guest, krbtgt, DefaultAccount, WDAGUtilityAccount): nearly every dump
    /// lists Guest with an empty password, which without the directory would read as an open account.
    static let disabledByDefaultRIDs: ClosedRange<UInt32> = 501...504

    /// Whether `record` is disabled: as the dump says (secretsdump's `-user-status`), or, when it does not say, for
    /// the built-in accounts Windows creates disabled. An enabled Guest with the empty password is then an open account.
    static func disabledByDefault(_ record: CredentialRecord) -> Bool {
        record.enabled.map { !$0 } ?? disabledByDefaultRIDs.contains(record.rid)
    }

    /// Assesses the dump alone, its entries standing in for the directory's accounts.
    func analyzeDumpOnly(_ context: AnalysisContext) -> AnalyzerOutput {
        var estate = context.estate
        estate.accounts = Self.accounts(fromDump: context.estate.credentials)
        let dumpContext = AnalysisContext(
            estate: estate, asOf: context.asOf, settings: context.settings, reference: context.reference)
        return assess(dumpContext, dumpOnly: true)
    }

    /// One account per distinct `DOMAIN\name` of the dump (entries without a domain: per name, RID and hash), in dump
    /// order, at the line its hash was read.
    static func accounts(fromDump credentials: [CredentialRecord]) -> [Account] {
        var seen: Set<AnyHashable> = []
        var accounts: [Account] = []
        for record in credentials {
            // A SAM's local Administrator and the domain's are two accounts, though secretsdump may name both alike; so
            // are two computers' local Administrators (two SAM sections): a local entry is its own account. Without a
            // domain, an entry is the same account as another only with the same RID and hash: two machines'
            // hashdumps each list an Administrator (the second was dropped unassessed), while two copies of one dump
            // (the .ntds file and the console log of the same run) must not make every account share its own password.
            let name = record.accountName.lowercased()
            let key: AnyHashable =
                record.isLocalAccount
                ? AnyHashable("local:\(record.source)")
                : record.domain.map { AnyHashable("\($0.lowercased())\\\(name)") }
                    ?? AnyHashable(
                        UndomainedEntry(
                            name: name, rid: record.rid, hash: record.ntHash,
                            file: record.ntHash == nil ? record.source.file : nil))
            guard seen.insert(key).inserted else { continue }
            let kind: Account.Kind = record.isMachineAccount ? .computer : record.rid < 1000 ? .builtIn : .user
            accounts.append(
                Account(
                    name: record.accountName, domain: record.domain, kind: kind,
                    control: record.isMachineAccount ? [.workstationTrust] : .normalAccount,
                    source: record.source))
        }
        return accounts
    }

    /// Hash-dump entries a directory export does not hold: a computer's local accounts (a SAM section), and the
    /// accounts of a partial export (one OU, a site). Their hashes still show empty, guessable, shared and reused
    /// passwords, so they are assessed as a dump read alone assesses its entries rather than dropped; the built-in
    /// accounts Windows creates disabled are left out, as there.
    static func standInCandidates(_ unmatched: [CredentialRecord]) -> [CredentialRecord] {
        unmatched.filter { $0.ntHash != nil && !disabledByDefault($0) }
    }

    /// Assesses the directory's accounts with stand-ins for `strays`, the dump's entries it does not hold.
    func analyzeWithStandIns(_ context: AnalysisContext, strays: [CredentialRecord]) -> AnalyzerOutput {
        var estate = context.estate
        let standIns = Self.accounts(fromDump: strays)
        estate.accounts += standIns
        let widened = AnalysisContext(
            estate: estate, asOf: context.asOf, settings: context.settings, reference: context.reference)
        return assess(
            widened, dumpOnly: false, standIns: standIns.filter { $0.kind != .computer }.count,
            firstStandIn: context.estate.accounts.count)
    }

    /// Partly assessed: says what the hashes showed and what a directory export would add.
    func dumpOnlyCoverage(_ context: AnalysisContext, people: Int, weaknesses: WeaknessSearch.Result) -> Coverage {
        var basis =
            "password hashes of \(Wording.count(people, "account")) from the hash dump alone: empty, LM, user-name, shared, reused and guessable passwords (\(weaknesses.candidatesDescription))"
        if let corpus = weaknesses.corpusName {
            basis += " and breached passwords against \(corpus)" + (weaknesses.corpusLimit ?? "")
        } else {
            basis +=
                "; breached passwords not checked: no breach index (build one with vigil corpus build, then pass --breach-index)"
        }
        basis +=
            "; accounts are named as in the dump and counted as enabled, except those the dump says are disabled (secretsdump -user-status) and, where it does not say, the built-in accounts Windows creates disabled (Guest, krbtgt, DefaultAccount, WDAGUtilityAccount). A directory export (LDIF) would add which accounts are enabled, privileged or services (kerberoasting), and the domain password policy"
        return Coverage(area: .credentials, status: .partial, basis: basis)
    }
}

/// What makes two dump entries without a domain one account: the name, the RID and the hash (or, with no hash, the
/// file).
private struct UndomainedEntry: Hashable {
    var name: String
    var rid: UInt32
    var hash: NTHash?
    var file: String?
}
