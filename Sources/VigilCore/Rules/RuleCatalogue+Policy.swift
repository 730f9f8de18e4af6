extension RuleCatalogue {
    /// The domain password policy against Cyber Essentials, NCSC guidance and NIST SP 800-63B — and against what the
    /// password hashes show actually happened.
    static let policyRules: [Rule] = [
        Rule(
            id: .policyMinimumLength,
            area: .credentials,
            title: "Minimum password length too short",
            severity: .medium,
            summary:
                "The domain's minimum password length is below what the standards ask: Cyber Essentials requires at least 12 characters (or 8 with automatic blocking of common passwords, which Active Directory does not do by itself); NIST SP 800-63B requires 15 for a password used alone (8 with multi-factor authentication). High below 8.",
            rationale:
                "Short passwords are the ones attackers guess and crack first; a written policy that allows them makes every other control weaker.",
            remediation:
                "Raise the minimum length to 12 or more (fine-grained password policies can require more for administrators), add a deny list of common and organisation-specific passwords, and encourage three random words.",
            effort: .medium,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://www.ncsc.gov.uk/cyberessentials/overview", "https://pages.nist.gov/800-63-4/sp800-63b.html",
            ],
            escalations: [.init(.belowEight, severity: .high, when: "the minimum is below 8 characters")]
        ),
        Rule(
            id: .policyLockout,
            area: .credentials,
            title: "Password guessing not limited",
            severity: .high,
            summary:
                "The domain locks accounts only after more than 10 failed attempts, or never (lockoutThreshold 0). Cyber Essentials requires no more than 10 guesses (or throttling to 10 in 5 minutes); NIST SP 800-63B requires limiting consecutive failures to 100 at most.",
            rationale:
                "Without a limit, anyone with network access can try passwords against every account for as long as they like.",
            remediation:
                "Set the account lockout threshold to 10 or fewer with an observation window and a lockout duration of about 15 minutes, and alert on lockouts.",
            effort: .low,
            controls: [.ceUserAccess, .dss9ITProtection],
            references: ["https://www.ncsc.gov.uk/collection/passwords/updating-your-approach"],
            escalations: [
                .init(
                    .lockoutLate, severity: .medium, when: "accounts do lock out, but only after more than 10 attempts")
            ]
        ),
        Rule(
            id: .policyForcedExpiry,
            area: .credentials,
            title: "Passwords forced to expire regularly",
            severity: .low,
            summary:
                "The domain makes passwords expire after a fixed number of days. NCSC and NIST SP 800-63B advise against forced periodic expiry; change a password when there is evidence it is compromised.",
            rationale:
                "Regular forced changes lead people to predictable sequences (Winter2025!, Spring2026!) — which the recovered passwords often show.",
            remediation:
                "Set the maximum password age to 0 (never) once breached-password checks and multi-factor authentication are in place; force a change when a password is found breached or guessable.",
            effort: .low,
            controls: [.ceUserAccess],
            references: ["https://www.ncsc.gov.uk/blog-post/problems-forcing-regular-password-expiry"]
        ),
        Rule(
            id: .policyComposition,
            area: .credentials,
            title: "Password composition rules required",
            severity: .info,
            summary:
                "The domain requires passwords to mix character classes (complexity). NIST SP 800-63B says verifiers should not impose composition rules; NCSC advises against them.",
            rationale:
                "Composition rules produce Password1! rather than strong passwords, as the recovered passwords often show; length and a deny list do more.",
            remediation:
                "Rely on length and a deny list of common passwords rather than complexity; keep complexity only until those are in place.",
            effort: .low,
            controls: [.ceUserAccess],
            references: ["https://pages.nist.gov/800-63-4/sp800-63b.html"]
        ),
        Rule(
            id: .policyHistory,
            area: .credentials,
            title: "No password history",
            severity: .low,
            summary:
                "The domain keeps no password history (pwdHistoryLength 0), so a changed password can be changed straight back.",
            rationale:
                "When a password must change because it was exposed, a history is what stops the same password coming back.",
            remediation: "Keep a password history of 24 (the Windows default).",
            effort: .low,
            controls: [.ceUserAccess],
            references: []
        ),
        Rule(
            id: .policyLengthBypassed,
            area: .credentials,
            title: "Passwords shorter than the policy allows",
            severity: .high,
            summary:
                "Recovered passwords (or empty ones) are shorter than the domain's minimum length: the written policy is not what is in force for these accounts.",
            rationale:
                "Accounts allowed an empty password, passwords set before the policy was raised and administrative resets all bypass the minimum. A policy that reads well but is not enforced gives a false sense of security.",
            remediation:
                "Force a password change for the accounts concerned, clear PASSWD_NOTREQD, and check how passwords are set by scripts and the service desk.",
            effort: .medium,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: []
        ),
        Rule(
            id: .policyComplexityBypassed,
            area: .credentials,
            title: "Passwords that fail the policy's complexity rule",
            severity: .medium,
            summary:
                "The domain requires complexity (three of four character classes), yet recovered passwords use fewer: they were set before the rule, or by a route that does not check it.",
            rationale: "The written rule is not in force for these accounts, whatever the policy document says.",
            remediation:
                "Force a password change for the accounts concerned and find the route (scripts, service desk tools) that sets passwords without the check.",
            effort: .medium,
            controls: [.ceUserAccess],
            references: []
        ),
        Rule(
            id: .policyHistoryBypassed,
            area: .credentials,
            title: "Previous passwords reused despite the policy's history",
            severity: .medium,
            summary:
                "The domain keeps a password history, yet accounts' current passwords are among their previous ones.",
            rationale:
                "Administrative resets and some tools skip the history check; the policy is not what is in force.",
            remediation:
                "Force a password change for the accounts concerned and have resets set a random password that must be changed at next logon.",
            effort: .medium,
            controls: [.ceUserAccess],
            references: []
        ),
    ]
}
