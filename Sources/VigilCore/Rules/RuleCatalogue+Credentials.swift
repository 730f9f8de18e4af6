extension RuleCatalogue {
    /// Password weaknesses found from a hash dump: empty, LM, shared, breached, guessable and reused passwords.
    static let credentialRules: [Rule] = [
        Rule(
            id: .lmHashStored,
            area: .credentials,
            title: "LM hash stored",
            severity: .high,
            summary: "The hash dump holds a LAN Manager (LM) hash for the account.",
            rationale:
                "LM hashes split the password into two upper-cased 7-character halves and can be reversed in minutes. They exist only because the password was set while LM storage was allowed and has not been changed since.",
            remediation:
                "Enforce 'Network security: Do not store LAN Manager hash value on next password change' and have the account's password changed.",
            effort: .low,
            controls: [.ceSecureConfiguration, .dss9ITProtection],
            references: [
                "https://learn.microsoft.com/troubleshoot/windows-server/windows-security/prevent-windows-store-lm-hash-password"
            ]
        ),
        Rule(
            id: .emptyPassword,
            area: .credentials,
            title: "Empty password",
            severity: .critical,
            summary: "An enabled account's NT hash is the hash of the empty password.",
            rationale: "Anyone who knows the account name can log on as it.",
            remediation:
                "Set a strong password now, clear PASSWD_NOTREQD if set, and find out who created the account this way.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: []
        ),
        Rule(
            id: .sharedPassword,
            area: .credentials,
            title: "Password shared between accounts",
            severity: .high,
            summary:
                "Several enabled accounts have the same NT hash, so they have the same password. Critical when one of them is privileged.",
            rationale:
                "One guessed, phished or leaked password opens every account in the group, and nobody can tell who used which. When an ordinary account shares an administrator's password, compromising the ordinary account gives control of the domain.",
            remediation:
                "Give each account its own password; for service accounts use group Managed Service Accounts. Find out why the accounts were set up alike (a default starting password, a shared team password) and stop the practice.",
            effort: .medium,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: ["https://www.ncsc.gov.uk/collection/passwords/updating-your-approach"],
            escalations: [
                .init(
                    .privileged, severity: .critical, when: "a privileged account shares the password", reach: .domain)
            ]
        ),
        Rule(
            id: .privilegedSharedPassword,
            area: .credentials,
            title: "Privileged account shares its password",
            severity: .critical,
            summary: "An enabled privileged account has the same NT hash as at least one other account.",
            rationale:
                "Whoever knows the other account's password also holds administrative control of the domain, usually without anyone realising it.",
            remediation:
                "Reset the privileged account's password to a long, unique one today; keep administrator accounts separate from everyday accounts and use a privileged access workstation or password vault for them.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess, .dss9ITProtection],
            references: [
                "https://learn.microsoft.com/security/privileged-access-workstations/privileged-access-access-model"
            ],
            reach: .domain
        ),
        Rule(
            id: .breachedPassword,
            area: .credentials,
            title: "Password known from breaches",
            severity: .high,
            summary:
                "An enabled account's password hash is in the breach corpus (Have I Been Pwned's Pwned Passwords or similar): the password has been seen in public breach data. Critical for a privileged account.",
            rationale:
                "Attackers try breached passwords first, against every account they can reach (password spraying and credential stuffing). A password in the corpus offers no protection whatever its length or complexity.",
            remediation:
                "Have the password changed now; turn on a check against breached passwords at every change (for example Microsoft Entra Password Protection or a password filter), and multi-factor authentication where the account is reachable from outside.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://haveibeenpwned.com/Passwords",
                "https://www.ncsc.gov.uk/collection/passwords/updating-your-approach",
            ],
            escalations: [
                .init(.privileged, severity: .critical, when: "the account is privileged", reach: .domain)
            ]
        ),
        Rule(
            id: .guessablePassword,
            area: .credentials,
            title: "Guessable password",
            severity: .high,
            summary:
                "An enabled account's password was recovered by a small, targeted dictionary attack: common passwords, the organisation's own words, names, seasons, months and keyboard patterns, with the usual changes (capitals, look-alike substitutions, digits, years, symbols). The finding says the pattern, never the password. Critical for a privileged account.",
            rationale:
                "If Vigil can find it in minutes on one machine, an attacker with the same hash dump — or simply trying a few likely passwords against every account — can too.",
            remediation:
                "Have the password changed now. Block these patterns at every change (a deny list including the organisation's name and seasons), encourage three random words or a password manager, and turn on multi-factor authentication.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: ["https://www.ncsc.gov.uk/blog-post/three-random-words-or-thinkrandom-0"],
            escalations: [
                .init(.privileged, severity: .critical, when: "the account is privileged", reach: .domain)
            ]
        ),
        Rule(
            id: .usernameAsPassword,
            area: .credentials,
            title: "Password is the user name",
            severity: .critical,
            summary: "An enabled account's password is its own account name (in any capitalisation).",
            rationale: "It is the first thing anyone tries: knowing the account name is knowing the password.",
            remediation:
                "Set a strong password now and find out how the account was set up this way (often a bulk-creation script or a shared starting password).",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: []
        ),
        Rule(
            id: .machineDefaultPassword,
            area: .credentials,
            title: "Computer account has its default password",
            severity: .high,
            summary:
                "A computer account's password is still the default one set when the account was pre-created: its own name in lower case.",
            rationale:
                "Pre-created computer accounts that were never joined keep a predictable password; anyone can log on as the computer and use it to query the directory or, with delegation rights, much more.",
            remediation:
                "Reset the computer account (or delete it if no machine uses it) and stop pre-creating computer accounts with the 'pre-Windows 2000 compatible' option.",
            effort: .low,
            controls: [.ceSecureConfiguration, .dss9ITProtection],
            references: ["https://www.trustedsec.com/blog/diving-into-pre-created-computer-accounts"]
        ),
        Rule(
            id: .reusedPassword,
            area: .credentials,
            title: "Previous password reused",
            severity: .medium,
            summary:
                "An enabled account's current password is one of its own previous passwords (from the password history in the dump).",
            rationale:
                "A password that comes back after a change was never really changed: if it was exposed before, it still is.",
            remediation:
                "Have the password changed to a new one; keep a password history (24 is the Windows default) and find out how the history was bypassed (administrative resets do not check it).",
            effort: .low,
            controls: [.ceUserAccess],
            references: []
        ),
        Rule(
            id: .sharedHistoryPassword,
            area: .credentials,
            title: "Password previously used by another account",
            severity: .medium,
            summary:
                "An enabled account's current password was, earlier, the password of other accounts (it appears in their password history). High when one of them is privileged.",
            rationale:
                "Passwords handed from one account to another — a team's shared starting password, an administrator's old password given to a new account — spread whatever exposure the first account had.",
            remediation:
                "Have the password changed and stop the practice of reusing passwords between accounts; set starting passwords to unique random values that must be changed at first logon.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [],
            escalations: [
                .init(.privileged, severity: .high, when: "a privileged account is involved", reach: .domain)
            ]
        ),
        Rule(
            id: .kerberoastable,
            area: .credentials,
            title: "Kerberoastable service account with a weak or old password",
            severity: .high,
            summary:
                "An enabled account with a service principal name (so any domain user can request a ticket encrypted with its password) has a password that is weak (breached, guessable, empty or shared) or has not changed for over a year. Critical when the account is privileged.",
            rationale:
                "Kerberoasting needs no special rights: any staff login can collect these tickets and crack them offline. Service accounts often have old passwords and broad rights on clinical systems.",
            remediation:
                "Move the service to a group Managed Service Account (a 120-character password rotated automatically); otherwise set a random password of 25 or more characters and rotate it yearly. Remove SPNs nobody uses.",
            effort: .medium,
            controls: [.ceUserAccess, .ceSecureConfiguration, .dss9ITProtection],
            references: ["https://attack.mitre.org/techniques/T1558/003/"],
            escalations: [
                .init(.privileged, severity: .critical, when: "the account is privileged", reach: .domain)
            ]
        ),
    ]
}
