import Foundation
public import VigilCore

/// Account hygiene: enabled accounts that are stale, never expire, need no password, store reversible or LM
/// passwords or have an empty one; privileged accounts that are stale or share a password; and every group of enabled
/// accounts that share one NT hash.
///
/// Computer accounts are left out: their passwords are random and rotated by Windows. Disabled and expired accounts
/// are left out: they cannot log on.
public struct AccountHygieneAnalyzer: Analyzer {
    public let name = "account-hygiene"
    public let rules: [RuleID] = [
        .staleAccount, .stalePrivilegedAccount, .passwordNeverExpires, .passwordNotRequired, .reversibleEncryption,
        .lmHashStored, .emptyPassword, .sharedPassword, .privilegedSharedPassword,
    ]

    public init() {}

    public func analyze(_ context: AnalysisContext) -> AnalyzerOutput {
        let directory = context.directory
        guard !directory.accounts.isEmpty else { return AnalyzerOutput() }
        let enabled = directory.accounts.indices.filter { index in
            let account = directory.accounts[index]
            return account.kind != .computer && account.isEnabled(at: context.asOf)
        }
        var findings: [Finding] = []
        var counts: [RuleID: Int] = [:]
        func add(_ finding: Finding) {
            findings.append(finding)
            counts[finding.rule, default: 0] += 1
        }

        for index in enabled {
            let account = directory.accounts[index]
            if let finding = staleness(of: account, index: index, context: context) { add(finding) }
            if account.control.contains(.passwordNeverExpires) {
                add(
                    flagFinding(
                        .passwordNeverExpires, account,
                        "The account is enabled and its password is set never to expire (userAccountControl DONT_EXPIRE_PASSWORD)\(passwordAge(account, context))."
                    ))
            }
            if account.control.contains(.passwordNotRequired) {
                add(
                    flagFinding(
                        .passwordNotRequired, account,
                        "The account is enabled and may have an empty password whatever the policy says (userAccountControl PASSWD_NOTREQD)."
                    ))
            }
            if account.control.contains(.reversibleEncryption) {
                add(
                    flagFinding(
                        .reversibleEncryption, account,
                        "The account is enabled and its password is stored with reversible encryption (userAccountControl ENCRYPTED_TEXT_PWD_ALLOWED)."
                    ))
            }
            guard let credential = directory.credentialOfAccount[index] else { continue }
            if credential.hasLMHash {
                add(
                    credentialFinding(
                        .lmHashStored, account, credential,
                        "The hash dump holds an LM hash for this enabled account; LM hashes are reversed in minutes."))
            }
            if credential.ntHash == .emptyPassword {
                add(
                    credentialFinding(
                        .emptyPassword, account, credential,
                        "This enabled account has an empty password: anyone who knows its name can log on."))
            }
        }
        for domain in context.estate.domains where domain.passwordPolicy.reversibleEncryption == true {
            add(
                Finding(
                    rule: .reversibleEncryption,
                    subject: Subject(
                        kind: .domain, id: domain.sid?.description ?? domain.dnsName.lowercased(), name: domain.dnsName),
                    detail:
                        "The domain password policy stores every account's password with reversible encryption (pwdProperties DOMAIN_PASSWORD_STORE_CLEARTEXT).",
                    evidence: [domain.source]
                )
            )
        }
        for finding in sharedPasswords(enabled: enabled, directory: directory) { add(finding) }

        let withHash = enabled.filter { directory.credentialOfAccount[$0]?.ntHash != nil }.count
        let sharing = findings.filter { $0.rule == .sharedPassword || $0.rule == .privilegedSharedPassword }
        var metrics = [
            Metric(
                id: "accounts.enabled", label: "Enabled accounts (people, services, built-in)", value: enabled.count),
            Metric(
                id: "accounts.privileged", label: "Enabled privileged accounts",
                value: enabled.filter(directory.isPrivileged).count, total: enabled.count),
            Metric(
                id: "accounts.stale", label: "Enabled accounts not used within the staleness threshold",
                value: counts[.staleAccount, default: 0] + counts[.stalePrivilegedAccount, default: 0],
                total: enabled.count),
            Metric(
                id: "accounts.privileged-stale", label: "Privileged accounts not used within the staleness threshold",
                value: counts[.stalePrivilegedAccount, default: 0], total: enabled.filter(directory.isPrivileged).count),
            Metric(
                id: "accounts.password-never-expires", label: "Enabled accounts whose password never expires",
                value: counts[.passwordNeverExpires, default: 0], total: enabled.count),
            Metric(
                id: "accounts.password-not-required", label: "Enabled accounts allowed an empty password",
                value: counts[.passwordNotRequired, default: 0], total: enabled.count),
        ]
        if !context.estate.credentials.isEmpty {
            metrics += [
                Metric(
                    id: "credentials.assessed", label: "Enabled accounts whose password hash was assessed",
                    value: withHash, total: enabled.count),
                Metric(
                    id: "credentials.shared", label: "Enabled accounts sharing a password with another account",
                    value: sharing.count, total: withHash),
                Metric(
                    id: "credentials.shared-groups", label: "Groups of accounts sharing one password",
                    value: Set(sharing.compactMap { $0.facts["sharedGroup"] }).count),
                Metric(
                    id: "credentials.privileged-shared", label: "Privileged accounts sharing their password",
                    value: counts[.privilegedSharedPassword, default: 0],
                    total: enabled.filter(directory.isPrivileged).count),
                Metric(
                    id: "credentials.empty", label: "Enabled accounts with an empty password",
                    value: counts[.emptyPassword, default: 0], total: withHash),
                Metric(
                    id: "credentials.lm-hash", label: "Enabled accounts with an LM hash stored",
                    value: counts[.lmHashStored, default: 0], total: withHash),
            ]
        }
        return AnalyzerOutput(
            findings: findings,
            metrics: metrics,
            coverage: coverage(context, enabled: enabled.count, withHash: withHash),
            headlines: headlines(metrics, context: context)
        )
    }

    private func headlines(_ metrics: [Metric], context: AnalysisContext) -> [Headline] {
        func value(_ id: String) -> Metric { metrics.first { $0.id == id }! }
        let enabled = value("accounts.enabled").value
        let stale = value("accounts.stale").value
        let privilegedStale = value("accounts.privileged-stale").value
        var result: [Headline] = []
        if stale == 0 {
            result.append(
                Headline(
                    area: .accounts,
                    text: "Every enabled account has been used in the last \(context.settings.staleDays) days.",
                    severity: nil))
        } else {
            var text =
                "\(Wording.number(stale)) of \(Wording.count(enabled, "enabled account")) (\(Wording.percent(stale, of: enabled))) \(stale == 1 ? "has" : "have") not been used for over \(context.settings.staleDays) days"
            text +=
                privilegedStale > 0
                ? ", \(Wording.count(privilegedStale, "of them an administrator", plural: "of them administrators"))."
                : "."
            result.append(Headline(area: .accounts, text: text, severity: privilegedStale > 0 ? .high : .medium))
        }
        guard let assessed = metrics.first(where: { $0.id == "credentials.assessed" })?.value else { return result }
        let shared = value("credentials.shared").value
        let privilegedShared = value("credentials.privileged-shared").value
        let empty = value("credentials.empty").value
        if shared == 0 {
            result.append(
                Headline(
                    area: .credentials,
                    text: "No two of the \(Wording.count(assessed, "account")) with a password hash share a password.",
                    severity: nil))
        } else {
            var text =
                "\(Wording.number(shared)) of \(Wording.count(assessed, "enabled account")) (\(Wording.percent(shared, of: assessed))) share a password with another account"
            text +=
                privilegedShared > 0
                ? ", \(Wording.count(privilegedShared, "of them an administrator", plural: "of them administrators"))."
                : "."
            result.append(Headline(area: .credentials, text: text, severity: privilegedShared > 0 ? .critical : .high))
        }
        if empty > 0 {
            result.append(
                Headline(
                    area: .credentials,
                    text:
                        "\(Wording.count(empty, "enabled account")) \(empty == 1 ? "has" : "have") an empty password.",
                    severity: .critical))
        }
        return result
    }

    // MARK: Rules

    private func staleness(of account: Account, index: Int, context: AnalysisContext) -> Finding? {
        let threshold = context.settings.staleDays
        let detail: String
        let days: Int
        if let lastLogon = account.lastLogon {
            days = context.daysSince(lastLogon)
            guard days > threshold else { return nil }
            detail = "The account is enabled but last logged on \(days) days ago (\(CivilDate.string(lastLogon)))"
        } else if let created = account.created {
            days = context.daysSince(created)
            guard days > threshold else { return nil }
            detail =
                "The account is enabled but has never logged on since it was created \(days) days ago (\(CivilDate.string(created)))"
        } else {
            return nil
        }
        let privilege = context.directory.privilege[index]
        let rule: RuleID = privilege == nil ? .staleAccount : .stalePrivilegedAccount
        var facts = ["daysSinceLogon": String(days), "thresholdDays": String(threshold)]
        if let privilege { facts["privilege"] = privilege.explanation }
        let suffix = privilege.map { "; it is privileged (\($0.explanation))." } ?? "."
        return Finding(
            rule: rule, subject: .account(account), detail: detail + suffix, evidence: [account.source], facts: facts)
    }

    private func flagFinding(_ rule: RuleID, _ account: Account, _ detail: String) -> Finding {
        Finding(rule: rule, subject: .account(account), detail: detail, evidence: [account.source])
    }

    private func credentialFinding(_ rule: RuleID, _ account: Account, _ credential: CredentialRecord, _ detail: String)
        -> Finding
    {
        Finding(rule: rule, subject: .account(account), detail: detail, evidence: [account.source, credential.source])
    }

    private func passwordAge(_ account: Account, _ context: AnalysisContext) -> String {
        guard let set = account.passwordLastSet else { return "" }
        return "; it was last changed \(context.daysSince(set)) days ago"
    }

    /// One finding per enabled account whose current NT hash another enabled account also has. Privileged members get
    /// ``RuleID/privilegedSharedPassword``; everyone sharing with a privileged account is critical. The empty password
    /// is its own rule and not grouped here.
    private func sharedPasswords(enabled: [Int], directory: DirectoryIndex) -> [Finding] {
        var byHash: [NTHash: [Int]] = [:]
        for index in enabled {
            guard let hash = directory.credentialOfAccount[index]?.ntHash, hash != .emptyPassword else { continue }
            byHash[hash, default: []].append(index)
        }
        let groups = byHash.values.filter { $0.count > 1 }.map { members in
            members.sorted { directory.accounts[$0].qualifiedName < directory.accounts[$1].qualifiedName }
        }.sorted { directory.accounts[$0[0]].qualifiedName < directory.accounts[$1[0]].qualifiedName }

        var findings: [Finding] = []
        for (number, members) in groups.enumerated() {
            let privileged = Set(members.filter(directory.isPrivileged))
            let subjects = Dictionary(
                uniqueKeysWithValues: members.map { ($0, Subject.account(directory.accounts[$0])) })
            // Privileged members first: they are what makes the sharing critical.
            let relatedOrder = members.filter(privileged.contains) + members.filter { !privileged.contains($0) }
            let groupLabel = "shared-password group \(number + 1)"
            for index in members {
                let account = directory.accounts[index]
                let others = members.count - 1
                let isPrivileged = privileged.contains(index)
                let privilegedOthers = privileged.count - (isPrivileged ? 1 : 0)
                var detail = "This account has the same password as \(Wording.count(others, "other enabled account"))"
                if isPrivileged, let reason = directory.privilege[index] {
                    detail +=
                        "; it is privileged (\(reason.explanation)), so each of them holds administrative control."
                } else if privilegedOthers > 0 {
                    detail +=
                        ", \(privilegedOthers == 1 ? "one of them" : "\(Wording.number(privilegedOthers)) of them") privileged: whoever knows this password controls the domain."
                } else {
                    detail += "."
                }
                var evidence = [account.source]
                if let source = directory.credentialOfAccount[index]?.source { evidence.append(source) }
                let related = relatedOrder.lazy.filter { $0 != index }.prefix(Finding.relatedLimit).map {
                    subjects[$0]!
                }
                findings.append(
                    Finding(
                        rule: isPrivileged ? .privilegedSharedPassword : .sharedPassword,
                        severity: privileged.isEmpty ? nil : .critical,
                        subject: subjects[index]!,
                        detail: detail,
                        evidence: evidence,
                        related: Array(related),
                        facts: [
                            "sharedGroup": groupLabel, "groupSize": String(members.count),
                            "privilegedInGroup": String(privileged.count),
                        ]
                    )
                )
            }
        }
        return findings
    }

    private func coverage(_ context: AnalysisContext, enabled: Int, withHash: Int) -> [Coverage] {
        let accounts = Coverage(
            area: .accounts,
            status: .assessed,
            basis:
                "\(Wording.count(context.estate.accounts.count, "directory account")) (\(Wording.number(enabled)) enabled people, service and built-in accounts); staleness threshold \(context.settings.staleDays) days"
        )
        guard !context.estate.credentials.isEmpty else { return [accounts] }
        let credentials = Coverage(
            area: .credentials,
            status: .partial,
            basis:
                "password hashes of \(Wording.number(withHash)) of \(Wording.number(enabled)) enabled accounts: empty, LM-stored and shared passwords checked; breached and guessable passwords not checked"
        )
        return [accounts, credentials]
    }
}
