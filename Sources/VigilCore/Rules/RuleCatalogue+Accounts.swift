extension RuleCatalogue {
    /// Account hygiene and the credential rules that need only a directory export and a hash dump.
    static let accountRules: [Rule] = [
        Rule(
            id: .staleAccount,
            area: .accounts,
            title: "Enabled account not used for a long time",
            severity: .medium,
            summary:
                "An enabled account has not logged on for longer than the staleness threshold (90 days by default), or never logged on since it was created that long ago.",
            rationale:
                "Accounts of leavers and unused accounts still open a door: nobody notices when someone else uses them, and their passwords are rarely changed.",
            remediation:
                "Confirm with the account's owner or line manager that it is still needed; disable it if not, and delete it after your retention period. Make leaver processes disable accounts on the last working day.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://www.ncsc.gov.uk/collection/device-security-guidance/managing-deployed-devices/user-accounts"
            ]
        ),
        Rule(
            id: .stalePrivilegedAccount,
            area: .accounts,
            title: "Privileged account not used for a long time",
            severity: .high,
            summary:
                "An enabled account with administrative rights (a member of a privileged group, directly or through nesting, or marked adminCount=1) has not logged on for longer than the staleness threshold.",
            rationale:
                "An unused administrator account gives an attacker control of the whole domain while nobody watches it. Its password is usually old and often known to former staff or suppliers.",
            remediation:
                "Disable the account now. If it is still needed, reset its password to a long random one, record its owner, and review privileged group membership every quarter.",
            effort: .low,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://learn.microsoft.com/windows-server/identity/ad-ds/plan/security-best-practices/reducing-the-active-directory-attack-surface"
            ]
        ),
        Rule(
            id: .passwordNeverExpires,
            area: .accounts,
            title: "Password set never to expire",
            severity: .low,
            summary:
                "An enabled account has the DONT_EXPIRE_PASSWORD flag, so its password is exempt from the domain's maximum password age.",
            rationale:
                "Regular forced expiry is no longer recommended for people who use strong passwords, but an exemption on one account usually means a shared or service password that has not changed in years and is known to many.",
            remediation:
                "For service accounts, move to group Managed Service Accounts (gMSA) which rotate automatically. For people, remove the flag and rely on a breached-password check and multi-factor authentication instead.",
            effort: .medium,
            controls: [.ceUserAccess, .dss4DataAccess],
            references: [
                "https://learn.microsoft.com/windows-server/security/group-managed-service-accounts/group-managed-service-accounts-overview"
            ]
        ),
        Rule(
            id: .passwordNotRequired,
            area: .accounts,
            title: "Account allowed an empty password",
            severity: .high,
            summary:
                "An enabled account has the PASSWD_NOTREQD flag, so it may have an empty password whatever the domain policy says.",
            rationale:
                "The flag silently bypasses the password policy. Accounts created by scripts or old tools often carry it, and an empty password needs no guessing at all.",
            remediation:
                "Clear the flag (Set-ADAccountControl -PasswordNotRequired $false) and set a strong password; find how the account was created so the flag is not set again.",
            effort: .low,
            controls: [.ceUserAccess, .ceSecureConfiguration, .dss4DataAccess],
            references: [
                "https://learn.microsoft.com/troubleshoot/windows-server/active-directory/useraccountcontrol-manipulate-account-properties"
            ]
        ),
        Rule(
            id: .reversibleEncryption,
            area: .accounts,
            title: "Password stored with reversible encryption",
            severity: .high,
            summary:
                "An enabled account (or the whole domain policy) stores its password with reversible encryption (ENCRYPTED_TEXT_PWD_ALLOWED).",
            rationale:
                "Anyone who obtains a copy of the directory database can recover these passwords in clear text, not just their hashes.",
            remediation:
                "Clear the flag on the account and in the domain password policy, then have the account's password changed so the reversible copy is discarded.",
            effort: .low,
            controls: [.ceSecureConfiguration, .dss9ITProtection],
            references: [
                "https://learn.microsoft.com/windows/security/threat-protection/security-policy-settings/store-passwords-using-reversible-encryption"
            ]
        ),
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
            references: ["https://www.ncsc.gov.uk/collection/passwords/updating-your-approach"]
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
            ]
        ),
    ]
}
