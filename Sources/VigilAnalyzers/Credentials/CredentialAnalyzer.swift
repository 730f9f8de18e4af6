import Foundation
public import VigilCore

/// Passwords, from a hash dump joined to the directory: empty, LM-stored, user-name, guessable (a targeted dictionary
/// attack), breached (a breach-corpus index), shared (current and previous passwords), reused, kerberoastable service
/// accounts, pre-created computers' default passwords, and the domain password policy against the standards and against
/// what the hashes show. A hash dump without a directory export yields what the hashes alone support, with the
/// accounts named as the dump names them (see `CredentialAnalyzer+DumpOnly.swift`). Every finding describes a password
/// by its pattern; no password or hash is ever output.
public struct CredentialAnalyzer: Analyzer {
    public let name = "credentials"
    public let rules: [RuleID] = [
        .emptyPassword, .lmHashStored, .usernameAsPassword, .guessablePassword, .breachedPassword, .sharedPassword,
        .privilegedSharedPassword, .sharedHistoryPassword, .reusedPassword, .kerberoastable, .machineDefaultPassword,
        .policyMinimumLength, .policyLockout, .policyForcedExpiry, .policyComposition, .policyHistory,
        .policyLengthBypassed, .policyComplexityBypassed, .policyHistoryBypassed,
    ]

    /// A service account's password older than this many days counts as old for kerberoasting.
    static let oldServicePasswordDays = 365

    public init() {}

    public func analyze(_ context: AnalysisContext) -> AnalyzerOutput {
        guard !context.estate.credentials.isEmpty else { return AnalyzerOutput() }
        guard !context.directory.accounts.isEmpty else { return analyzeDumpOnly(context) }
        let strays = Self.standInCandidates(context.directory.unmatchedCredentials)
        guard strays.isEmpty else { return analyzeWithStandIns(context, strays: strays) }
        return assess(context, dumpOnly: false)
    }

    /// The assessment proper, on a context whose accounts are the directory's, or, for a dump read alone, the dump's
    /// own names (`dumpOnly`): then accounts disabled by default are left out and coverage says what is missing.
    /// `standIns` accounts among the directory's stand for hash-dump entries the directory does not hold, from index
    /// `firstStandIn` on; the domain's password policy is judged on the directory's own accounts only.
    func assess(_ context: AnalysisContext, dumpOnly: Bool, standIns: Int = 0, firstStandIn: Int? = nil)
        -> AnalyzerOutput
    {
        let directory = context.directory
        let people = directory.enabledPeople(at: context.asOf).filter {
            guard let credential = directory.credentialOfAccount[$0], credential.ntHash != nil else { return false }
            return !(dumpOnly && Self.disabledByDefault(credential))
        }
        // Shared passwords do not depend on the weakness search: side by side.
        let (weaknesses, shared) = parallelPair(
            { WeaknessSearch(context: context, people: people).run() },
            { SharedPasswords.findings(people: people, directory: directory) })
        // Each account's own findings, in slices on every core, kept in the order of `people`.
        let sliceSize = 8_192
        var findings = parallelMap((people.count + sliceSize - 1) / sliceSize) { slice in
            var found: [Finding] = []
            for index in people[slice * sliceSize..<min(people.count, (slice + 1) * sliceSize)] {
                ownFindings(of: index, weaknesses: weaknesses, context: context, into: &found)
            }
            return found
        }.flatMap { $0 }
        findings += shared
        findings += weaknesses.machineDefaults.map { index in
            let account = directory.accounts[index]
            return Finding(
                rule: .machineDefaultPassword, subject: .account(account),
                detail:
                    "The computer account's password is its own name in lower case: it was pre-created and never joined, or never rotated.",
                evidence: [account.source, directory.credentialOfAccount[index]!.source])
        }
        // A domain's policy governs its own accounts: not a computer's local accounts, nor entries the export lacks.
        let governed = firstStandIn.map { first in people.filter { $0 < first } } ?? people
        let policy = PasswordPolicyEvaluation(context: context, people: governed, weaknesses: weaknesses)
        let policyFindings = policy.findings()
        findings += policyFindings

        let metrics = self.metrics(findings: findings, people: people, weaknesses: weaknesses, directory: directory)
        let unassessed = dumpOnly ? 0 : Self.withoutHash(directory, asOf: context.asOf, before: firstStandIn)
        return AnalyzerOutput(
            findings: findings,
            metrics: metrics,
            coverage: [
                dumpOnly
                    ? dumpOnlyCoverage(context, people: people.count, weaknesses: weaknesses)
                    : coverage(
                        context, people: people.count, standIns: standIns, unassessed: unassessed,
                        weaknesses: weaknesses)
            ],
            headlines: headlines(
                metrics, policy: policy, policyFindings: policyFindings, weaknesses: weaknesses,
                // Without a directory, or with directory accounts the dump does not cover, "enabled accounts" would
                // not be the accounts counted: say what was.
                noun: dumpOnly || unassessed > 0 ? "hash-dump account" : "enabled account"),
            unchecked: Self.unchecked(context, weaknesses: weaknesses)
        )
    }

    /// The rules no account was checked for: breached passwords without a breach corpus, guessed ones without a
    /// directory domain, whose names are the organisation words guesses are built from (a later run without them
    /// guesses less, which fixes nothing), and reused ones without any password history.
    static func unchecked(_ context: AnalysisContext, weaknesses: WeaknessSearch.Result) -> [UncheckedSubjects] {
        var rules: Set<RuleID> = []
        if weaknesses.corpusName == nil { rules.insert(.breachedPassword) }
        if context.estate.domains.isEmpty { rules.insert(.guessablePassword) }
        // Reuse is read from password history: a dump taken without it (secretsdump without -history) checks none.
        if !context.estate.credentials.contains(where: { !$0.history.isEmpty }) {
            rules.formUnion([.reusedPassword, .sharedHistoryPassword])
        }
        return rules.isEmpty ? [] : [UncheckedSubjects(kind: .account, rules: rules, ids: nil)]
    }

    /// The findings of one enabled account's own credential: an LM hash, its weakness, a reused password, and
    /// Kerberoasting exposure.
    private func ownFindings(
        of index: Int, weaknesses: WeaknessSearch.Result, context: AnalysisContext, into found: inout [Finding]
    ) {
        let directory = context.directory
        let account = directory.accounts[index]
        let credential = directory.credentialOfAccount[index]!
        let evidence = [account.source, credential.source]
        let privileged = directory.privilege[index]
        let raise: Rule.Escalation.ID? = privileged == nil ? nil : .privileged
        let privilegeNote = privileged.map { " The account is privileged (\($0.explanation))." } ?? ""
        if credential.hasLMHash {
            found.append(
                Finding(
                    rule: .lmHashStored, subject: .account(account),
                    detail:
                        "The hash dump holds an LM hash for this enabled account; LM hashes are reversed in minutes.",
                    evidence: evidence))
        }
        switch weaknesses.weakness[index] {
        case .empty?:
            found.append(
                Finding(
                    rule: .emptyPassword, subject: .account(account),
                    detail:
                        "This enabled account has an empty password: anyone who knows its name can log on.\(privilegeNote)",
                    evidence: evidence))
        case .username?:
            found.append(
                Finding(
                    rule: .usernameAsPassword, subject: .account(account),
                    detail: "The password is the account's own name.\(privilegeNote)", evidence: evidence))
        case .guessable(let pattern, let prevalence)?:
            let own =
                pattern.base == .personName
                && CandidateWords.personNames(of: account).contains(pattern.baseWord)
            var detail =
                "The password was recovered by a targeted dictionary attack: \(pattern.description(ownName: own)), \(pattern.length) characters."
            var facts = ["pattern": pattern.description(ownName: own), "length": String(pattern.length)]
            if let prevalence {
                detail += " It also appears \(Wording.count(prevalence, "time")) in the breach corpus."
                facts["breachCount"] = String(prevalence)
            }
            found.append(
                Finding(
                    rule: .guessablePassword, escalation: raise, subject: .account(account),
                    detail: detail + privilegeNote, evidence: evidence, facts: facts))
        case .breached(let prevalence)?:
            found.append(
                Finding(
                    rule: .breachedPassword, escalation: raise, subject: .account(account),
                    detail:
                        "The password appears \(Wording.count(prevalence, "time")) in the breach corpus (\(weaknesses.corpusName ?? "supplied")).\(privilegeNote)",
                    evidence: evidence, facts: ["breachCount": String(prevalence)]))
        case nil:
            break
        }
        if let history = credential.ntHash.map({ credential.history.firstIndex(of: $0) }),
            let position = history
        {
            found.append(
                Finding(
                    rule: .reusedPassword, subject: .account(account),
                    detail:
                        "The current password is the same as the one used \(ordinal(position + 1)) before it.",
                    evidence: evidence, facts: ["historyPosition": String(position)]))
        }
        if !account.servicePrincipalNames.isEmpty,
            let finding = kerberoasting(
                account, index: index, weakness: weaknesses.weakness[index], evidence: evidence,
                context: context)
        {
            found.append(finding)
        }
    }

    private func kerberoasting(
        _ account: Account, index: Int, weakness: Weakness?, evidence: [EvidenceReference], context: AnalysisContext
    ) -> Finding? {
        var reasons: [String] = []
        switch weakness {
        case .empty?: reasons.append("its password is empty")
        case .username?: reasons.append("its password is its name")
        case .guessable?: reasons.append("its password is guessable")
        case .breached?: reasons.append("its password is in the breach corpus")
        case nil: break
        }
        let age = account.passwordLastSet.map(context.daysSince)
        if let age, age > Self.oldServicePasswordDays {
            reasons.append("its password has not changed for \(Wording.count(age, "day"))")
        }
        guard !reasons.isEmpty else { return nil }
        let privileged = context.directory.privilege[index]
        var detail =
            "Any domain user can request a Kerberos ticket for this service account (\(Wording.count(account.servicePrincipalNames.count, "service principal name"))) and crack it offline; \(reasons.joined(separator: " and "))."
        if let privileged { detail += " The account is privileged (\(privileged.explanation))." }
        var facts = ["spns": String(account.servicePrincipalNames.count)]
        if let age { facts["passwordAgeDays"] = String(age) }
        return Finding(
            rule: .kerberoastable, escalation: privileged == nil ? nil : .privileged, subject: .account(account),
            detail: detail, evidence: evidence, facts: facts)
    }

    private func ordinal(_ number: Int) -> String {
        let word =
            switch number {
            case 1: "one"
            case 2: "two"
            case 3: "three"
            default: "\(number)"
            }
        return word + " change\(number == 1 ? "" : "s")"
    }

    // MARK: Metrics, headlines, coverage

    private func metrics(
        findings: [Finding], people: [Int], weaknesses: WeaknessSearch.Result, directory: DirectoryIndex
    ) -> [Metric] {
        let count = { (rules: Set<RuleID>) in findings.filter { rules.contains($0.rule) }.count }
        let privileged = people.filter(directory.isPrivileged)
        let weak = people.filter { weaknesses.weakness[$0] != nil }
        let sharing = findings.filter { $0.rule == .sharedPassword || $0.rule == .privilegedSharedPassword }
        var metrics = [
            Metric(
                id: "credentials.assessed", label: "Enabled accounts whose password hash was assessed",
                value: people.count),
            Metric(
                id: "credentials.weak",
                label: "Enabled accounts with a breached, guessable, user-name or empty password", value: weak.count,
                total: people.count,
                rules: [.breachedPassword, .guessablePassword, .usernameAsPassword, .emptyPassword]),
            Metric(
                id: "credentials.privileged-weak",
                label: "Privileged accounts with a breached, guessable, user-name or empty password",
                value: weak.filter(directory.isPrivileged).count, total: privileged.count),
            Metric(
                id: "credentials.guessable",
                label: "Enabled accounts whose password a targeted dictionary attack recovered",
                value: count([.guessablePassword, .usernameAsPassword]), total: people.count,
                rules: [.guessablePassword, .usernameAsPassword]),
            Metric(
                id: "credentials.breached-only",
                label: "Enabled accounts whose password is in the breach corpus and was not otherwise recovered",
                value: count([.breachedPassword]), total: people.count, rules: [.breachedPassword]),
            Metric(
                id: "credentials.empty", label: "Enabled accounts with an empty password",
                value: count([.emptyPassword]), total: people.count, rules: [.emptyPassword]),
            Metric(
                id: "credentials.lm-hash", label: "Enabled accounts with an LM hash stored",
                value: count([.lmHashStored]), total: people.count, rules: [.lmHashStored]),
            Metric(
                id: "credentials.shared", label: "Enabled accounts sharing a password with another account",
                value: sharing.count, total: people.count, rules: [.sharedPassword, .privilegedSharedPassword]),
            Metric(
                id: "credentials.shared-groups", label: "Groups of accounts sharing one password",
                value: Set(sharing.compactMap { $0.facts["sharedGroup"] }).count),
            Metric(
                id: "credentials.privileged-shared", label: "Privileged accounts sharing their password",
                value: count([.privilegedSharedPassword]), total: privileged.count, rules: [.privilegedSharedPassword]),
            Metric(
                id: "credentials.reused", label: "Enabled accounts whose password is one of their previous ones",
                value: count([.reusedPassword]), total: people.count, rules: [.reusedPassword]),
        ]
        if weaknesses.corpusName != nil {
            metrics.append(
                Metric(
                    id: "credentials.breached", label: "Enabled accounts whose password is in the breach corpus",
                    value: people.filter { weaknesses.prevalence[$0] != nil }.count, total: people.count,
                    note:
                        "Distinct accounts whose password is in the breach corpus, whatever else is wrong with it: VGL-CRED-BREACHED is raised only for those whose password was not also guessed, empty or the user name (credentials.breached-only), the rest are under those rules."
                ))
        }
        return metrics
    }

    private func headlines(
        _ metrics: [Metric], policy: PasswordPolicyEvaluation, policyFindings: [Finding],
        weaknesses: WeaknessSearch.Result, noun: String
    ) -> [Headline] {
        func value(_ id: String) -> Int { metrics.first { $0.id == id }?.value ?? 0 }
        let assessed = value("credentials.assessed")
        let weak = value("credentials.weak")
        let privilegedWeak = value("credentials.privileged-weak")
        var result: [Headline] = []
        if weak == 0 {
            // No pass over nothing: with no password assessed there is no pass to state (coverage says why); the
            // policy's headline below still is.
            // Without a breach index, breached passwords were not looked for: the pass says what was.
            if assessed > 0 {
                let text =
                    weaknesses.corpusName == nil
                    ? "No guessable or empty password among the \(Wording.count(assessed, noun)) assessed; breached passwords not checked (no breach index)."
                    : "No breached, guessable or empty password among the \(Wording.count(assessed, noun)) assessed."
                result.append(
                    Headline(area: .credentials, text: text, severity: nil, metrics: ["credentials.assessed"]))
            }
        } else {
            // The parts partition the accounts counted (each account's password has one weakness, as each has one
            // finding), so they add up to the total and each equals its rule's count.
            var parts: [String] = []
            var used = ["credentials.weak", "credentials.assessed"]
            if value("credentials.guessable") > 0 {
                parts.append("\(Wording.number(value("credentials.guessable"))) guessable")
                used.append("credentials.guessable")
            }
            if value("credentials.breached-only") > 0 {
                parts.append("\(Wording.number(value("credentials.breached-only"))) more in breach data")
                used.append("credentials.breached-only")
            }
            if value("credentials.empty") > 0 {
                parts.append("\(Wording.number(value("credentials.empty"))) empty")
                used.append("credentials.empty")
            }
            if privilegedWeak > 0 { used.append("credentials.privileged-weak") }
            var text =
                "\(Wording.number(weak)) of \(Wording.count(assessed, noun)) (\(Wording.percent(weak, of: assessed))) \(weak == 1 ? "has" : "have") a password an attacker would try early (\(parts.joined(separator: ", ")))"
            text +=
                privilegedWeak > 0
                ? "; \(Wording.count(privilegedWeak, "of them is an administrator", plural: "of them are administrators"))."
                : "."
            result.append(
                Headline(
                    area: .credentials, text: text, severity: privilegedWeak > 0 ? .critical : .high, metrics: used))
        }
        let shared = value("credentials.shared")
        if shared > 0 {
            let privilegedShared = value("credentials.privileged-shared")
            var text =
                "\(Wording.number(shared)) of \(Wording.count(assessed, noun)) (\(Wording.percent(shared, of: assessed))) \(shared == 1 ? "shares" : "share") a password with another account"
            text +=
                privilegedShared > 0
                ? ", \(Wording.count(privilegedShared, "of them an administrator", plural: "of them administrators"))."
                : "."
            result.append(
                Headline(
                    area: .credentials, text: text, severity: privilegedShared > 0 ? .critical : .high,
                    metrics: ["credentials.shared", "credentials.assessed"]
                        + (privilegedShared > 0 ? ["credentials.privileged-shared"] : [])))
        }
        if let headline = policy.headline(of: policyFindings) { result.append(headline) }
        return result
    }

    /// The directory's own enabled people (those before `first`, when stand-ins follow) the dump holds no NT hash for.
    static func withoutHash(_ directory: DirectoryIndex, asOf: Date, before first: Int?) -> Int {
        directory.enabledPeople(at: asOf).filter { index in
            index < (first ?? Int.max) && directory.credentialOfAccount[index]?.ntHash == nil
        }.count
    }

    private func coverage(
        _ context: AnalysisContext, people: Int, standIns: Int, unassessed: Int, weaknesses: WeaknessSearch.Result
    ) -> Coverage {
        var basis =
            "password hashes of \(Wording.count(people, "enabled account")): empty, LM, user-name, shared, reused and guessable passwords (\(weaknesses.candidatesDescription))"
        if unassessed > 0 {
            // A dump of another domain, or one older than the directory export: those accounts' passwords are unknown.
            basis =
                "\(Wording.count(unassessed, "enabled account")) of the directory export \(unassessed == 1 ? "has" : "have") no hash in the dump and \(unassessed == 1 ? "was" : "were") not assessed; "
                + basis
        }
        if standIns > 0 {
            basis +=
                "; \(Wording.count(standIns, "hash-dump entry", plural: "hash-dump entries")) the directory export does not hold (a computer's local accounts, or accounts outside the export) counted among them, named as in the dump and taken as enabled, RID 500 as an administrator (entries the dump itself marks disabled are not)"
        }
        guard let corpus = weaknesses.corpusName else {
            basis +=
                "; breached passwords not checked: no breach index (build one with vigil corpus build, then pass --breach-index)"
            return Coverage(area: .credentials, status: .partial, basis: basis)
        }
        basis += "; breached passwords against \(corpus)" + (weaknesses.corpusLimit ?? "")
        let partial = unassessed > 0 || weaknesses.corpusLimit != nil
        return Coverage(area: .credentials, status: partial ? .partial : .assessed, basis: basis)
    }
}

/// The single weakness reported for an account's current password, most telling first.
enum Weakness: Sendable {
    case empty
    case username
    case guessable(PasswordPattern, prevalence: Int?)
    case breached(Int)
}

extension CandidateWords {
    /// The account holder's own name parts, lower-cased.
    static func personNames(of account: Account) -> Set<String> {
        Set(
            ([account.givenName, account.surname].compactMap { $0 } + (account.displayName.map(nameParts) ?? [])).map {
                $0.lowercased()
            })
    }
}
