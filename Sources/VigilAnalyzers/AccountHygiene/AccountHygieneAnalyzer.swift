import Foundation
public import VigilCore

/// Account hygiene: enabled accounts that are stale, never expire, need no password, store their password with
/// reversible encryption, are limited to DES or skip Kerberos pre-authentication; privileged accounts that are stale.
/// Password weaknesses found from a hash dump are the ``CredentialAnalyzer``'s.
///
/// Computer accounts are left out: their passwords are random and rotated by Windows. Disabled and expired accounts
/// are left out: they cannot log on.
public struct AccountHygieneAnalyzer: Analyzer {
    public let name = "account-hygiene"
    public let rules: [RuleID] = [
        .staleAccount, .stalePrivilegedAccount, .passwordNeverExpires, .passwordNotRequired, .reversibleEncryption,
        .desOnly, .preAuthNotRequired,
    ]

    public init() {}

    /// The account flags reported, with the rule and the explanation of each.
    private static let flags: [(AccountControl, RuleID, String)] = [
        (
            .passwordNeverExpires, .passwordNeverExpires,
            "its password is set never to expire (userAccountControl DONT_EXPIRE_PASSWORD)"
        ),
        (
            .passwordNotRequired, .passwordNotRequired,
            "it may have an empty password whatever the policy says (userAccountControl PASSWD_NOTREQD)"
        ),
        (
            .reversibleEncryption, .reversibleEncryption,
            "its password is stored with reversible encryption (userAccountControl ENCRYPTED_TEXT_PWD_ALLOWED)"
        ),
        (.desKeyOnly, .desOnly, "its Kerberos tickets use single DES (userAccountControl USE_DES_KEY_ONLY)"),
        (
            .preAuthNotRequired, .preAuthNotRequired,
            "it does not require Kerberos pre-authentication, so anyone can request data encrypted with its password (userAccountControl DONT_REQ_PREAUTH)"
        ),
    ]

    public func analyze(_ context: AnalysisContext) -> AnalyzerOutput {
        let directory = context.directory
        guard !directory.accounts.isEmpty else { return AnalyzerOutput() }
        let enabled = directory.enabledPeople(at: context.asOf)
        let privileged = enabled.filter(directory.isPrivileged).count
        var findings: [Finding] = []
        // Where the domain's passwords never expire (maxPwdAge 0, as the password-policy rule advises), exempting an
        // account from expiry changes nothing: the flag is not reported there.
        // Each account belongs to the domain whose DN is the longest suffix of its own (a child domain's accounts to
        // the child, not the forest root), compared as DNs are.
        let domains = context.estate.domains.map {
            (
                suffix: "," + DistinguishedName.normalised($0.distinguishedName),
                noExpiry: $0.passwordPolicy.maximumAgeDays == 0
            )
        }.sorted { $0.suffix.count > $1.suffix.count }
        let noExpiry = { (dn: String) in
            domains.first { DistinguishedName.normalised(dn).hasSuffix($0.suffix) }?.noExpiry ?? false
        }
        var exemptionsMoot = 0
        // Accounts whose use cannot be told: their export left logon times out, or they have neither one nor a creation
        // date; and the privileged ones among them.
        var (noLogonTimes, noDates, privilegedUnjudged) = (0, 0, 0)
        for index in enabled {
            let account = directory.accounts[index]
            if Self.usageUnknown(account) {
                if account.logonTimesMissing == true { noLogonTimes += 1 } else { noDates += 1 }
                if directory.isPrivileged(index) { privilegedUnjudged += 1 }
            } else if let finding = staleness(of: account, index: index, context: context) {
                findings.append(finding)
            }
            for (flag, rule, explanation) in Self.flags where account.control.contains(flag) {
                if flag == .passwordNeverExpires, let dn = account.distinguishedName, noExpiry(dn) {
                    exemptionsMoot += 1
                    continue
                }
                var detail = "The account is enabled and \(explanation)"
                if flag == .passwordNeverExpires, let set = account.passwordLastSet {
                    detail += "; it was last changed \(context.daysSince(set)) days ago"
                }
                findings.append(
                    Finding(rule: rule, subject: .account(account), detail: detail + ".", evidence: [account.source]))
            }
        }
        for domain in context.estate.domains where domain.passwordPolicy.reversibleEncryption == true {
            findings.append(
                Finding(
                    rule: .reversibleEncryption,
                    subject: .domain(domain),
                    detail:
                        "The domain password policy stores every account's password with reversible encryption (pwdProperties DOMAIN_PASSWORD_STORE_CLEARTEXT).",
                    evidence: [domain.source]
                )
            )
        }
        let unjudged = noLogonTimes + noDates
        let count = { (rule: RuleID) in findings.filter { $0.rule == rule }.count }
        let metrics = [
            Metric(
                id: "accounts.enabled", label: "Enabled accounts (people, services, built-in)", value: enabled.count),
            Metric(
                id: "accounts.privileged", label: "Enabled privileged accounts", value: privileged, total: enabled.count
            ),
            Metric(
                id: "accounts.stale", label: "Enabled accounts not used within the staleness threshold",
                value: count(.staleAccount) + count(.stalePrivilegedAccount), total: enabled.count - unjudged,
                rules: [.staleAccount, .stalePrivilegedAccount],
                note: unjudged > 0 ? "of the enabled accounts whose use the export lets Vigil judge" : nil),
            Metric(
                id: "accounts.privileged-stale", label: "Privileged accounts not used within the staleness threshold",
                value: count(.stalePrivilegedAccount), total: privileged - privilegedUnjudged,
                rules: [.stalePrivilegedAccount],
                note: privilegedUnjudged > 0 ? "of the privileged accounts whose use the export lets Vigil judge" : nil),
            Metric(
                id: "accounts.password-never-expires", label: "Enabled accounts whose password never expires",
                value: count(.passwordNeverExpires), total: enabled.count, rules: [.passwordNeverExpires]),
            Metric(
                id: "accounts.password-not-required", label: "Enabled accounts allowed an empty password",
                value: count(.passwordNotRequired), total: enabled.count, rules: [.passwordNotRequired]),
        ]
        let coverage = Coverage(
            area: .accounts,
            // No enabled account: not assessed, even beside a domain policy finding (a partial area would cover every
            // account for the national service, and leave person-account tickets unverified on a computers-only export).
            status: enabled.isEmpty ? .notAssessed : unjudged > 0 ? .partial : .assessed,
            basis:
                Self.accountsBasis(context.estate.accounts, enabled: enabled.count)
                + "; staleness threshold \(context.settings.staleDays) days"
                + (noLogonTimes > 0
                    ? "; \(Wording.count(noLogonTimes, "enabled account")) from an export without logon times (lastLogon, lastLogonTimestamp) \(noLogonTimes == 1 ? "is" : "are") not judged for use"
                    : "")
                + (noDates > 0
                    ? "; \(Wording.count(noDates, "enabled account")) with neither a logon time nor a creation date \(noDates == 1 ? "is" : "are") not judged for use"
                    : "")
                + (exemptionsMoot > 0
                    ? "; passwords never expire by the domain's policy (maxPwdAge 0), so \(Wording.count(exemptionsMoot, "account")) set never to expire \(exemptionsMoot == 1 ? "is" : "are") not reported"
                    : "")
        )
        return AnalyzerOutput(
            findings: findings, metrics: metrics, coverage: [coverage], headlines: [headline(metrics, context: context)]
        )
    }

    /// Whether the export cannot tell if `account` is used: its file holds no logon time for any account, or it has
    /// neither a logon time nor a creation date. The national service's coverage leaves such accounts out, so their
    /// stale-account tickets stay unverified rather than close.
    public static func usageUnknown(_ account: Account) -> Bool {
        account.logonTimesMissing == true || (account.lastLogon == nil && account.created == nil)
    }

    private func headline(_ metrics: [Metric], context: AnalysisContext) -> Headline {
        let enabled = metrics[0].value
        // The accounts whether they are used could be judged of (``usageUnknown(_:)``).
        let judged = metrics[2].total ?? enabled
        let stale = metrics[2].value
        let privilegedStale = metrics[3].value
        guard enabled > 0 else {
            return Headline(
                area: .accounts,
                text: "The directory export holds no enabled account: account hygiene is not assessed.",
                severity: nil, metrics: ["accounts.enabled"])
        }
        guard judged > 0 else {
            return Headline(
                area: .accounts,
                text:
                    "Whether accounts are used cannot be told: the directory export holds no logon time (lastLogon, lastLogonTimestamp) for any of the \(Wording.count(enabled, "enabled account")).",
                severity: nil, metrics: ["accounts.stale", "accounts.enabled"])
        }
        let unjudged = enabled - judged
        guard stale > 0 else {
            return Headline(
                area: .accounts,
                text: unjudged > 0
                    ? "Every enabled account whose logon time the export holds (\(Wording.number(judged)) of \(Wording.number(enabled))) has been used in the last \(context.settings.staleDays) days."
                    : "Every enabled account has been used in the last \(context.settings.staleDays) days.",
                severity: nil, metrics: ["accounts.stale"] + (unjudged > 0 ? ["accounts.enabled"] : []))
        }
        var text =
            unjudged > 0
            ? "\(Wording.number(stale)) of the \(Wording.count(judged, "enabled account")) whose logon time the export holds (\(Wording.percent(stale, of: judged))) \(stale == 1 ? "has" : "have") not been used for over \(context.settings.staleDays) days"
            : "\(Wording.number(stale)) of \(Wording.count(enabled, "enabled account")) (\(Wording.percent(stale, of: enabled))) \(stale == 1 ? "has" : "have") not been used for over \(context.settings.staleDays) days"
        text +=
            privilegedStale > 0
            ? ", \(Wording.count(privilegedStale, "of them an administrator", plural: "of them administrators"))." : "."
        return Headline(
            area: .accounts, text: text, severity: privilegedStale > 0 ? .high : .medium,
            metrics: ["accounts.stale", "accounts.enabled"] + (privilegedStale > 0 ? ["accounts.privileged-stale"] : [])
        )
    }

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
        var facts = ["daysSinceLogon": String(days), "thresholdDays": String(threshold)]
        if let privilege { facts["privilege"] = privilege.explanation }
        let suffix = privilege.map { "; it is privileged (\($0.explanation))." } ?? "."
        return Finding(
            rule: privilege == nil ? .staleAccount : .stalePrivilegedAccount, subject: .account(account),
            detail: detail + suffix,
            evidence: [account.source], facts: facts)
    }

    /// "5 directory accounts: 2 enabled people, service and built-in accounts assessed, 1 computer account not, 2
    /// disabled or expired": the parts add up to the whole, so a computer (a domain controller's account) is never read as a
    /// disabled person.
    static func accountsBasis(_ accounts: [Account], enabled: Int) -> String {
        let computers = accounts.reduce(0) { $0 + ($1.kind == .computer ? 1 : 0) }
        let disabled = accounts.count - computers - enabled
        return
            "\(Wording.count(accounts.count, "directory account")): \(Wording.number(enabled)) enabled people, service and built-in accounts assessed"
            + (computers > 0 ? ", \(Wording.count(computers, "computer account")) not" : "")
            + (disabled > 0 ? ", \(Wording.number(disabled)) disabled or expired" : "")
    }

}
