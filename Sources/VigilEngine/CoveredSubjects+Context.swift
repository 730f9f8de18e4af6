import VigilAnalyzers
import VigilCore

extension CoveredSubjects {
    /// The subjects the evidence in `context` covered, for each area `areas` says was assessed or partly assessed.
    ///
    /// Deliberately conservative: a subject is listed only when the evidence shows the analyzers could have found its
    /// failings (a host whose inventory listed its updates, an account whose hash was read). A subject left out makes a
    /// later absence *unverified* rather than *fixed*, which is the safe side to err on. Kinds that the evidence reads
    /// as a whole (a domain's policy, groups, the organisation's own claims) are covered completely when the area was
    /// fully assessed. Files are listed only when they still hold patient data: a scan does not record every clean
    /// file, so a file that disappears stays unverified (docs/decisions/0001-national-service.md). Access covers the
    /// accounts whose hashes were read (a weak password that reaches patient data) and the paths whose permissions
    /// were exported (a wide grant removed from an exported path is fixed; one on a path not exported again is not), and
    /// the clinical roles the role exports list, by application, role and scope. Unused access (`usage:path|principal`)
    /// is covered only for exported paths the access logs name at or below: without logs it is not assessed, so a later
    /// assessment without them leaves it unverified.
    ///
    /// What an analyzer says it could not check (`unchecked`: an undecided host's missing updates, SMBv1 on a host
    /// whose export does not show it, breached passwords without a corpus) is taken out rule by rule: those subjects
    /// are covered for the area's other rules only, in sets naming them. A domain's policy is covered only when a
    /// domain was read.
    static func covered(
        by context: AnalysisContext, areas: [Coverage], unchecked: [UncheckedSubjects] = []
    ) -> [CoveredSubjects] {
        let assessed = Dictionary(areas.map { ($0.area, $0.status) }, uniquingKeysWith: { first, _ in first })
        var sets: [CoveredSubjects] = []
        // Accounts, and the accounts whose hashes were read (which credentials and access cover), sorted once
        // together: a national directory holds 1.5 million.
        // An enabled account whose use the export cannot tell (no logon times in its file, or neither a logon time nor
        // a creation date) was not judged for staleness: its stale-account ticket must stay unverified, not close
        // (whichever other account findings it had).
        let directoryAccounts = context.directory.accounts
        let (accounts, hashed) = accountIDs(
            context.shared.accountIDs(), credentials: context.directory,
            unjudged: { index in
                let account = directoryAccounts[index]
                return AccountHygieneAnalyzer.usageUnknown(account) && account.kind != .computer
                    && account.isEnabled(at: context.asOf)
            })
        func covering(_ area: AssessmentArea) -> CoveredSubjects {
            CoveredSubjects(area: area, kind: .account, sortedDistinct: hashed)
        }
        // A path holding a number told apart from another (`~2`) may be numbered otherwise next time: never covered.
        let files = context.estate.patientData.map { $0.aclPath ?? $0.path }.filter {
            !Estate.holdsToldApartNumber($0)
        }
        // Permissions are covered by path: every path whose entries were exported (see `covers`).
        let exportedPaths = context.estate.grants.map { $0.resourceID.lowercased() }.filter {
            !Estate.holdsToldApartNumber($0)
        }
        // Clinical roles are covered by role and scope: every one the assignment exports list (with a map to read).
        let exportedRoles = ClinicalRoleReach.coveredSubjectIDs(context.estate)
        for area in AssessmentArea.allCases {
            guard let status = assessed[area], status != .notAssessed else { continue }
            switch area {
            case .updates, .wormExposure:
                sets += hostSets(context.estate.hosts, area: area, unchecked: unchecked)
            case .accounts:
                sets.append(CoveredSubjects(area: area, kind: .account, sortedDistinct: accounts))
            case .credentials:
                sets += scoped(covering(area), unchecked: unchecked)
            case .patientData:
                sets.append(CoveredSubjects(area: area, kind: .file, ids: files))
            case .access:
                sets.append(CoveredSubjects(area: area, kind: .file, ids: files))
                sets += scoped(covering(area), unchecked: unchecked)
                sets.append(
                    CoveredSubjects(
                        area: area, kind: .resource,
                        ids: exportedPaths + usagePaths(context, exportedPaths) + exportedRoles))
            case .assurance:
                break
            }
            guard status == .assessed else { continue }
            for kind in [Subject.Kind.organisation, .domain, .group, .claim, .advisory] {
                // Without a domain object there is no policy to judge: its tickets stay unverified.
                if kind == .domain, context.estate.domains.isEmpty { continue }
                sets.append(CoveredSubjects(area: area, kind: kind, complete: true, ids: []))
            }
        }
        return sets
    }

    /// Rules that join other rules' findings: unchecked when any of those is (a weak password reaching patient data
    /// is found only among the passwords found weak; without the corpus, a password breached and nothing else is not
    /// found weak). Guesses made without the domain's names still find most weak passwords: they do not count here.
    static let dependsOn: [RuleID: Set<RuleID>] = [
        .accessWeakPasswordReachesPatientData: [.breachedPassword]
    ]

    /// The rules of `area`, sorted.
    static func rules(of area: AssessmentArea) -> [RuleID] {
        RuleCatalogue.all.filter { $0.area == area }.map(\.id).sorted()
    }

    /// Hosts covered for `area`: those whose updates were listed, for every rule their evidence could check, and
    /// those whose SMBv1 state alone is known, for that rule; one set per distinct list of rules.
    static func hostSets(_ hosts: [Machine], area: AssessmentArea, unchecked: [UncheckedSubjects])
        -> [CoveredSubjects]
    {
        let all = Set(rules(of: area))
        var notChecked: [String: Set<RuleID>] = [:]
        for entry in unchecked where entry.kind == .host {
            for id in entry.ids ?? Set(hosts.map(\.id)) { notChecked[id, default: []].formUnion(entry.rules) }
        }
        var byRules: [Set<RuleID>: [String]] = [:]
        for host in hosts {
            var covered = host.updatesListed ? all : []
            if host.smbVersion1Enabled == nil {
                covered.remove(.smbVersion1Enabled)
            } else if all.contains(.smbVersion1Enabled) {
                covered.insert(.smbVersion1Enabled)
            }
            covered.subtract(notChecked[host.id] ?? [])
            guard !covered.isEmpty else { continue }
            byRules[covered, default: []].append(host.id)
        }
        // No host covered for any rule: still the area's set, empty, so that its tickets become unverified.
        if byRules.isEmpty { return [CoveredSubjects(area: area, kind: .host, ids: [String]())] }
        return byRules.sorted { $0.value.min() ?? "" < $1.value.min() ?? "" }.map { rules, ids in
            CoveredSubjects(area: area, kind: .host, ids: ids, rules: rules == all ? nil : Array(rules))
        }
    }

    /// `set` with what no subject of its kind was checked for taken out: the same set for the area's other rules.
    static func scoped(_ set: CoveredSubjects, unchecked: [UncheckedSubjects]) -> [CoveredSubjects] {
        var notChecked = unchecked.filter { $0.kind == set.kind && $0.ids == nil }.reduce(Set<RuleID>()) {
            $0.union($1.rules)
        }
        for (rule, inputs) in dependsOn where !notChecked.isDisjoint(with: inputs) { notChecked.insert(rule) }
        let all = rules(of: set.area)
        guard !notChecked.isDisjoint(with: all) else { return [set] }
        var scoped = set
        scoped.rules = all.filter { !notChecked.contains($0) }
        return [scoped]
    }

    /// Every account's id (`ids`, in estate order) but those `unjudged` says the accounts area could not judge, and the
    /// ids of the accounts whose hashes were read, each sorted and distinct.
    static func accountIDs(
        _ ids: [String], credentials directory: DirectoryIndex, unjudged: (Int) -> Bool = { _ in false }
    ) -> (all: [String], hashed: [String]) {
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        var all: [String] = []
        var hashed: [String] = []
        all.reserveCapacity(ids.count)
        hashed.reserveCapacity(directory.credentialOfAccount.count)
        for index in order {
            let id = ids[index]
            if all.last != id, !unjudged(index) { all.append(id) }
            if directory.credentialOfAccount[index] != nil, hashed.last != id { hashed.append(id) }
        }
        return (all, hashed)
    }

    /// `usage:path` for each exported path the access logs name (at or below it): whose use was assessed.
    static func usagePaths(_ context: AnalysisContext, _ paths: [String]) -> [String] {
        guard !context.estate.accessEvents.isEmpty else { return [] }
        let usage = AccessUsage(
            estate: context.estate, asOf: context.asOf, windowDays: context.settings.accessWindowDays)
        return Set(paths).filter { usage.usage(under: $0).logged }.map { "usage:" + $0 }
    }
}
