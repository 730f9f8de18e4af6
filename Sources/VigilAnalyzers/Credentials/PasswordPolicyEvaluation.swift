import VigilCore

/// The domain password policy judged twice: against Cyber Essentials, NCSC guidance and NIST SP 800-63B, and against
/// what the password hashes show actually happened (passwords shorter than the minimum, complexity not met, history
/// bypassed). A policy that reads well but is not in force is the "false sense of security" a review warns of.
struct PasswordPolicyEvaluation {
    let context: AnalysisContext
    let people: [Int]
    let weaknesses: WeaknessSearch.Result

    func findings() -> [Finding] {
        context.estate.domains.flatMap { domain in
            standards(domain) + evidence(domain)
        }
    }

    /// A plain-words summary of `found` (what ``findings()`` gave): what is not in force, else where the policy falls
    /// short.
    func headline(of found: [Finding]) -> Headline? {
        let bypassed = found.filter {
            [.policyLengthBypassed, .policyComplexityBypassed, .policyHistoryBypassed].contains($0.rule)
        }
        if !bypassed.isEmpty {
            return Headline(
                area: .credentials,
                text: "The written password policy is not what is in force: "
                    + bypassed.map { $0.facts["summary"] ?? "" }.joined(separator: "; ") + ".",
                severity: bypassed.map(\.severity).max())
        }
        let shortfalls = found.filter { [.policyMinimumLength, .policyLockout].contains($0.rule) }
        guard !shortfalls.isEmpty else { return nil }
        return Headline(
            area: .credentials,
            text: "The domain password policy falls short of Cyber Essentials: "
                + shortfalls.map { $0.facts["summary"] ?? "" }.joined(separator: "; ") + ".",
            severity: shortfalls.map(\.severity).max())
    }

    // MARK: Against the standards

    private func standards(_ domain: DirectoryDomain) -> [Finding] {
        let policy = domain.passwordPolicy
        var findings: [Finding] = []
        func add(
            _ rule: RuleID, _ escalation: Rule.Escalation.ID? = nil, _ detail: String, summary: String,
            facts: [String: String] = [:]
        ) {
            var facts = facts
            facts["summary"] = summary
            findings.append(
                Finding(
                    rule: rule, escalation: escalation, subject: .domain(domain), detail: detail,
                    evidence: [domain.source],
                    facts: facts))
        }
        if let length = policy.minimumLength, length < 12 {
            let detail =
                length < 8
                ? "The minimum password length is \(length): below the 8 characters that Cyber Essentials (with a deny list) and NIST SP 800-63B (with multi-factor authentication) accept at the very least, and far below Cyber Essentials' 12 and NIST's 15 for a password used alone."
                : "The minimum password length is \(length): Cyber Essentials accepts fewer than 12 characters only with automatic blocking of common passwords, which Active Directory does not do by itself; NIST SP 800-63B asks for 15 when the password is the only factor."
            add(
                .policyMinimumLength, length < 8 ? .belowEight : nil, detail, summary: "\(length)-character minimum",
                facts: ["minimumLength": String(length)])
        }
        if let threshold = policy.lockoutThreshold, threshold == 0 || threshold > 10 {
            let detail =
                threshold == 0
                ? "Accounts never lock out (lockoutThreshold 0): guesses are unlimited. Cyber Essentials requires locking after no more than 10 failed attempts (or throttling); NIST SP 800-63B requires limiting consecutive failures to 100."
                : "Accounts lock only after \(threshold) failed attempts: Cyber Essentials requires no more than 10\(threshold > 100 ? ", and NIST SP 800-63B no more than 100" : "")."
            add(
                .policyLockout, threshold == 0 ? nil : .lockoutLate, detail,
                summary: threshold == 0 ? "no lockout" : "lockout after \(threshold) attempts",
                facts: ["lockoutThreshold": String(threshold)])
        }
        if let age = policy.maximumAgeDays, age > 0 {
            let predictable = patterns().filter {
                [.season, .month].contains($0.base) && [.year, .yearAndSymbol].contains($0.ending)
            }.count
            var detail =
                "Passwords must change every \(age) days. NCSC and NIST SP 800-63B advise against forced periodic expiry: it breeds predictable sequences."
            if predictable > 0 {
                detail +=
                    " \(Wording.count(predictable, "recovered password")) here \(predictable == 1 ? "is" : "are") a season or month with a year."
            }
            add(
                .policyForcedExpiry, nil, detail, summary: "expiry every \(age) days",
                facts: ["maximumAgeDays": String(age)])
        }
        if policy.complexityRequired == true {
            let complexGuessable = patterns().filter { $0.classes.count >= 3 }.count
            var detail =
                "Passwords must mix three of four character classes. NIST SP 800-63B says verifiers should not impose composition rules; length and a deny list do more."
            if complexGuessable > 0 {
                detail +=
                    " \(Wording.count(complexGuessable, "password")) that meet the rule \(complexGuessable == 1 ? "was" : "were") still guessed."
            }
            add(.policyComposition, nil, detail, summary: "complexity required")
        }
        if policy.historyLength == 0 {
            add(
                .policyHistory, nil,
                "No password history is kept (pwdHistoryLength 0): a changed password can be changed straight back.",
                summary: "no history")
        }
        return findings
    }

    // MARK: Against the evidence

    private func evidence(_ domain: DirectoryDomain) -> [Finding] {
        let policy = domain.passwordPolicy
        let directory = context.directory
        let members = people.filter { belongs(directory.accounts[$0], to: domain) }
        var findings: [Finding] = []
        func add(_ rule: RuleID, _ accounts: [Int], _ detail: String, summary: String) {
            guard !accounts.isEmpty else { return }
            let named = directory.firstByName(accounts, limit: Finding.relatedLimit)
            findings.append(
                Finding(
                    rule: rule, subject: .domain(domain), detail: detail, evidence: [domain.source],
                    related: named.map { .account(directory.accounts[$0]) },
                    facts: ["accounts": String(accounts.count), "summary": summary]
                )
            )
        }
        if let minimum = policy.minimumLength, minimum > 0 {
            let short = members.filter { index in
                switch weaknesses.weakness[index] {
                case .empty?: true
                case .guessable(let pattern, _)?: pattern.length < minimum
                case .username?: directory.accounts[index].name.count < minimum
                default: false
                }
            }
            let empty = short.filter { if case .empty? = weaknesses.weakness[$0] { true } else { false } }.count
            add(
                .policyLengthBypassed, short,
                "The policy requires at least \(minimum) characters, yet \(Wording.count(short.count, "enabled account")) \(short.count == 1 ? "has" : "have") a shorter password\(empty > 0 ? " (\(empty) empty)" : "").",
                summary:
                    "\(Wording.count(short.count, "account")) with \(short.count == 1 ? "a password" : "passwords") shorter than its \(minimum)-character minimum"
            )
        }
        if policy.complexityRequired == true {
            let simple = members.filter { index in
                switch weaknesses.weakness[index] {
                case .empty?, .username?: true
                case .guessable(let pattern, _)?: pattern.classes.count < 3
                default: false
                }
            }
            add(
                .policyComplexityBypassed, simple,
                "The policy requires three of four character classes (and no user name in the password), yet \(Wording.count(simple.count, "enabled account")) \(simple.count == 1 ? "has" : "have") a password that does not.",
                summary: "\(Wording.count(simple.count, "account")) whose passwords fail its complexity rule")
        }
        if let history = policy.historyLength, history > 0 {
            let reused = members.filter { index in
                guard let credential = directory.credentialOfAccount[index], let hash = credential.ntHash,
                    let position = credential.history.firstIndex(of: hash)
                else { return false }
                return position < history
            }
            add(
                .policyHistoryBypassed, reused,
                "The policy remembers \(history) previous passwords, yet \(Wording.count(reused.count, "enabled account")) \(reused.count == 1 ? "uses" : "use") one of them again.",
                summary: "\(Wording.count(reused.count, "account")) reusing a remembered password")
        }
        return findings
    }

    private func patterns() -> [PasswordPattern] {
        people.compactMap { index in
            if case .guessable(let pattern, _)? = weaknesses.weakness[index] { pattern } else { nil }
        }
    }

    /// Whether the account's DN is under the domain's (every account, when the export has one domain).
    private func belongs(_ account: Account, to domain: DirectoryDomain) -> Bool {
        guard context.estate.domains.count > 1, let dn = account.distinguishedName else { return true }
        return DistinguishedName.normalised(dn).hasSuffix("," + DistinguishedName.normalised(domain.distinguishedName))
    }
}
